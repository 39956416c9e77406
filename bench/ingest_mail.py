"""Reading mail: the parser over the fixtures, and what the limits save on hostile mail.

Usage: .venv/bin/python bench/ingest_mail.py

Medians of RUNS runs, each measured beside its baseline in the same run:

- ``fixture_ms``: parse and classify the 15 fixtures of tests/mail/fixtures/, beside
  ``bytes_ms`` (reading them with the standard library's parser alone: the floor);
- ``refuse_10k_ms``: refusing a message of 10,000 parts (checked on the raw bytes) beside
  ``parse_10k_ms``, what parsing it would cost without the check;
- ``refuse_50mb_ms``: refusing a 50 MB message by its size.

Ends with ``RESULT fixture_ratio=<fixture_ms / bytes_ms> refuse_ratio=<refuse_10k_ms /
parse_10k_ms> …``: the first is the price of the checks and the classification, the
second what the raw check saves (both lower is better).
"""

from __future__ import annotations

import statistics
import sys
import time
from email import message_from_bytes, policy
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from campaign.inbound.classify import classify
from campaign.inbound.parse import Limits, Refused, parse
from tests.inbound.mailgen import FIXTURES, many_parts, with_attachment

RUNS = 7


def _median_ms(fn, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    fixtures = [p.read_bytes() for p in sorted(FIXTURES.glob("*.eml"))]
    ten_k = many_parts(10_000)
    big = with_attachment(50 * 1024 * 1024)

    def plain():
        for raw in fixtures:
            message_from_bytes(raw, policy=policy.default)

    def ours():
        for raw in fixtures:
            classify(parse(raw))

    def refuse(raw):
        def run():
            try:
                parse(raw)
            except Refused:
                return
            raise AssertionError("not refused")

        return run

    figures = {
        "bytes_ms": _median_ms(plain),
        "fixture_ms": _median_ms(ours),
        "parse_10k_ms": _median_ms(lambda: parse(ten_k, Limits(max_parts=20_000)), runs=3),
        "refuse_10k_ms": _median_ms(refuse(ten_k)),
        "refuse_50mb_ms": _median_ms(refuse(big)),
    }
    for key, value in figures.items():
        print(f"{key:>16}: {value:9.2f}")
    figures["fixture_ratio"] = figures["fixture_ms"] / figures["bytes_ms"]
    figures["refuse_ratio"] = figures["refuse_10k_ms"] / figures["parse_10k_ms"]
    print("RESULT " + " ".join(f"{k}={v:.3f}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
