"""Understanding of replies as cooperatives write them, per question, on the shared corpus,
and the time per reply.

Run: .venv/bin/python -m bench.replies   (needs ../shared/corpus/replies.tsv)
"""

import sys
import time
from collections import defaultdict

from tests.helpers import SHARED, corpus, understood

CORPUS = SHARED / "corpus" / "replies.tsv"


def main() -> None:
    if not CORPUS.exists():
        sys.exit(f"{CORPUS} is not there")
    rows = [row for row in corpus("replies") if row[0] != "step"]
    right: dict[str, list[bool]] = defaultdict(list)
    misses: list[tuple[str, str, str]] = []
    first = time.perf_counter()
    for step, text, expected in rows:
        ok = understood(step, text, expected)
        right[step].append(ok)
        if not ok:
            misses.append((step, text, expected))
    cold = time.perf_counter() - first
    started = time.perf_counter()  # again, as a running bot reads them: catalogues loaded
    for step, text, expected in rows:
        understood(step, text, expected)
    elapsed = time.perf_counter() - started
    total = sum(sum(v) for v in right.values())
    print(f"understood {total}/{len(rows)} = {total / len(rows):.0%}; "
          f"{elapsed / len(rows) * 1e6:.0f} µs per reply (judging included; the first pass, "
          f"loading the catalogues: {cold / len(rows) * 1e6:.0f} µs)")  # fmt: skip
    for step in sorted(right, key=lambda s: sum(right[s]) / len(right[s])):
        oks = right[step]
        print(f"  {step:13} {sum(oks):3}/{len(oks):<3} {sum(oks) / len(oks):5.0%}")
    for step, text, expected in misses:
        print(f"  miss  {step:13} {text!r} → expected {expected}")


if __name__ == "__main__":
    main()
