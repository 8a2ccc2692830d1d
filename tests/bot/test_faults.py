"""The outbox under faults, against a fake Twilio the test controls: outages, rate limits,
unreadable answers, timeouts after Twilio accepted, slow answers with two senders, SIGTERM.
Every scenario asserts what reached Twilio: each message exactly once (or failed visibly)."""

import signal
import subprocess
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot.outbound.messenger import TwilioMessenger
from bot.outbound.sender import SendPolicy, Throttle, deliver_due
from storage.db import transaction
from storage.models import InboundMessage, OutboundMessage
from tests.fakes import ACCOUNT, SENDER, twilio_error
from tests.helpers import ADMIN, AUTH_TOKEN, EKLINIK, NOW, queue_message, scheduler_environment

COUNT = 10


def _queue(engine, count: int = COUNT, due: datetime = NOW, kind: str = "reply") -> list[str]:
    """`count` messages to numbers that wrote a minute ago (free text may go)."""
    phones = [f"+62812555{number:05d}" for number in range(count)]
    with transaction(engine) as session:
        for number, phone in enumerate(phones):
            session.add(InboundMessage(sid=f"SMin{uuid.uuid4().hex}", phone=phone,
                                       received_at=due - timedelta(minutes=1)))  # fmt: skip
            queue_message(session, phone, kind, due, text=f"pesan nomor {number}")
    return phones


def _messenger(fake, timeout: float = 10.0) -> TwilioMessenger:
    return TwilioMessenger(ACCOUNT, AUTH_TOKEN, SENDER, base_url=fake.url, timeout=timeout)


def _policy(**overrides) -> SendPolicy:
    return SendPolicy(throttle=Throttle(None), admin_numbers=(ADMIN,), **overrides)


def _at_twilio(fake) -> Counter:
    """How many times each of our texts exists at Twilio."""
    return Counter(m["body"] for m in fake.accepted if m["body"].startswith("pesan nomor"))


def _statuses(engine, kind: str = "reply") -> Counter:
    with transaction(engine) as session:
        query = select(OutboundMessage.status).where(OutboundMessage.kind == kind)
        return Counter(session.exec(query).all())


def _drain(engine, messenger, start: datetime, step: timedelta, until: datetime, policy=None,
           outage=None) -> None:  # fmt: skip
    """Passes every `step` from `start` to `until`; `outage(now)` switches faults on and off."""
    now = start
    while now <= until:
        if outage:
            outage(now)
        deliver_due(engine, messenger, now, policy=policy or _policy())
        now += step


@pytest.mark.parametrize("status", [500, 503])
def test_a_90_second_outage_loses_nothing(engine, fake_twilio, status) -> None:
    """It used to give up after six attempts (about a minute): all 10 failed for ever."""
    _queue(engine)

    def outage(now: datetime) -> None:
        down = now < NOW + timedelta(seconds=90)
        fake_twilio.script = [twilio_error(20000 + status, status)] * COUNT if down else []

    _drain(engine, _messenger(fake_twilio), NOW, timedelta(seconds=5),
           NOW + timedelta(minutes=15), outage=outage)  # fmt: skip
    assert _at_twilio(fake_twilio) == Counter({f"pesan nomor {n}": 1 for n in range(COUNT)})
    assert _statuses(engine) == Counter({"queued": COUNT})


def test_minutes_of_rate_limiting_lose_nothing(engine, fake_twilio) -> None:
    _queue(engine)

    def limited(now: datetime) -> None:
        busy = now < NOW + timedelta(minutes=4)
        fake_twilio.script = [twilio_error(20429, 429)] * COUNT if busy else []

    _drain(engine, _messenger(fake_twilio), NOW, timedelta(seconds=10),
           NOW + timedelta(minutes=20), outage=limited)  # fmt: skip
    assert set(_at_twilio(fake_twilio).values()) == {1} and len(_at_twilio(fake_twilio)) == COUNT


def test_a_message_that_never_gets_through_fails_visibly_in_the_end(engine, fake_twilio):
    """SEND_RETRY_HOURS (24 by default; 2 here): retried until then, then failed and told."""
    _queue(engine, count=1)
    policy = _policy(retry_for=timedelta(hours=2))

    def down(_now: datetime) -> None:
        fake_twilio.script = [twilio_error(20503, 503)] * 5

    _drain(engine, _messenger(fake_twilio), NOW, timedelta(minutes=5),
           NOW + timedelta(hours=1, minutes=50), policy, down)  # fmt: skip
    assert _statuses(engine) == Counter({"pending": 1}), "still worth trying"
    _drain(engine, _messenger(fake_twilio), NOW + timedelta(hours=1, minutes=55),
           timedelta(minutes=5), NOW + timedelta(hours=2, minutes=10), policy, down)  # fmt: skip
    assert _statuses(engine) == Counter({"failed": 1})
    assert sum(_statuses(engine, "admin_failed").values()) == 1  # the administrators are told
    with transaction(engine) as session:
        body = session.exec(select(OutboundMessage.body).where(
            OutboundMessage.kind == "admin_failed")).one()  # fmt: skip
    assert "gagal terkirim" in body and "+6281255500000" in body


def test_a_reminder_is_retried_only_until_its_session_starts(engine, fake_twilio) -> None:
    start = NOW + timedelta(minutes=30)
    with transaction(engine) as session:
        session.add(InboundMessage(sid="SMin1", phone="+6281255599999", received_at=NOW))
        [reminder] = [queue_message(session, "+6281255599999", "reminder_hour_before", NOW)]
        reminder.for_start = start
    fake_twilio.script = [twilio_error(20503, 503)] * 500
    _drain(engine, _messenger(fake_twilio), NOW, timedelta(minutes=1), NOW + timedelta(hours=1))
    with transaction(engine) as session:
        query = select(OutboundMessage).where(OutboundMessage.kind == "reminder_hour_before")
        row = session.exec(query).one()
    assert row.status in ("failed", "cancelled") and row.attempts <= 30


def test_an_unreadable_answer_touches_only_its_message_and_is_never_resent(engine, fake_twilio):
    """A 200 with an HTML body used to abort the pass and resend the message every lease."""
    _queue(engine, count=5)
    fake_twilio.script = [(200, "<html>upstream glitch</html>")]
    tally = deliver_due(engine, _messenger(fake_twilio), NOW, policy=_policy())
    assert tally.sent == 4 and tally.retried == 1, "the rest of the batch went"
    later = deliver_due(engine, _messenger(fake_twilio), NOW + timedelta(minutes=10),
                        policy=_policy())  # fmt: skip
    assert later.found == 1 and later.sent == 0, "looked up at Twilio, not sent again"
    assert len(fake_twilio.received) == 5 and set(_at_twilio(fake_twilio).values()) == {1}
    with transaction(engine) as session:
        sids = session.exec(select(OutboundMessage.sid)).all()
    assert len(set(sids)) == 5 and {m["sid"] for m in fake_twilio.accepted} == set(sids)


def test_a_timeout_after_twilio_accepted_does_not_send_twice(engine, fake_twilio) -> None:
    _queue(engine, count=1)
    fake_twilio.hang_after_accept = 1.0
    assert deliver_due(engine, _messenger(fake_twilio, timeout=0.3), NOW,
                       policy=_policy()).retried == 1  # fmt: skip
    fake_twilio.hang_after_accept = 0
    assert deliver_due(engine, _messenger(fake_twilio), NOW + timedelta(minutes=10),
                       policy=_policy()).found == 1  # fmt: skip
    assert len(fake_twilio.accepted) == 1 and _statuses(engine) == Counter({"queued": 1})


def test_a_failed_lookup_is_retried_and_still_never_doubles(engine, fake_twilio) -> None:
    _queue(engine, count=1)
    fake_twilio.hang_after_accept = 1.0
    deliver_due(engine, _messenger(fake_twilio, timeout=0.3), NOW, policy=_policy())
    fake_twilio.hang_after_accept, fake_twilio.lookups_fail = 0, True
    assert deliver_due(engine, _messenger(fake_twilio), NOW + timedelta(minutes=10),
                       policy=_policy()).retried == 1  # fmt: skip
    fake_twilio.lookups_fail = False
    assert deliver_due(engine, _messenger(fake_twilio), NOW + timedelta(minutes=30),
                       policy=_policy()).found == 1  # fmt: skip
    assert len(fake_twilio.accepted) == 1 and fake_twilio.lookups == 2


def test_an_attempt_that_never_reached_twilio_is_sent_after_the_lookup(engine, fake_twilio):
    _queue(engine, count=1)
    with transaction(engine) as session:  # a crash between marking and sending
        session.exec(select(OutboundMessage)).one().send_started_at = NOW - timedelta(minutes=5)
    assert deliver_due(engine, _messenger(fake_twilio), NOW, policy=_policy()).sent == 1
    assert fake_twilio.lookups == 1 and len(fake_twilio.accepted) == 1


def test_a_lookup_knows_the_sends_of_its_own_pass(engine, fake_twilio) -> None:
    """Answers are written a few sends at a time: a lookup for the same number in the same
    pass must not take the message just sent for another row as its own (and skip a send)."""
    [phone] = _queue(engine, count=1)
    with transaction(engine) as session:
        again = queue_message(session, phone, "reply", NOW, text="pesan nomor 0")
        again.send_started_at = NOW - timedelta(minutes=5)  # a crash between marking and sending
    assert deliver_due(engine, _messenger(fake_twilio), NOW, policy=_policy()).sent == 2
    assert fake_twilio.lookups == 1 and len(fake_twilio.accepted) == 2
    with transaction(engine) as session:
        sids = session.exec(select(OutboundMessage.sid)).all()
    assert len(set(sids)) == 2 and None not in sids


def test_two_senders_with_a_slow_api_send_each_message_once(engine, fake_twilio) -> None:
    """Leases shorter than a batch: it used to send 10 of 50 twice (3 s answers, 2-min lease);
    here the same race in miniature (0.3 s answers, a 1.5 s lease, batches of 10)."""
    _queue(engine, count=16, due=datetime.now(UTC))
    fake_twilio.delay = 0.3
    messenger = _messenger(fake_twilio)

    def sender() -> None:
        policy = _policy(owner=f"test-{uuid.uuid4().hex[:6]}", lease=timedelta(seconds=1.5),
                         lease_margin=timedelta(seconds=0.4))  # fmt: skip
        for _ in range(12):
            deliver_due(engine, messenger, datetime.now(UTC), batch=10, policy=policy)

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(fake_twilio.received) == 16
    assert set(_at_twilio(fake_twilio).values()) == {1} and len(_at_twilio(fake_twilio)) == 16
    assert _statuses(engine) == Counter({"queued": 16})


def test_sigterm_finishes_the_message_in_flight_and_releases_the_rest(db_url, engine,
                                                                      fake_twilio):  # fmt: skip
    phones = _queue(engine, count=40, due=datetime.now(UTC) - timedelta(seconds=30))
    fake_twilio.delay = 0.1
    env = scheduler_environment(db_url, fake_twilio.url)
    command = [EKLINIK, "scheduler", "run", "--interval", "0.2"]
    run = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           text=True)  # fmt: skip
    deadline = time.monotonic() + 60
    while len(fake_twilio.received) < 5 and time.monotonic() < deadline:
        time.sleep(0.02)
    stopped_at = time.monotonic()
    run.send_signal(signal.SIGTERM)
    assert run.wait(timeout=15) == 0, run.stderr.read()
    assert time.monotonic() - stopped_at < 5, "stops promptly"
    assert 0 < len(fake_twilio.received) < 40, "stopped mid-batch"
    statuses = _statuses(engine)
    assert "sending" not in statuses, "nothing left claimed: another process may send at once"
    assert statuses["queued"] == len(fake_twilio.accepted)
    done = subprocess.run([EKLINIK, "scheduler", "tick", "--now", datetime.now(UTC).isoformat()],
                          env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert len(fake_twilio.accepted) == len(fake_twilio.received) == len(phones)
    assert _statuses(engine) == Counter({"queued": 40})
    assert fake_twilio.lookups == 0, "the rows given back were never sent: nothing to look up"
