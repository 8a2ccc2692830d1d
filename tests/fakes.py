"""Hand-written fakes of the APIs we call, served on 127.0.0.1: Twilio's Messages and Content,
and Zoom.

The tests and the benchmarks use the same fakes (`python -m bench.dispatch` imports this).
"""

import base64
import contextlib
import email.utils
import json
import threading
import time
from datetime import UTC, datetime
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
    """Twilio's Messages resource: POST answers with scripted (status, body) pairs, or creates
    the message; GET lists the messages created, newest first, as Twilio's Messages list does.

    Faults to script: `(status, dict)` an error answer; `(200, "text")` an unreadable body for
    a message that was created all the same; `hang_after_accept` seconds of silence after
    creating a message (the client times out although Twilio has it); `delay` before every
    answer; `lookups_fail` makes the list answer 503."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _TwilioHandler)
        self.script: list[tuple[int, dict | str]] = []
        self.received: list[dict] = []  # every POST, whatever the answer
        self.arrived: list[float] = []  # when each POST arrived (time.monotonic())
        self.accepted: list[dict] = []  # the messages that exist at "Twilio"
        self.delay = 0.0  # seconds before each answer, to catch a sender mid-batch
        self.hang_after_accept = 0.0
        self.lookups_fail = False
        self.lookups = 0
        self._lock = threading.Lock()

    def accept(self, form: dict) -> dict:
        with self._lock:
            sid = f"SM{len(self.accepted) + 1:032d}"
            created = email.utils.format_datetime(datetime.now(UTC))
            message = {**twilio_message(sid), "to": form.get("To"), "from": form.get("From"),
                       "body": form.get("Body", ""), "date_created": created}  # fmt: skip
            self.accepted.append(message)
        return message

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


def busiest_second(arrivals: list[float]) -> int:
    """The most requests that arrived within any one second (a sliding window), as Twilio
    counts a sender's rate: what the cap tests and the dispatch benchmark report."""
    times, most, first = sorted(arrivals), 0, 0
    for last, moment in enumerate(times):
        while moment - times[first] >= 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most


def twilio_message(sid: str = "SM" + "b" * 32) -> dict:
    return {"sid": sid, "status": "queued", "account_sid": ACCOUNT}


def twilio_error(code: int, status: int) -> tuple[int, dict]:
    return status, {"code": code, "message": f"error {code}", "status": status}


class _TwilioHandler(_JsonHandler):
    server: FakeTwilio

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        form = {k: v[0] for k, v in parse_qs(self._body().decode()).items()}
        fake = self.server
        fake.arrived.append(time.monotonic())
        if fake.delay:
            time.sleep(fake.delay)
        fake.received.append({"path": self.path, **form})
        status, body = fake.script.pop(0) if fake.script else (201, None)
        if status >= 300:
            self._reply(status, body)
            return
        message = fake.accept(form)
        if fake.hang_after_accept:
            time.sleep(fake.hang_after_accept)
        if isinstance(body, str):  # unreadable, although the message exists
            payload = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            return
        self._reply(status, body or message)

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        fake = self.server
        fake.lookups += 1
        if fake.lookups_fail:
            self._reply(503, {"code": 20503, "message": "unavailable", "status": 503})
            return
        query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
        wanted = {"to": query.get("To"), "from": query.get("From")}
        found = [message for message in reversed(fake.accepted)  # fmt: skip
                 if all(message[key] == value for key, value in wanted.items() if value)]
        self._reply(200, {"messages": found, "page": 0, "page_size": 50, "start": 0,
                          "end": len(found), "uri": self.path, "first_page_uri": self.path,
                          "next_page_uri": None, "previous_page_uri": None})  # fmt: skip


class FakeContent(ThreadingHTTPServer):
    """Twilio's Content API: resources created and updated, WhatsApp approvals submitted, and
    each approval's status as the test sets it in `approvals` (sid -> status)."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _ContentHandler)
        self.contents: dict[str, dict] = {}
        self.submitted: dict[str, dict] = {}  # sid -> the approval request
        self.approvals: dict[str, str] = {}
        self.requests: list[tuple[str, str]] = []  # (method, path)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _ContentHandler(_JsonHandler):
    server: FakeContent

    def _content(self, sid: str) -> dict:
        when = "2026-12-02T00:00:00Z"
        return {"sid": sid, "account_sid": ACCOUNT, "date_created": when, "date_updated": when,
                "url": f"{self.server.url}/v1/Content/{sid}", "links": {},
                **self.server.contents[sid]}  # fmt: skip

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        fake, body = self.server, json.loads(self._body() or b"{}")
        fake.requests.append(("POST", self.path))
        parts = self.path.strip("/").split("/")
        if parts == ["v1", "Content"]:
            sid = f"HX{len(fake.contents) + 1:032x}"
            fake.contents[sid] = body
            self._reply(201, self._content(sid))
        elif len(parts) == 5 and parts[3] == "ApprovalRequests" and parts[2] in fake.contents:
            fake.submitted[parts[2]] = body
            fake.approvals.setdefault(parts[2], "received")
            self._reply(201, {**body, "content_type": "twilio/text", "status": "received",
                              "rejection_reason": "", "allow_category_change": True})  # fmt: skip
        else:
            self._reply(404, {"code": 20404, "message": "not found", "status": 404})

    def do_PUT(self) -> None:  # noqa: N802 - the http.server API
        fake, body = self.server, json.loads(self._body() or b"{}")
        fake.requests.append(("PUT", self.path))
        sid = self.path.strip("/").split("/")[-1]
        if sid not in fake.contents:
            self._reply(404, {"code": 20404, "message": "not found", "status": 404})
            return
        fake.contents[sid] = body
        self._reply(200, self._content(sid))

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        fake = self.server
        fake.requests.append(("GET", self.path))
        parts = self.path.strip("/").split("/")
        if len(parts) == 4 and parts[3] == "ApprovalRequests" and parts[2] in fake.contents:
            status = fake.approvals.get(parts[2], "unsubmitted")
            self._reply(200, {"sid": parts[2], "account_sid": ACCOUNT, "url": self.path,
                              "whatsapp": {"status": status, "category": "UTILITY",
                                           "rejection_reason": "" if status != "rejected"
                                           else "variables at the end"}})  # fmt: skip
        else:
            self._reply(404, {"code": 20404, "message": "not found", "status": 404})


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


class TcpProxy:
    """A TCP proxy in front of a real server (PostgreSQL) that a test switches: `up` forwards,
    `down` refuses and cuts every open connection (a restart), `hang` accepts and then says
    nothing (a frozen server or network)."""

    def __init__(self, target: tuple[str, int]) -> None:
        import socket

        self.target = target
        self.mode = "up"
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._open: list = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        import socket

        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self.mode == "down":
                client.close()
                continue
            if self.mode == "hang":
                with self._lock:
                    self._open.append(client)
                continue
            try:
                server = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source, sink) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.close()

    def switch(self, mode: str) -> None:
        """"up", "down" or "hang"; leaving "up" cuts the connections open through it."""
        self.mode = mode
        if mode != "up":
            with self._lock:
                sockets, self._open = self._open, []
            for sock in sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(2)
                    sock.close()

    def close(self) -> None:
        self.switch("down")
        self._listener.close()
