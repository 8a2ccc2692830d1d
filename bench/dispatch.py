"""Dispatch throughput: 10,000 due messages through the real twilio client to a local fake API.

Run: .venv/bin/python -m bench.dispatch [COUNT]
Prints messages per second with the rate cap lifted, then sends again with TWILIO_MPS-style
cap set and shows that the achieved rate stays under it. SQLite in a temporary folder; the fake
API answers at once (no network delay), so the figures are our own overhead.
"""

import sys
import tempfile
import time
from datetime import UTC, datetime

from bot.outbound.messenger import TwilioMessenger
from bot.outbound.sender import SendPolicy, Throttle, deliver_due
from flows.kinds import KINDS
from storage.db import make_engine, transaction
from storage.migrate import upgrade
from storage.models import InboundMessage
from storage.outbox import enqueue
from tests.fakes import ACCOUNT, SENDER, FakeTwilio
from tests.helpers import serving


def run(count: int, cap: float | None, url: str) -> float:
    folder = tempfile.mkdtemp()
    db = f"sqlite:///{folder}/dispatch.db"
    upgrade(db)
    engine = make_engine(db)
    now = datetime.now(UTC)
    with transaction(engine) as session:
        for number in range(count):
            phone = f"+62812{number:08d}"
            session.add(InboundMessage(sid=f"SM{number}", phone=phone, received_at=now))
            enqueue(session, KINDS["reply"], phone, now, {"text": f"pesan {number}"})
    messenger = TwilioMessenger(ACCOUNT, "token", SENDER, url)
    policy = SendPolicy(throttle=Throttle(cap))
    start = time.perf_counter()
    sent = 0
    while sent < count:
        sent += deliver_due(engine, messenger, datetime.now(UTC), 200, policy).sent
    elapsed = time.perf_counter() - start
    engine.dispose()
    return (count - 1) / elapsed  # n sends span n - 1 intervals


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with serving(FakeTwilio()) as fake:
        uncapped = run(count, None, fake.url)
        print(f"{count} messages, no cap: {uncapped:.0f} messages/s (one sender process)")
        cap = max(10.0, round(uncapped / 4))
        capped = run(min(count, int(cap * 5)), cap, fake.url)
    verdict = "holds" if capped <= cap * 1.01 else "EXCEEDED"
    print(f"cap {cap:.0f}/s: {capped:.1f} messages/s — the cap {verdict}")
    return 0 if capped <= cap * 1.01 else 1


if __name__ == "__main__":
    sys.exit(main())
