"""Real scheduler processes: two at once send each message exactly once; SIGKILL loses nothing
and doubles nothing.

The processes run `eklinik` against the test database and a local fake of Twilio's API.
"""

import json
import signal
import subprocess
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from storage.db import transaction
from storage.models import OutboundMessage
from tests.fakes import busiest_second
from tests.helpers import EKLINIK, at, prepared_engine, queue_message, scheduler_environment

NOW = at("2026-11-28 10:00")  # a Saturday: no daily schedules or digests in the way
COUNT = 120


def queue(engine, due: datetime = NOW, count: int = COUNT) -> None:
    with transaction(engine) as session:
        for number in range(count):
            phone = f"+62812{number:08d}"
            queue_message(session, phone, "reply", due, text=f"pesan nomor {number}")


def received_bodies(fake) -> Counter:
    """Our queued messages as the fake received them (a daily digest may come too)."""
    bodies = (json.loads(r.get("ContentVariables", "{}")).get("1", "") for r in fake.received)
    return Counter(body for body in bodies if body.startswith("pesan nomor"))


def statuses(engine) -> Counter:
    with transaction(engine) as session:
        query = select(OutboundMessage.status).where(OutboundMessage.kind == "reply")
        return Counter(session.exec(query).all())


@pytest.mark.postgres
def test_two_scheduler_processes_send_each_message_once(postgres_url, fake_twilio) -> None:
    engine = prepared_engine(postgres_url)
    queue(engine)
    fake_twilio.delay = 0.005
    env = scheduler_environment(postgres_url, fake_twilio.url)
    command = [EKLINIK, "scheduler", "tick", "--now", NOW.isoformat()]
    runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    for _ in range(4):  # several passes each, batches of 50, racing over the same rows
        for run in runs:
            run.wait(timeout=120)
        runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
                for _ in range(2)]  # fmt: skip
    for run in runs:
        run.wait(timeout=120)
    bodies = received_bodies(fake_twilio)
    assert len(bodies) == COUNT and set(bodies.values()) == {1}
    assert statuses(engine) == Counter({"queued": COUNT})
    engine.dispose()


def test_a_killed_scheduler_loses_nothing(db_url, engine, fake_twilio) -> None:
    queue(engine, due=datetime.now(UTC) - timedelta(minutes=1))  # `run` works in real time
    fake_twilio.delay = 0.02
    env = scheduler_environment(db_url, fake_twilio.url)
    run = subprocess.Popen([EKLINIK, "scheduler", "run", "--interval", "0.2"], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 60
    while sum(received_bodies(fake_twilio).values()) < 20 and time.monotonic() < deadline:
        time.sleep(0.05)
    run.send_signal(signal.SIGKILL)
    run.wait(timeout=10)
    assert 0 < sum(received_bodies(fake_twilio).values()) < COUNT, "killed mid-way"
    # the rows it had claimed stay claimed until their lease ends; a pass after that sends them
    after_lease = (datetime.now(UTC) + timedelta(minutes=3)).isoformat()
    for _ in range(4):
        done = subprocess.run([EKLINIK, "scheduler", "tick", "--now", after_lease], env=env,
                              capture_output=True, text=True, timeout=120)  # fmt: skip
        assert done.returncode == 0, done.stderr
    bodies = received_bodies(fake_twilio)
    assert len(bodies) == COUNT, "every message went out"
    # the one in flight at the kill was looked up at Twilio, not sent again
    assert sum(bodies.values()) == COUNT
    assert statuses(engine) == Counter({"queued": COUNT})


def test_busiest_second_counts_a_sliding_window() -> None:
    assert busiest_second([0.0, 0.5, 0.99, 1.0, 1.2, 1.3]) == 5
    assert busiest_second([]) == 0


CAP = 40


def test_two_scheduler_processes_keep_the_senders_cap_in_every_second(
    db_url, engine, fake_twilio
) -> None:
    """TWILIO_MPS is the sender number's cap, not each process's: two `scheduler run`
    processes together never put more than it into any second, and send everything once."""
    queue(engine, due=datetime.now(UTC) - timedelta(minutes=1))  # `run` works in real time
    env = {**scheduler_environment(db_url, fake_twilio.url), "TWILIO_MPS": str(CAP)}
    runs = [subprocess.Popen([EKLINIK, "scheduler", "run", "--interval", "0.2"], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for _ in range(2)]  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while sum(received_bodies(fake_twilio).values()) < COUNT and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        for run in runs:
            run.send_signal(signal.SIGTERM)
        for run in runs:
            run.wait(timeout=30)
    bodies = received_bodies(fake_twilio)
    assert len(bodies) == COUNT and set(bodies.values()) == {1}
    assert busiest_second(fake_twilio.arrived) <= CAP
    assert statuses(engine) == Counter({"queued": COUNT})
