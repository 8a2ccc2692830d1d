"""Drain the outbox: claim due rows atomically, send each once, record what happened.

Before each send the row and its booking are read again: nothing goes to a number that said
STOP, nothing about a session that was cancelled, declined or moved, no reminder once the
session has started. Outside WhatsApp's 24-hour window a message goes as its approved
template, or is held (and the administrators told) when no template is configured.

Exactly once, under faults:
- a claim names its process (`claimed_by`); right before sending a second's worth of rows
  (TWILIO_MPS) the process checks, under the rows' locks, that it still owns them, renews
  their lease and marks their sends as begun (`send_started_at`), so a slow batch can never
  be sent a second time by another process whose claim came after the lease ran out; rows
  so marked but not sent when the pass ends are given back unmarked;
- a batch stops taking messages well before its lease ends and gives the rest back, and so
  does a process asked to stop (SIGTERM): the message in flight is finished, the rest released;
- a send whose outcome is unknown (a timeout after the request left, an unreadable answer, a
  crash mid-send, or before Twilio's answer was written: answers are written a few sends at
  a time) leaves `send_started_at` set: the next attempt first asks Twilio for the messages
  it accepted for that number since then, and records the one it finds instead of sending
  again;
- an error in one send touches that message only; retries back off with jitter for as long as
  the message is useful (a reminder until its session starts, others `retry_for`, 24 h by
  default), then the message fails and the administrators are told.
"""

import logging
import os
import random
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.outbound.messenger import Accepted, Messenger, SendError, Sent, Template
from flows.kinds import KINDS, MessageStatus, To
from flows.lifecycle import CaseStatus
from flows.prompts import PREFIX
from flows.templates import VARIABLE_LENGTH, bodies, fill
from storage.bookings import bookings_of
from storage.contents import template_sid, usable_sid
from storage.conversations import inside_window, last_written, opted_out
from storage.db import transaction, without_waiting_for_disk
from storage.models import Booking, OutboundMessage, WhatsAppContent
from storage.outbox import (
    claim_due,
    enqueue_for_admins,
    hold_sender,
    let_go_sender,
    mark_sent,
    release,
)

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
# A batch takes no new message once this much of its lease is left (one send, its throttle
# wait and the HTTP timeout fit well inside it).
LEASE_MARGIN = timedelta(seconds=30)
RETRY_FOR = timedelta(hours=24)
# How far before `send_started_at` a message found at Twilio may have been created (clocks).
LOOKUP_SLACK = timedelta(minutes=2)

# This process, as its claims name it.
OWNER = f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


WINDOW = 1.0  # the cap's window: TWILIO_MPS in any one second
# One scheduler process at a time sends from a sender number: it holds the number's lease
# (storage.outbox.hold_sender), renewed while it sends, and stops sending this long before
# the lease could pass to another process (clocks of different hosts may differ that much).
SENDER_LEASE = timedelta(seconds=15)
SENDER_MARGIN = timedelta(seconds=3)
# What Twilio answered is written for this many sends at once, or after this many seconds.
ANSWERS_AT_ONCE = 25
ANSWERS_WAIT = 0.05


class Throttle:
    """At most `per_second` sends (TWILIO_MPS) in any one second, as Twilio receives them;
    None or 0 lifts the cap. A send starts only a second after the send `per_second` before
    it had its answer, so wherever a request spends its time on the way, no second holds
    more. One process sends from a number at a time (the sender lease), so this is the
    number's cap, however many processes run."""

    def __init__(self, per_second: float | None) -> None:
        self.limit = max(1, int(per_second)) if per_second else 0
        self.ends: deque[float] = deque(maxlen=max(self.limit, 1))
        self.lock = threading.Lock()

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Wait for a free place in the window, then send inside the block."""
        if not self.limit:
            yield
            return
        with self.lock:
            if len(self.ends) == self.limit:
                delay = self.ends[0] + WINDOW - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            try:
                yield
            finally:
                self.ends.append(time.monotonic())  # the oldest answer drops out


@dataclass
class SendPolicy:
    templates: Mapping[str, str] = field(default_factory=dict)  # Kind.template -> content sid
    admin_numbers: tuple[str, ...] = ()
    throttle: Throttle = field(default_factory=lambda: Throttle(80))
    retry_for: timedelta = RETRY_FOR  # SEND_RETRY_HOURS: how long a message is worth retrying
    lease: timedelta = LEASE
    lease_margin: timedelta = LEASE_MARGIN
    owner: str = OWNER
    stop: threading.Event = field(default_factory=threading.Event)  # set on SIGTERM
    batch: int = 50  # SEND_BATCH_SIZE: rows claimed at a time; a pass claims again while due
    sender: str = "whatsapp"  # TWILIO_WHATSAPP_FROM: the number whose cap this is
    sender_lease: timedelta = SENDER_LEASE
    sender_margin: timedelta = SENDER_MARGIN
    lead_until: float = 0.0  # monotonic: until when this process may send from `sender`


@dataclass
class Tally:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    suppressed: int = 0
    held: int = 0
    found: int = 0  # an earlier send with an unknown outcome, found at Twilio: not resent
    released: int = 0  # given back unsent (the lease nearly over, or the process stopping)
    standby: bool = False  # another process sends from the number now: this one waited


def _backoff(attempts: int) -> timedelta:
    """Exponential backoff with full jitter: up to 2, 4, 8 … seconds, capped at 5 minutes."""
    return timedelta(seconds=random.uniform(1, min(300, 2**attempts)))


def leads(engine: Engine, policy: SendPolicy, at: datetime) -> bool:
    """May this process send from the number now? It takes or renews the number's lease when
    half of it is gone (one statement every few seconds); False while another holds it."""
    mono, usable = time.monotonic(), (policy.sender_lease - policy.sender_margin).total_seconds()
    if policy.lead_until - mono > usable / 2:
        return True
    with transaction(engine) as session:
        held = hold_sender(session, policy.sender, policy.owner, at, at + policy.sender_lease)
    policy.lead_until = mono + usable if held else 0.0
    return held


def let_go(engine: Engine, policy: SendPolicy) -> None:
    """A process stopping gives the number up, so another sends at once."""
    if policy.lead_until:
        with transaction(engine) as session:
            let_go_sender(session, policy.sender, policy.owner)
        policy.lead_until = 0.0


def deliver_due(
    engine: Engine,
    messenger: Messenger,
    now: datetime,
    batch: int | None = None,
    policy: SendPolicy | None = None,
) -> Tally:
    """Everything due as of `now`, a batch (SEND_BATCH_SIZE) claimed at a time, for as long as
    messages are due: one process keeps up with TWILIO_MPS, without a pause between batches.
    Only the process holding the sender's lease sends (the others stand by).

    For its leases the pass's clock runs on from `now` in real time, so a slow batch sees its
    lease run out as it really does."""
    policy = policy or SendPolicy()
    batch = batch or policy.batch
    tally = Tally()
    started = time.monotonic()

    def clock() -> datetime:
        return now + timedelta(seconds=time.monotonic() - started)

    claimed_at = now  # the first batch as of `now`; each next one as of its own moment
    while not policy.stop.is_set():
        if not leads(engine, policy, claimed_at):
            tally.standby = True
            break
        with transaction(engine) as session:
            claimed = claim_due(session, claimed_at, policy.lease, batch, policy.owner)
        if not _deliver_batch(engine, messenger, claimed, claimed_at, clock, tally, policy):
            break
        if len(claimed) < batch:
            break  # nothing more is due
        claimed_at = clock()
    return tally


def _deliver_batch(engine: Engine, messenger: Messenger, claimed: list[int], claimed_at: datetime,
                   clock: Callable[[], datetime], tally: Tally,
                   policy: SendPolicy) -> bool:  # fmt: skip
    """Send the claimed rows, a second's worth (TWILIO_MPS) checked and marked at a time in
    one transaction, what Twilio answered written a few sends at a time; False when the pass
    must end (stopping, its row leases nearly over, or the sender's lease lost), the rows not
    sent given back."""
    step = max(1, min(policy.throttle.limit or len(claimed), len(claimed)))
    answers = _Answers(engine, claimed_at)
    try:
        for first in range(0, len(claimed), step):
            if not _may_send(engine, claimed_at, clock, policy):
                with transaction(engine) as session:
                    tally.released += release(session, claimed[first:], policy.owner)
                return False
            chunk = claimed[first : first + step]
            try:
                with transaction(engine) as session:
                    sends = _prepare(session, chunk, claimed_at, clock(), tally, policy,
                                     messenger.window)  # fmt: skip
            except Exception:  # a fault (the database, a bug): retried after their lease
                log.exception("%d messages: delivery step failed; retried after their lease",
                              len(chunk))  # fmt: skip
                continue
            for index, (message_id, send) in enumerate(sends):
                if not _may_send(engine, claimed_at, clock, policy):
                    unsent = [one for one, _ in sends[index:]]
                    fresh = [one for one, later in sends[index:] if later.unknown_since is None]
                    with transaction(engine) as session:
                        tally.released += release(session, unsent + claimed[first + step :],
                                                  policy.owner, fresh)  # fmt: skip
                    return False
                try:
                    _deliver_one(engine, messenger, message_id, send, claimed_at, tally, policy,
                                 answers)  # fmt: skip
                except Exception:  # a fault in one message (the database, a bug): that one only
                    log.exception("message %s: delivery step failed; retried after its lease",
                                  message_id)  # fmt: skip
                answers.write_if_due()
        return True
    finally:
        answers.write()


class _Answers:
    """What Twilio answered, written to the rows a few sends at a time (one statement, one
    commit that does not wait for the disk) instead of a transaction per send: at most
    ANSWERS_AT_ONCE of them, none kept longer than ANSWERS_WAIT. Were they lost (a crash, the
    database gone), each row still says its send began (`send_started_at`), and the next
    attempt finds the message at Twilio instead of sending it again."""

    def __init__(self, engine: Engine, now: datetime) -> None:
        self.engine, self.now = engine, now
        self.waiting: list[tuple[int, Sent]] = []
        self.since = 0.0

    def add(self, message_id: int, sent: Sent) -> None:
        if not self.waiting:
            self.since = time.monotonic()
        self.waiting.append((message_id, sent))

    def write_if_due(self) -> None:
        if len(self.waiting) >= ANSWERS_AT_ONCE or (
            self.waiting and time.monotonic() - self.since >= ANSWERS_WAIT
        ):
            self.write()

    def write(self) -> None:
        if not self.waiting:
            return
        waiting, self.waiting = self.waiting, []
        try:
            with transaction(self.engine) as session:
                without_waiting_for_disk(session)
                mark_sent(session, [(one, sent.sid, sent.status) for one, sent in waiting],
                          self.now)  # fmt: skip
        except Exception:  # noqa: BLE001 - the rows say their sends began: found after the lease
            log.exception("%d sends not recorded; each is found at Twilio after its lease",
                          len(waiting))  # fmt: skip


def _may_send(engine: Engine, claimed_at: datetime, clock: Callable[[], datetime],
              policy: SendPolicy) -> bool:  # fmt: skip
    """Not stopping, the rows' lease far enough from its end, and the sender's lease ours."""
    return not (policy.stop.is_set() or clock() >= claimed_at + policy.lease - policy.lease_margin
                or not leads(engine, policy, clock()))  # fmt: skip


def _stale(message: OutboundMessage, booking: Booking | None, case_status: str | None,
           now: datetime) -> str | None:  # fmt: skip
    """Why a message about a booking no longer applies, or None when it still does."""
    kind = KINDS.get(message.kind)
    if kind is None or booking is None:
        return None
    if kind.while_status and booking.status not in kind.while_status:
        return f"booking is {booking.status}"
    if kind.while_case_open and case_status is not None and case_status != CaseStatus.OPEN:
        return "case is closed"
    if kind.with_session and message.for_start is not None:
        if booking.requested_start != message.for_start:
            return "session was moved"
        if kind.before_start and now >= message.for_start:
            return "session had already started"
    return None


def _useful_until(message: OutboundMessage, policy: SendPolicy) -> datetime:
    """A reminder is worth sending until its session starts; anything else for `retry_for`."""
    kind = KINDS.get(message.kind)
    if kind is not None and kind.before_start and message.for_start is not None:
        return message.for_start
    return message.created_at + policy.retry_for


def _template_name(message: OutboundMessage) -> str:
    kind = KINDS.get(message.kind)
    return kind.template if kind else message.kind.upper()


def _template(
    session: Session, message: OutboundMessage, within: bool, policy: SendPolicy
) -> Template | None | str:
    """None: free text may go. A Template: send that (an approved template outside the 24-hour
    window; inside it, a question to tap). A string: hold the message, why."""
    prompt = bool(message.content and message.content.startswith(PREFIX))
    reply = message.kind == KINDS["reply"].name  # its variables are the prompt's
    if within:
        if prompt and (sid := usable_sid(session, message.content)):
            values = message.variables if reply else {"1": message.body}
            if all(len(str(value)) <= VARIABLE_LENGTH for value in (values or {}).values()):
                return Template(sid, {str(k): str(v) for k, v in (values or {}).items()})
        return None
    key = _template_name(message)
    sid = template_sid(session, policy.templates, key)
    if not sid:
        return (f"outside the 24-hour window and TWILIO_CONTENT_SID_{key} is not set "
                "(nor approved through `eklinik whatsapp sync`)")  # fmt: skip
    whole = (prompt and reply) or not message.variables
    given = {"1": message.body} if whole else message.variables
    values = {str(name): str(value) for name, value in given.items()}
    template = Template(sid, fill(bodies().get(key, "{{1}}"), values))
    message.content, message.variables = key, template.variables  # what the recipient gets
    return template


@dataclass(frozen=True)
class _Send:
    to: str
    body: str
    template: Template | None
    attempts: int
    unknown_since: datetime | None  # an earlier send's outcome is unknown: look it up first


def _prepare(
    session: Session,
    message_ids: list[int],
    now: datetime,
    lease_now: datetime,
    tally: Tally,
    policy: SendPolicy,
    window: bool,
) -> list[tuple[int, _Send]]:
    """Under the rows' locks: still ours? still wanted? Then renew their lease and mark their
    sends as started, in one transaction for them all (a few queries, one commit): what to
    send, in the order claimed."""
    query = select(OutboundMessage).where(col(OutboundMessage.id).in_(message_ids))
    rows = {row.id: row for row in session.exec(query.with_for_update())}
    messages = [rows[one] for one in message_ids if one in rows
                and rows[one].status == MessageStatus.SENDING
                and rows[one].claimed_by == policy.owner]  # fmt: skip
    # (not ours: our lease ran out and another process took the row, it is theirs now)
    phones = sorted({message.to_phone for message in messages})
    stopped = set(opted_out(session, phones))
    written = last_written(session, phones) if window else {}
    about = bookings_of(session, [m.booking_id for m in messages if m.booking_id is not None])
    if window:
        session.exec(select(WhatsAppContent)).all()  # every Content at hand for _template
    sends = []
    for message in messages:
        if message.to_phone in stopped:
            message.status, message.error = MessageStatus.SUPPRESSED, "recipient opted out (STOP)"
            tally.suppressed += 1
            continue
        booking, case_status = about.get(message.booking_id, (None, None))
        if (stale := _stale(message, booking, case_status, now)) is not None:
            message.status, message.error = MessageStatus.CANCELLED, stale
            tally.suppressed += 1
            continue
        within = inside_window(written.get(message.to_phone), now)
        template = _template(session, message, within, policy) if window else None
        if isinstance(template, str):
            message.status, message.error = MessageStatus.HELD, template
            message.claimed_until = message.claimed_by = None
            _tell_admins(session, message, now, policy, "admin_held")
            tally.held += 1
            continue
        unknown_since = message.send_started_at if message.sid is None else None
        message.claimed_until = lease_now + policy.lease
        message.send_started_at = unknown_since or lease_now
        sends.append((message.id, _Send(message.to_phone, message.body, template,
                                        message.attempts, unknown_since)))  # fmt: skip
    return sends


def _deliver_one(
    engine: Engine,
    messenger: Messenger,
    message_id: int,
    send: _Send,
    now: datetime,
    tally: Tally,
    policy: SendPolicy,
    answers: _Answers,
) -> None:
    try:
        if send.unknown_since is not None:
            answers.write()  # a sid this pass has just been given is known before a lookup
            if found := _look_up(engine, messenger, send):
                answers.add(message_id, Sent(found.sid, found.status))
                tally.found += 1
                return
        with policy.throttle.slot():
            sent = messenger.send(send.to, send.body, send.template)
    except SendError as error:
        _record_failure(engine, message_id, error, send.attempts, now, tally, policy)
        return
    except Exception as error:  # noqa: BLE001 - any messenger fault: that message only
        unknown = SendError(f"unknown outcome: {type(error).__name__}", False, uncertain=True)
        _record_failure(engine, message_id, unknown, send.attempts, now, tally, policy)
        return
    answers.add(message_id, sent)
    tally.sent += 1


def _look_up(engine: Engine, messenger: Messenger, send: _Send) -> Accepted | None:
    """The message Twilio accepted for an earlier attempt whose outcome was unknown: one for
    that number since the attempt began, with the same text (any text for a template), whose
    sid no row of ours holds yet."""
    since = send.unknown_since - LOOKUP_SLACK
    try:
        accepted = messenger.sent_since(send.to, since)
    except SendError as error:  # still unknown: the next attempt looks again
        raise SendError(str(error), permanent=False, uncertain=True) from error
    if not accepted:
        return None
    sids = [candidate.sid for candidate in accepted]
    with transaction(engine) as session:
        query = select(OutboundMessage.sid).where(col(OutboundMessage.sid).in_(sids))
        known = set(session.exec(query).all())
    for candidate in reversed(accepted):  # oldest first
        if candidate.sid not in known and (send.template or candidate.body == send.body):
            return candidate
    return None


def _tell_admins(
    session: Session, message: OutboundMessage, now: datetime, policy: SendPolicy, notice: str
) -> None:
    kind = KINDS.get(message.kind)
    if kind is None or kind.audience == To.ADMINISTRATORS:
        return  # never a notice about a notice: that could go round for ever
    facts = {"kind": message.kind, "phone": message.to_phone, "env": kind.template,
             "why": message.error or ""}  # fmt: skip
    enqueue_for_admins(session, policy.admin_numbers, KINDS[notice], now, facts,
                       message.booking_id)  # fmt: skip


def _record_failure(
    engine: Engine,
    message_id: int,
    error: SendError,
    attempts: int,
    now: datetime,
    tally: Tally,
    policy: SendPolicy,
) -> None:
    log.warning("message %s not sent: %s", message_id, error)
    with transaction(engine) as session:
        message = session.get(OutboundMessage, message_id)
        message.error, message.error_code = str(error), error.code
        message.claimed_until = message.claimed_by = None
        if not error.uncertain:
            message.send_started_at = None  # Twilio answered: nothing to look up
        retry_at = now + _backoff(attempts)
        if error.permanent or retry_at >= _useful_until(message, policy):
            message.status = MessageStatus.FAILED
            _tell_admins(session, message, now, policy, "admin_failed")
            tally.failed += 1
        else:
            message.status = MessageStatus.PENDING
            message.due_at = retry_at
            tally.retried += 1
