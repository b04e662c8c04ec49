"""Spoken calls: the words, the audio espeak-ng makes, the cache, recorded clips, the endpoint."""

from __future__ import annotations

import shutil
import time
import wave
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from hall.speech import voice
from hall.speech.voice import Voice
from tests.factories import World
from tests.test_api import check_error

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None,
                                  reason="espeak-ng is not installed (make system-deps installs it)")


def seconds(path: Path) -> float:
    with wave.open(str(path)) as audio:
        return audio.getnframes() / audio.getframerate()


def test_call_words() -> None:
    assert voice.call_text_vi("A023", 3) == (
        "Kính mời công dân có số thứ tự a, hai mươi ba đến quầy số ba")
    assert voice.call_text_vi("1015", 12) == (
        "Kính mời công dân có số thứ tự một nghìn không trăm mười lăm đến quầy số mười hai")
    assert voice.call_text_en("A023", 3) == "Ticket number A 23, please go to counter 3."
    assert [lang for lang, _ in voice.call_texts("A1", 1, ["vi", "en"])] == ["vi", "en"]


@needs_espeak
def test_espeak_audio_is_made_once_then_cached(tmp_path: Path) -> None:
    speaker = Voice(tmp_path / "cache")
    first = speaker.call("A023", 3)
    assert 2.5 < seconds(first) < 12  # the whole sentence, not a blip and not a runaway
    assert speaker.made == 1
    again = speaker.call("A023", 3)
    assert again == first and speaker.made == 1  # the same text: read from the cache
    other = speaker.call("A024", 3)
    assert other != first and speaker.made == 2
    both = speaker.call("A023", 3, ["vi", "en"])
    assert seconds(both) > seconds(first) + 1  # the English wording follows
    assert Voice(tmp_path / "cache").call("A023", 3) == first  # survives a restart


def write_clip(path: Path, seconds_long: float, rate: int = 16000) -> None:
    with wave.open(str(path), "wb") as clip:
        clip.setnchannels(1)
        clip.setsampwidth(2)
        clip.setframerate(rate)
        clip.writeframes(b"\x01\x00" * int(rate * seconds_long))


def test_recorded_clips_take_precedence(tmp_path: Path) -> None:
    clips = tmp_path / "clips"
    clips.mkdir()
    names = voice.clip_names("B115", 2)
    assert names == ["intro", "letter-b", "một", "trăm", "mười", "lăm", "to-counter", "hai"]
    for name in names:
        write_clip(clips / f"{name}.wav", 0.5)
    speaker = Voice(tmp_path / "cache", clips, espeak="no-such-espeak")
    made = speaker.call("B115", 2)
    expected = 0.5 * len(names) + voice.GAP_S * (len(names) - 1)
    assert abs(seconds(made) - expected) < 0.01
    with wave.open(str(made)) as audio:
        assert audio.getframerate() == 16000
    # A number the clips do not cover falls back to espeak-ng (missing here): a clear error.
    with pytest.raises(voice.VoiceUnavailable):
        speaker.call("B124", 2)  # "hai mươi tư": no clip for "mươi" nor "tư"
    write_clip(clips / "chime.wav", 1.0)
    assert speaker.chime() == clips / "chime.wav"


def test_cache_keeps_the_calls_in_use_within_its_limit(tmp_path: Path) -> None:
    clips = tmp_path / "clips"
    clips.mkdir()
    for name in ["intro", "letter-a", "to-counter", "một", "hai", "ba", "bốn"]:
        write_clip(clips / f"{name}.wav", 0.05)
    speaker = Voice(tmp_path / "cache", clips, espeak="no-such-espeak", max_files=3)
    first = speaker.call("A1", 1)
    for number in ("A2", "A3"):
        time.sleep(0.02)  # distinct file times
        speaker.call(number, 1)
    time.sleep(0.02)
    assert speaker.call("A1", 1) == first  # used again: now the most recent
    time.sleep(0.02)
    speaker.call("A4", 1)  # a fourth file: the least recently used (A2) goes
    kept = sorted((tmp_path / "cache").glob("call-*.wav"))
    assert len(kept) == 3 and first in kept
    assert speaker.made == 4
    speaker.call("A2", 1)
    assert speaker.made == 5  # it was pruned, so it was made again


def test_built_in_chime(tmp_path: Path) -> None:
    chime = Voice(tmp_path).chime()
    assert 1.0 < seconds(chime) < 1.5


@needs_espeak
def test_audio_endpoint(app: Flask, client: FlaskClient, world: World) -> None:
    check_error(client.get("/display/call.wav?number=A001&counter=1"), 401, "unauthorized")
    token = world.tokens["display"]
    answer = client.get(f"/display/call.wav?number=A001&counter=1&token={token}")
    assert answer.status_code == 200 and answer.mimetype == "audio/wav"
    assert answer.data[:4] == b"RIFF" and len(answer.data) > 50_000
    client.set_cookie("hall_display", token, path="/display")
    assert client.get("/display/call.wav?number=A001&counter=1").status_code == 200
    for bad in ("number=A-1&counter=1", "number=A001&counter=0", "number=ABCDE1&counter=1",
                "number=A001", "counter=2"):
        check_error(client.get(f"/display/call.wav?{bad}"), 400, "invalid_parameters")
    text = client.get("/display/call.json?number=C024&counter=3").get_json()
    assert text == {"texts": [{"lang": "vi", "text":
                              "Kính mời công dân có số thứ tự xê, hai mươi tư đến quầy số ba"}]}
    assert client.get("/display/chime.wav").data[:4] == b"RIFF"


def test_kiosk_token_gets_no_audio(client: FlaskClient, world: World) -> None:
    check_error(client.get(f"/display/call.wav?number=A001&counter=1&token={world.tokens['kiosk']}"),
                401, "unauthorized")
