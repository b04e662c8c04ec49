"""Spoken-call audio: how long a display waits for a call it has never heard (espeak-ng,
then written to the cache) and for one already cached; the size of a cached call.

    python -m bench.voice [--calls 30]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from hall.speech.voice import Voice


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        speaker = Voice(Path(folder))
        for languages in (["vi"], ["vi", "en"]):
            cold, warm, sizes = [], [], []
            for index in range(args.calls):
                number, counter = f"A{index + 1:03d}", index % 9 + 1
                started = time.perf_counter()
                path = speaker.call(number, counter, languages)
                cold.append(time.perf_counter() - started)
                started = time.perf_counter()
                speaker.call(number, counter, languages)
                warm.append(time.perf_counter() - started)
                sizes.append(path.stat().st_size)
            print(f"{'+'.join(languages):5}  new call: p50 {statistics.median(cold) * 1000:6.1f} ms, "
                  f"max {max(cold) * 1000:6.1f} ms · cached: p50 {statistics.median(warm) * 1000:5.2f} ms"
                  f" · file {statistics.mean(sizes) / 1024:5.0f} KB")


if __name__ == "__main__":
    main()
