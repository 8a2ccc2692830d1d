"""Dispatch throughput: 10,000 due messages through the real twilio client to a local fake API.

Run: .venv/bin/python bench/dispatch.py [COUNT]
Prints messages per second with the rate cap lifted, then sends again with TWILIO_MPS-style
cap set and shows that the achieved rate stays under it. SQLite in a temporary folder; the fake
API answers at once (no network delay), so the figures are our own overhead.
"""

import json
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bot.messenger import TwilioMessenger
from bot.sender import SendPolicy, Throttle, deliver_due
from storage.db import make_engine, transaction
from storage.migrate import upgrade
from storage.models import InboundMessage
from storage.outbox import enqueue


class _Fake(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else headers and body wait on a delayed ACK (40 ms)

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        payload = json.dumps({"sid": "SM" + "f" * 32, "status": "queued"}).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args) -> None:
        pass


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
            enqueue(session, phone, f"pesan {number}", "reply", now)
    messenger = TwilioMessenger("AC" + "a" * 32, "token", "whatsapp:+14155238886", url)
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
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Fake)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    uncapped = run(count, None, url)
    print(f"{count} messages, no cap: {uncapped:.0f} messages/s (one sender process)")
    cap = max(10.0, round(uncapped / 4))
    capped = run(min(count, int(cap * 5)), cap, url)
    verdict = "holds" if capped <= cap * 1.01 else "EXCEEDED"
    print(f"cap {cap:.0f}/s: {capped:.1f} messages/s — the cap {verdict}")
    server.shutdown()
    return 0 if capped <= cap * 1.01 else 1


if __name__ == "__main__":
    sys.exit(main())
