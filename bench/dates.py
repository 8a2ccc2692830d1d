"""Date understanding on the shared corpus: our parse_when beside dateparser, and speed.

Run: .venv/bin/python -m bench.dates   (needs ../shared/corpus/dates.tsv)
"""

import statistics
import sys
import time
from datetime import datetime

from flows.dates import WIB
from tests.helpers import SHARED, corpus, shown_when

CORPUS = SHARED / "corpus" / "dates.tsv"


def lines() -> list[tuple[str, datetime, str]]:
    return [(text, datetime.fromisoformat(now).replace(tzinfo=WIB), expected)
            for text, now, expected in corpus("dates")]  # fmt: skip


ours = shown_when


def theirs(text: str, now: datetime) -> str:
    import dateparser

    settings = {
        "PREFER_DATES_FROM": "future",
        "DATE_ORDER": "DMY",
        "RELATIVE_BASE": now.replace(tzinfo=None),
        "TIMEZONE": "Asia/Jakarta",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    found = dateparser.parse(text, languages=["id", "en"], settings=settings)
    if found is None:
        return "NONE"
    has_time = found.time() != now.replace(tzinfo=None).time() and (found.hour, found.minute) != (
        0,
        0,
    )
    return found.date().isoformat() + (f" {found:%H:%M}" if has_time else "")


def median_microseconds(parse, rows, repeat: int = 200) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for text, now, _expected in rows:
            parse(text, now)
        samples.append((time.perf_counter() - start) / len(rows))
    return statistics.median(samples) * 1e6


def main() -> int:
    if not CORPUS.exists():
        print(f"no corpus at {CORPUS}")
        return 1
    rows = lines()
    right = sum(ours(text, now) == expected for text, now, expected in rows)
    print(f"corpus lines: {len(rows)}")
    speed = median_microseconds(ours, rows)
    print(f"parse_when  : {right}/{len(rows)} right, median {speed:.1f} µs/parse")
    try:
        import dateparser  # noqa: F401
    except ImportError:
        print("dateparser  : not installed (pip install dateparser)")
        return 0
    theirs_right = sum(theirs(text, now) == expected for text, now, expected in rows)
    print(
        f"dateparser  : {theirs_right}/{len(rows)} right, "
        f"median {median_microseconds(theirs, rows, repeat=5):.1f} µs/parse (languages id+en)"
    )
    for text, now, expected in rows:
        if ours(text, now) != expected:
            print(f"  ours wrong: {text!r} at {now:%Y-%m-%d %H:%M}: want {expected}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
