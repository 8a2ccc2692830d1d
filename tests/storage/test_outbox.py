"""Claiming outbox rows: atomic across concurrent senders, with a lease for crashed ones."""

import threading
from datetime import timedelta

from sqlmodel import select

from bot.outbound.messenger import LocalOutbox
from bot.outbound.sender import LEASE, deliver_due
from storage.db import transaction
from storage.models import OutboundMessage
from storage.outbox import claim_due
from tests.helpers import at, queue_message

NOW = at("2026-11-27 10:00")


def queue(engine, count: int, due=NOW) -> None:
    with transaction(engine) as session:
        for number in range(count):
            phone = f"+62811000{number:05d}"
            queue_message(session, phone, "admin_message", due, text=f"pesan {number}")


def test_concurrent_claims_never_take_the_same_row(engine) -> None:
    queue(engine, 60)
    claimed: list[list[int]] = []
    barrier = threading.Barrier(4)

    def claim() -> None:
        barrier.wait()
        for _ in range(5):
            with transaction(engine) as session:
                claimed.append(claim_due(session, NOW, LEASE, 7))

    threads = [threading.Thread(target=claim) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ids = [row for batch in claimed for row in batch]
    assert len(ids) == len(set(ids)) == 60


def test_concurrent_senders_send_each_message_once(engine) -> None:
    queue(engine, 40)
    sent: list[str] = []

    class CountingOutbox(LocalOutbox):
        def send(self, to: str, body: str, template=None):
            sent.append(body)
            return super().send(to, body, template)

    threads = [
        threading.Thread(target=deliver_due, args=(engine, CountingOutbox(), NOW, 5))
        for _ in range(4)
    ]
    for _ in range(3):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        threads = [
            threading.Thread(target=deliver_due, args=(engine, CountingOutbox(), NOW, 5))
            for _ in range(4)
        ]
    assert sorted(sent) == sorted(set(sent)) and len(sent) == 40
    with transaction(engine) as session:
        statuses = set(session.exec(select(OutboundMessage.status)).all())
    assert statuses == {"delivered"}


def test_a_row_claimed_by_a_crashed_sender_is_taken_again_after_its_lease(engine) -> None:
    queue(engine, 1)
    with transaction(engine) as session:
        assert len(claim_due(session, NOW, LEASE, 10)) == 1  # then the sender dies
    with transaction(engine) as session:
        assert claim_due(session, NOW + LEASE / 2, LEASE, 10) == []
    with transaction(engine) as session:
        assert len(claim_due(session, NOW + LEASE + timedelta(seconds=1), LEASE, 10)) == 1


def test_messages_due_later_wait(engine) -> None:
    queue(engine, 1, due=NOW + timedelta(hours=1))
    assert deliver_due(engine, LocalOutbox(), NOW).sent == 0
    assert deliver_due(engine, LocalOutbox(), NOW + timedelta(hours=1)).sent == 1


def test_one_process_at_a_time_holds_the_sender(engine) -> None:
    from storage.outbox import hold_sender, let_go_sender

    sender, until = "whatsapp:+14155238886", NOW + timedelta(seconds=15)
    with transaction(engine) as session:
        assert hold_sender(session, sender, "a", NOW, until)
    with transaction(engine) as session:
        assert not hold_sender(session, sender, "b", NOW + timedelta(seconds=5), until)
        assert hold_sender(session, sender, "a", NOW + timedelta(seconds=5),
                           until + timedelta(seconds=5))  # renewed  # fmt: skip
        assert hold_sender(session, "whatsapp:+6281100000000", "b", NOW, until)  # another number
    with transaction(engine) as session:  # a's lease ran out: b takes the number over
        assert not hold_sender(session, sender, "b", NOW + timedelta(seconds=19), until)
        assert hold_sender(session, sender, "b", NOW + timedelta(seconds=21),
                           NOW + timedelta(seconds=36))  # fmt: skip
    with transaction(engine) as session:
        let_go_sender(session, sender, "a")  # not a's any more: nothing changes
        assert not hold_sender(session, sender, "a", NOW + timedelta(seconds=22), until)
        let_go_sender(session, sender, "b")  # b stops: a may take it at once
        assert hold_sender(session, sender, "a", NOW + timedelta(seconds=22), until)


def test_a_standing_by_process_sends_nothing(engine) -> None:
    from bot.outbound.sender import SendPolicy, Throttle
    from storage.outbox import hold_sender

    queue(engine, 3)
    with transaction(engine) as session:
        assert hold_sender(session, "whatsapp", "another", NOW, NOW + timedelta(minutes=1))
    policy = SendPolicy(throttle=Throttle(None))
    tally = deliver_due(engine, LocalOutbox(), NOW, policy=policy)
    assert tally.standby and tally.sent == 0
    with transaction(engine) as session:
        statuses = set(session.exec(select(OutboundMessage.status)).all())
    assert statuses == {"pending"}
    later = NOW + timedelta(minutes=2)  # the other process is gone and its lease with it
    assert deliver_due(engine, LocalOutbox(), later, policy=policy).sent == 3


def test_one_pass_sends_everything_due_a_batch_at_a_time(engine, app) -> None:
    """SEND_BATCH_SIZE rows are claimed at a time, and the pass claims again while more are due."""
    from bot.app import create_app

    queue(engine, 12)
    configured = create_app({**app.config, "SEND_BATCH_SIZE": "5", "TWILIO_MPS": "0"})
    policy = configured.extensions["send_policy"]
    assert policy.batch == 5
    assert deliver_due(engine, LocalOutbox(), NOW, policy=policy).sent == 12
    configured.extensions["engine"].dispose()
