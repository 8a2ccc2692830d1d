"""Hand-written fakes of the APIs we call, served on 127.0.0.1: Twilio's Messages and Zoom.

The tests and the benchmarks use the same fakes (`python -m bench.dispatch` imports this).
"""

import base64
import json
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

ACCOUNT = "AC" + "a" * 32
SENDER = "whatsapp:+14155238886"


class _JsonHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as Twilio's and Zoom's own servers
    disable_nagle_algorithm = True  # else headers and body wait on a delayed ACK (40 ms)

    def _reply(self, status: int, body: dict) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length", 0)))

    def log_message(self, *args) -> None:
        pass


class FakeTwilio(ThreadingHTTPServer):
    """Answers Messages.json with scripted (status, body) pairs and keeps what it received."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _TwilioHandler)
        self.script: list[tuple[int, dict]] = []
        self.received: list[dict] = []
        self.delay = 0.0  # seconds before each answer, to catch a sender mid-batch

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


def twilio_message(sid: str = "SM" + "b" * 32) -> dict:
    return {"sid": sid, "status": "queued", "account_sid": ACCOUNT}


def twilio_error(code: int, status: int) -> tuple[int, dict]:
    return status, {"code": code, "message": f"error {code}", "status": status}


class _TwilioHandler(_JsonHandler):
    server: FakeTwilio

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        form = {k: v[0] for k, v in parse_qs(self._body().decode()).items()}
        if self.server.delay:
            time.sleep(self.server.delay)
        self.server.received.append({"path": self.path, **form})
        script = self.server.script
        status, body = script.pop(0) if script else (201, twilio_message())
        self._reply(status, body)


ZOOM_ACCOUNT, ZOOM_CLIENT, ZOOM_SECRET = "acc-123", "client-abc", "secret-xyz"
ZOOM_JOIN_URL = "https://zoom.us/j/9876543210?pwd=abc"


class FakeZoom(ThreadingHTTPServer):
    """Zoom's OAuth token endpoint (checks the account credentials grant) and meetings."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _ZoomHandler)
        self.token_requests = 0
        self.meetings: list[dict] = []
        self.fail_meetings = False
        self.while_creating = None  # called while a meeting is being created, to look around

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _ZoomHandler(_JsonHandler):
    server: FakeZoom

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        url = urlsplit(self.path)
        body = self._body()
        if url.path == "/oauth/token":
            query = parse_qs(url.query)
            credentials = base64.b64encode(f"{ZOOM_CLIENT}:{ZOOM_SECRET}".encode()).decode()
            if (
                query.get("grant_type") != ["account_credentials"]
                or query.get("account_id") != [ZOOM_ACCOUNT]
                or self.headers.get("Authorization") != f"Basic {credentials}"
            ):
                return self._reply(401, {"reason": "Invalid client_id or client_secret"})
            self.server.token_requests += 1
            return self._reply(200, {"access_token": "tok-1", "token_type": "bearer",
                                     "expires_in": 3599, "scope": "meeting:write"})  # fmt: skip
        if url.path == "/v2/users/me/meetings":
            if self.headers.get("Authorization") != "Bearer tok-1":
                return self._reply(401, {"code": 124, "message": "Invalid access token."})
            if self.server.fail_meetings:
                return self._reply(500, {"message": "internal error"})
            if self.server.while_creating:
                self.server.while_creating()
            meeting = json.loads(body)
            self.server.meetings.append(meeting)
            return self._reply(201, {"id": 9876543210, "join_url": ZOOM_JOIN_URL, **meeting})
        return self._reply(404, {"message": "not found"})
