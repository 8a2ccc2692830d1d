"""The webhook under gunicorn, over HTTP, against a bare Flask endpoint in the same run.

Run: .venv/bin/python -m bench.webhook [--soak SECONDS] [DATABASE_URL ...]
Default: a temporary SQLite file, and PostgreSQL at BENCH_DATABASE_URL (default: a database
`eklinik_bench` on the local server, created when missing). Each database's schema is rebuilt
with 20 experts: never point it at data you keep.

Both servers run as deploy/eklinik-web.service runs the bot: gunicorn, 2 workers × 4 threads.
Every new number books for real, a whole conversation as a cooperative types it (13 messages,
a different free time each), waiting for each answer as a person does:
- throughput: 16 such numbers at once, as many messages as the server takes, three rounds;
  the bare endpoint (bench/bare.py) gets the same messages from the same client, the rounds
  in turn with the bot's, and the figure that counts is the ratio of the medians; so do two
  floors (bench/floor.py: the bare endpoint and six small statements, as many as an ordinary
  message makes, in one transaction on the same database: through SQLAlchemy Core as the bot
  runs its own, and through the DBAPI driver alone). Each also says the CPU one message cost
  its gunicorn workers, the database server (PostgreSQL's processes) and the client;
- latency at 80 messages/s offered (Twilio's default rate): new numbers start as needed to
  keep the rate, for 20 s; p50, p99 and the worst;
- RSS of each gunicorn worker after all that (`--soak 600`: 80 messages/s for ten minutes,
  RSS every 30 s).
The bot runs in demo mode (no Twilio signature to check: an HMAC, microseconds).
"""

import http.client
import os
import queue
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from urllib.parse import urlencode

from bench import floor
from bench.common import asked_times, conversation, databases, fresh
from storage.db import make_engine
from tests.helpers import ROOT, free_port, process_environment, wait_for_port

GUNICORN = str(Path(sys.executable).parent / "gunicorn")
# As deploy/eklinik-web.service runs the bot (BENCH_GUNICORN to try others).
WORKERS = os.environ.get("BENCH_GUNICORN", "--workers 2 --threads 4 --worker-class gthread")
CLIENTS = 16  # numbers writing at once in the throughput rounds
ROUNDS = 3
RATE = 80.0  # messages per second offered in the latency run
SECONDS = 20.0


@contextmanager
def served(target: str, env: dict[str, str]) -> Iterator[tuple[int, int]]:
    """gunicorn serving `target` (port, master pid) until the block ends."""
    port = free_port()
    command = [GUNICORN, *WORKERS.split(), "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
               target]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    try:
        if not wait_for_port(port, 60):
            raise RuntimeError(f"gunicorn {target} did not start")
        yield port, server.pid
    finally:
        server.terminate()
        server.wait(timeout=30)


def workers(master: int) -> list[int]:
    """The gunicorn master's worker processes."""
    return [int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()]


def worker_rss_mb(master: int) -> list[float]:
    """The resident memory of each gunicorn worker, in MB."""
    sizes = []
    for child in workers(master):
        for line in Path(f"/proc/{child}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return sizes


TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU the processes have used (those gone since: nothing)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / TICK


def database_processes() -> list[int]:
    """PostgreSQL's processes on this machine (its backends and its own workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "comm").read_text().strip() == "postgres":
                found.append(int(entry.name))
        except OSError:
            continue
    return found


class Cost:
    """The CPU that a server's messages cost, per message, in ms: its workers, the database
    server (when there is one: SQLite's work is the workers'), the client (this process)."""

    def __init__(self, server: bool) -> None:
        self.server = server
        self.messages = 0.0
        self.seconds = [0.0, 0.0, 0.0]

    def measure(self, master: int, run: Callable[[], tuple[int, float]]) -> float:
        """Runs `run` (messages sent, the rate), adds its cost; the rate."""
        mine = workers(master)
        before = (cpu_seconds(mine), cpu_seconds(database_processes()), time.process_time())
        sent, rate = run()
        client = time.process_time()  # before reading /proc, which this process pays for
        after = (cpu_seconds(mine), cpu_seconds(database_processes()), client)
        self.messages += sent
        spent = zip(self.seconds, before, after, strict=True)
        self.seconds = [total + b - a for total, a, b in spent]
        return rate

    def __str__(self) -> str:
        workers_ms, database_ms, client_ms = (s / self.messages * 1000 for s in self.seconds)
        server = f", the database server {database_ms:.2f}" if self.server else ""
        return f"CPU per message: workers {workers_ms:.2f}{server}, client {client_ms:.2f} ms"


class Number:
    """One WhatsApp number's conversation: the messages it still has to send."""

    def __init__(self, number: int, asked: str) -> None:
        self.phone = f"+62813{number:08d}"
        self.left = conversation(number, asked)

    def post(self, connection: http.client.HTTPConnection) -> float:
        """Send the next message, wait for the answer; seconds it took."""
        body = urlencode({"From": f"whatsapp:{self.phone}", "WaId": self.phone.lstrip("+"),
                          "Body": self.left.pop(0), "MessageSid": f"SM{uuid.uuid4().hex}",
                          "NumMedia": "0"})  # fmt: skip
        start = time.perf_counter()
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        for attempt in (1, 2):  # a kept-alive connection the server closed: again, anew
            try:
                connection.request("POST", "/whatsapp/inbound", body, form)
                response = connection.getresponse()
                response.read()
                break
            except (ConnectionError, http.client.HTTPException):
                connection.close()  # the same MessageSid again: a redelivery is a no-op
                if attempt == 2:
                    raise
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}")
        return time.perf_counter() - start


class Numbers:
    """New numbers, each asking for another free time."""

    def __init__(self, first: int) -> None:
        self.next, self.times = first, asked_times(datetime.now(UTC), 5000)
        self.lock = threading.Lock()

    def new(self) -> Number:
        with self.lock:
            self.next += 1
            return Number(self.next, self.times[self.next % len(self.times)])


def closed_loop(port: int, numbers: Numbers, per_client: int) -> tuple[int, float]:
    """CLIENTS numbers at a time, each waiting for its answers: messages sent, per second."""
    sent = [0] * CLIENTS

    def client(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for _ in range(per_client):
            number = numbers.new()
            while number.left:
                number.post(connection)
                sent[index] += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(sent), sum(sent) / (time.perf_counter() - start)


def open_loop(port: int, numbers: Numbers, rate: float, seconds: float) -> list[float]:
    """Messages offered at `rate` for `seconds` (a number sends its next message once it has
    its answer; new numbers start as needed): each message's latency."""
    idle: queue.SimpleQueue[Number] = queue.SimpleQueue()
    latencies: list[float] = []
    work: queue.SimpleQueue[Number | None] = queue.SimpleQueue()

    def sender() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while (number := work.get()) is not None:
            latencies.append(number.post(connection))
            if number.left:
                idle.put(number)
        connection.close()

    threads = [threading.Thread(target=sender) for _ in range(64)]
    for thread in threads:
        thread.start()
    start, offered = time.perf_counter(), 0
    while (elapsed := time.perf_counter() - start) < seconds:
        due = int(elapsed * rate) + 1
        while offered < due:
            try:
                number = idle.get_nowait()
            except queue.Empty:
                number = numbers.new()
            work.put(number)
            offered += 1
        time.sleep(max(0.0, offered / rate - (time.perf_counter() - start)))
    for _ in threads:
        work.put(None)
    for thread in threads:
        thread.join()
    return latencies


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


SERVERS = {  # what is measured against the bare endpoint: its gunicorn target, its label
    "bot": ("wsgi:app", "the bot"),
    "floor": ("bench.floor:create()", "the floor through SQLAlchemy Core"),
    "driver": ("bench.floor:create('driver')", "the floor through the driver alone"),
}


def measure(url: str, soak: float) -> None:
    name = make_engine(url).dialect.name
    fresh(url)
    spool = tempfile.mkdtemp()
    bot_env = process_environment(DATABASE_URL=url, EKLINIK_DEMO="1", ADMIN_NUMBERS="",
                                  SPOOL_DIR=spool)  # fmt: skip
    floor.prepare(url)
    numbers = Numbers(0)
    rates: dict[str, list[float]] = {key: [] for key in ("bare", *SERVERS)}
    costs = {key: Cost(name == "postgresql") for key in rates}
    with ExitStack() as stack:
        ports = {"bare": stack.enter_context(served("bench.bare:app", process_environment()))}
        for key, (target, _label) in SERVERS.items():
            env = bot_env if key == "bot" else process_environment(DATABASE_URL=url)
            ports[key] = stack.enter_context(served(target, env))

        def messages(key: str) -> Numbers:
            return numbers if key == "bot" else Numbers(10**6)

        for key, (port, _master) in ports.items():  # warm up all: connections, caches, imports
            closed_loop(port, messages(key), 1)
        for _ in range(ROUNDS):
            for key, (port, master) in ports.items():
                rate = costs[key].measure(master, partial(closed_loop, port, messages(key), 6))
                rates[key].append(rate)
        bare = statistics.median(rates["bare"])
        print(f"{name:10s} throughput, messages/s (the median of {ROUNDS} rounds, and each round):")
        print(f"{name:10s}   the bare endpoint {bare:.0f} "
              f"({', '.join(f'{r:.0f}' for r in rates['bare'])}); {costs['bare']}")
        for key, (_target, label) in SERVERS.items():
            rate = statistics.median(rates[key])
            print(f"{name:10s}   {label} {rate:.0f} ({', '.join(f'{r:.0f}' for r in rates[key])}):"
                  f" {rate / bare:.0%} of the bare endpoint; {costs[key]}")  # fmt: skip
        bot, under = statistics.median(rates["bot"]), statistics.median(rates["floor"])
        print(f"{name:10s}   the bot makes {bot / under:.0%} of the Core floor, "
              f"{bot / statistics.median(rates['driver']):.0%} of the driver's")
        bot_port, bot_master = ports["bot"]
        latencies = open_loop(bot_port, numbers, RATE, SECONDS)
        print(f"{name:10s} at {RATE:.0f} messages/s offered for {SECONDS:.0f} s "
              f"({len(latencies)} messages): p50 {percentile(latencies, 0.5) * 1000:.1f} ms, "
              f"p99 {percentile(latencies, 0.99) * 1000:.1f} ms, "
              f"worst {max(latencies) * 1000:.1f} ms")  # fmt: skip
        rss = worker_rss_mb(bot_master)
        print(f"{name:10s} RSS per worker: {', '.join(f'{m:.0f} MB' for m in rss)}")
        if soak:
            start, peak = time.perf_counter(), 0.0
            while time.perf_counter() - start < soak:
                latencies = open_loop(bot_port, numbers, RATE, 30.0)
                rss = worker_rss_mb(bot_master)
                peak = max(peak, *rss)
                print(f"{name:10s} soak {time.perf_counter() - start:4.0f} s: RSS "
                      f"{', '.join(f'{m:.0f}' for m in rss)} MB, p99 "
                      f"{percentile(latencies, 0.99) * 1000:.0f} ms", flush=True)  # fmt: skip
            print(f"{name:10s} soak of {soak:.0f} s at {RATE:.0f}/s: highest RSS {peak:.0f} MB")


def main() -> int:
    args = sys.argv[1:]
    soak = 0.0
    if "--soak" in args:
        at = args.index("--soak")
        soak = float(args[at + 1])
        del args[at : at + 2]
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    for url in databases(args):
        measure(url, soak)
    return 0


if __name__ == "__main__":
    sys.exit(main())
