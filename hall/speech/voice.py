"""The spoken call: its words, and its audio made on the server and cached on disk.

Audio comes from, in order of preference:
1. a centre's folder of recorded clips (HALL_VOICE_CLIPS), when it has a clip for every part of
   the call: `intro.wav` ("Kính mời công dân có số thứ tự"), `to-counter.wav` ("đến quầy số"),
   `letter-a.wav` … for prefixes, and one clip per number word named by the word itself
   (`một.wav`, `mốt.wav`, `mươi.wav`, `mười.wav`, `lăm.wav`, `tư.wav`, `linh.wav`, `trăm.wav`,
   `nghìn.wav`, …). Clips must share one WAV format; `chime.wav` replaces the built-in chime;
2. espeak-ng (Debian package), voice `vi` (and `en` for the English wording).

A display may instead use the browser's own vi-VN voice with the text from `call_texts`.
"""

from __future__ import annotations

import array
import hashlib
import json
import math
import os
import shutil
import subprocess
import tempfile
import threading
import unicodedata
import wave
from collections.abc import Sequence
from pathlib import Path

from hall.speech.numbers_vi import LETTERS
from hall.speech.numbers_vi import TICKET
from hall.speech.numbers_vi import read_number
from hall.speech.numbers_vi import read_ticket

INTRO_VI = "Kính mời công dân có số thứ tự"
TO_COUNTER_VI = "đến quầy số"
GAP_S = 0.12  # between clips
LANGUAGE_GAP_S = 0.6  # between the Vietnamese and the English call


class VoiceUnavailable(RuntimeError):
    """Neither clips nor espeak-ng can say this call."""


def call_text_vi(number: str, counter: int, digit_by_digit: bool = False) -> str:
    return f"{INTRO_VI} {read_ticket(number, digit_by_digit)} {TO_COUNTER_VI} {read_number(counter)}"


def call_text_en(number: str, counter: int) -> str:
    match = TICKET.match(unicodedata.normalize("NFC", number.strip()).upper())
    if match is None:
        raise ValueError(f"not a ticket number: {number!r}")
    prefix, digits = match.groups()
    spoken = " ".join([*prefix, str(int(digits))])
    return f"Ticket number {spoken}, please go to counter {counter}."


def call_texts(number: str, counter: int, languages: Sequence[str],
               digit_by_digit: bool = False) -> list[tuple[str, str]]:
    """(language, text) for each language of the centre's call, Vietnamese first."""
    texts = []
    for language in languages:
        if language == "vi":
            texts.append(("vi", call_text_vi(number, counter, digit_by_digit)))
        elif language == "en":
            texts.append(("en", call_text_en(number, counter)))
    return texts


def clip_names(number: str, counter: int, digit_by_digit: bool = False) -> list[str]:
    """The clip files that say the Vietnamese call, in order."""
    spoken = read_ticket(number, digit_by_digit)
    prefix_letters = TICKET.match(unicodedata.normalize("NFC", number.strip()).upper())
    assert prefix_letters is not None
    letters = [f"letter-{letter.lower()}" for letter in prefix_letters.group(1) if letter in LETTERS]
    digits_part = spoken.split(", ", 1)[-1]
    words = [*letters, *digits_part.split(), "to-counter", *read_number(counter).split()]
    return ["intro", *words]


def _read_wav(path: Path) -> tuple[tuple[int, int, int], bytes]:
    with wave.open(str(path), "rb") as source:
        shape = (source.getnchannels(), source.getsampwidth(), source.getframerate())
        return shape, source.readframes(source.getnframes())


def _silence(shape: tuple[int, int, int], seconds: float) -> bytes:
    channels, width, rate = shape
    return b"\x00" * (int(rate * seconds) * channels * width)


def _write_wav(path: Path, shape: tuple[int, int, int], frames: bytes) -> None:
    """Write atomically: a display never reads half a file."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    os.close(handle)
    with wave.open(temporary, "wb") as target:
        target.setnchannels(shape[0])
        target.setsampwidth(shape[1])
        target.setframerate(shape[2])
        target.writeframes(frames)
    os.replace(temporary, path)


def chime_frames(rate: int = 22050) -> bytes:
    """A two-note 'ding-dong' (E5 then C5, bell-like decay), 16-bit mono."""
    samples = array.array("h")
    for frequency, seconds in ((659.25, 0.45), (523.25, 0.75)):
        count = int(rate * seconds)
        for index in range(count):
            t = index / rate
            envelope = math.exp(-4.0 * t) * min(1.0, index / (0.01 * rate))
            value = math.sin(2 * math.pi * frequency * t) + 0.3 * math.sin(4 * math.pi * frequency * t)
            samples.append(int(12000 * envelope * value))
    return samples.tobytes()


class Voice:
    """Makes and caches call audio. Safe to share between threads and greenlets."""

    def __init__(self, cache_dir: Path, clips_dir: Path | None = None, espeak: str = "espeak-ng",
                 rate_wpm: int = 140, max_files: int = 1000) -> None:
        self.cache_dir = cache_dir
        self.clips_dir = clips_dir if clips_dir and clips_dir.is_dir() else None
        self.espeak = shutil.which(espeak)
        self.rate_wpm = rate_wpm
        self.max_files = max_files  # a day's calls are ~200 KB each: keep the cache bounded
        self.made = 0  # audio files produced (not served from the cache); tests read it
        self.lock = threading.Lock()
        cache_dir.mkdir(parents=True, exist_ok=True)

    def describe(self) -> dict[str, object]:
        return {"clips": str(self.clips_dir) if self.clips_dir else None,
                "espeak": self.espeak, "rate_wpm": self.rate_wpm}

    def _clip(self, name: str) -> Path | None:
        if self.clips_dir is None:
            return None
        path = self.clips_dir / f"{unicodedata.normalize('NFC', name)}.wav"
        return path if path.is_file() else None

    def chime(self) -> Path:
        """The chime before every call: the centre's `chime.wav`, else the built-in one."""
        recorded = self._clip("chime")
        if recorded is not None:
            return recorded
        path = self.cache_dir / "chime.wav"
        if not path.exists():
            _write_wav(path, (1, 2, 22050), chime_frames())
        return path

    def call(self, number: str, counter: int, languages: Sequence[str] = ("vi",),
             digit_by_digit: bool = False) -> Path:
        """The WAV that says the call; made once per distinct call, then read from the cache."""
        texts = call_texts(number, counter, languages, digit_by_digit)
        clips = [self._clip(name) for name in clip_names(number, counter, digit_by_digit)]
        use_clips = "vi" in languages and all(clips)
        stamp = [(str(c), c.stat().st_mtime_ns) for c in clips if c] if use_clips else []
        key = hashlib.sha256(json.dumps([texts, stamp, self.rate_wpm], ensure_ascii=False)
                             .encode()).hexdigest()[:32]  # fmt: skip
        path = self.cache_dir / f"call-{key}.wav"
        if self._hit(path):
            return path
        with self.lock:  # one maker at a time; the others then find the file
            if self._hit(path):
                return path
            parts = []
            for language, text in texts:
                if language == "vi" and use_clips:
                    parts.append(self._join([c for c in clips if c is not None], GAP_S))
                else:
                    parts.append(self._espeak(language, text))
            shape = parts[0][0]
            if any(part[0] != shape for part in parts):
                raise VoiceUnavailable("recorded clips and espeak-ng audio differ in format")
            frames = _silence(shape, LANGUAGE_GAP_S).join(part[1] for part in parts)
            _write_wav(path, shape, frames)
            self.made += 1
            self.prune()
        return path

    def _hit(self, path: Path) -> bool:
        """A cached call; its time is refreshed so the calls in use are the last to go."""
        try:
            os.utime(path)
        except FileNotFoundError:
            return False
        return True

    def prune(self) -> None:
        """Delete the least recently used call files beyond `max_files`."""
        files = []
        for entry in self.cache_dir.glob("call-*.wav"):
            try:
                files.append((entry.stat().st_mtime_ns, entry))
            except FileNotFoundError:  # another process pruned it
                continue
        files.sort()
        for _, entry in files[: max(0, len(files) - self.max_files)]:
            entry.unlink(missing_ok=True)

    def _join(self, clips: list[Path], gap_s: float) -> tuple[tuple[int, int, int], bytes]:
        read = [_read_wav(clip) for clip in clips]
        shape = read[0][0]
        if any(part[0] != shape for part in read):
            raise VoiceUnavailable("the recorded clips do not share one WAV format")
        return shape, _silence(shape, gap_s).join(frames for _, frames in read)

    def _espeak(self, language: str, text: str) -> tuple[tuple[int, int, int], bytes]:
        if self.espeak is None:
            raise VoiceUnavailable("espeak-ng is not installed and no recorded clips cover this call")
        with tempfile.TemporaryDirectory(dir=self.cache_dir) as folder:
            target = Path(folder) / "speech.wav"
            try:
                subprocess.run(
                    [self.espeak, "-v", language, "-s", str(self.rate_wpm), "-w", str(target), text],
                    check=True, capture_output=True, timeout=30,
                )  # fmt: skip
            except (OSError, subprocess.SubprocessError) as exc:
                raise VoiceUnavailable(f"espeak-ng failed: {exc}") from exc
            return _read_wav(target)
