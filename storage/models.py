"""Tables. Invariants live here as constraints, so the database is the validator."""

from collections.abc import Callable
from datetime import UTC, date, datetime
from enum import StrEnum
from functools import cache
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, text
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, Relationship, SQLModel

from flows.kinds import MessageStatus
from flows.lifecycle import HOLDS_A_TIME, ON_THE_CALENDAR, CaseStatus, Channel, Origin, Status
from flows.model import NAME_LENGTH, PROBLEM_LENGTH, Home
from flows.skm import COMMENT_LENGTH

# Named constraints, so migrations can alter them on every backend (SQLite included).
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


HOLDING = text("status IN (" + ", ".join(f"'{status}'" for status in sorted(HOLDS_A_TIME)) + ")")

DAY_REASON_LENGTH = 200  # why an expert is off, why the clinic is closed


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on every backend (SQLite would hand back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def result_processor(self, dialect, coltype) -> Callable[[Any], datetime | None]:
        """Each value read as an aware UTC datetime, in one call per value: every hold of the
        days asked about is read with two of them. On SQLite the stored text is parsed as
        SQLAlchemy's own SQLite type parses it (datetime.fromisoformat), with the offset;
        parsing then replace(tzinfo=) through TypeDecorator's wrapper costs ten times that."""
        if dialect.name == "sqlite":
            return _utc_from_text
        inner = self.impl_instance.result_processor(dialect, coltype)  # psycopg's: none
        return _as_utc if inner is None else lambda value: _as_utc(inner(value))


def _as_utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _utc_from_text(value: str | None) -> datetime | None:
    """SQLite's text as written (naive UTC); one written with an offset, taken as it says."""
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value + "+00:00")
    except ValueError:
        return _as_utc(datetime.fromisoformat(value))


def new_row(model: type[SQLModel], **values: Any) -> dict[str, Any]:
    """A new row of `model` as a dict for a core INSERT: the model's own defaults (each
    default_factory called now), then `values`; no model object built and validated (a
    tenth of a millisecond each, on every message)."""
    fixed, factories = _defaults(model)
    return {**fixed, **{name: make() for name, make in factories.items() if name not in values},
            **values}  # fmt: skip


@cache
def _defaults(model: type[SQLModel]) -> tuple[dict[str, Any], dict[str, Callable[[], Any]]]:
    fixed, factories = {}, {}
    for name, info in model.model_fields.items():
        if name == "id" or info.is_required():
            continue
        if info.default_factory is not None:
            factories[name] = info.default_factory
        else:
            fixed[name] = info.default
    return fixed, factories


def _ts(**kwargs) -> Column:
    return Column(UTCDateTime(), **kwargs)


class Topic(SQLModel, table=True):
    key: str = Field(primary_key=True, max_length=20)
    name: str = Field(max_length=80)


class Expert(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=NAME_LENGTH)
    phone: str = Field(max_length=20, unique=True)
    meeting_link: str | None = Field(default=None, max_length=500)
    active: bool = True


class ExpertTopic(SQLModel, table=True):
    expert_id: int = Field(foreign_key="expert.id", primary_key=True)
    topic_key: str = Field(foreign_key="topic.key", primary_key=True)


class ExpertDayOff(SQLModel, table=True):
    """A day an expert cannot take sessions (leave, training, another duty)."""

    expert_id: int = Field(foreign_key="expert.id", primary_key=True)
    day: date = Field(primary_key=True)
    reason: str = Field(default="", max_length=DAY_REASON_LENGTH)


class ClosedDay(SQLModel, table=True):
    """The department's own closed days (cuti bersama, events), beside public holidays."""

    day: date = Field(primary_key=True)
    reason: str = Field(max_length=DAY_REASON_LENGTH)


class Administrator(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    phone: str = Field(max_length=20, unique=True)
    name: str = Field(default="", max_length=NAME_LENGTH)


class User(SQLModel, table=True):
    """A web console account. Roles: admin (everything), expert (own sessions), receptionist."""

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    name: str = Field(default="", max_length=NAME_LENGTH)
    password_hash: str = Field(max_length=255)
    role: str = Field(max_length=20)
    expert_id: int | None = Field(default=None, foreign_key="expert.id")
    active: bool = True
    # The console's cookie carries it: log-out, a new password and deactivation raise it, so
    # every cookie saved before stops working.
    session_epoch: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class LoginThrottle(SQLModel, table=True):
    """Failed log-ins per account ("account:<e-mail>") and per address ("address:<ip>"),
    in the database so that every gunicorn worker sees them."""

    key: str = Field(primary_key=True, max_length=300)
    failures: int = 0
    last_failure: datetime = Field(sa_column=_ts(nullable=False))
    locked_until: datetime | None = Field(default=None, sa_column=_ts())


class Cooperative(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=NAME_LENGTH)
    nik: str | None = Field(default=None, max_length=16, unique=True)
    kind: str = Field(max_length=20)
    kecamatan: str = Field(max_length=80)
    in_regency: bool = True


class Link(StrEnum):
    """Does a number speak for a cooperative? (its history, its stored details)"""

    LINKED = "linked"  # the first number that booked for it, or one an administrator linked
    PENDING = "pending"  # gave its Nomor Induk from another number: an administrator decides
    APART = "apart"  # an administrator kept it apart: it sees only its own bookings


class CooperativeNumber(SQLModel, table=True):
    """The numbers that booked for a cooperative. Only linked numbers share its history
    ("Cek status") and may change its stored name, type and kecamatan."""

    cooperative_id: int = Field(foreign_key="cooperative.id", primary_key=True)
    phone: str = Field(primary_key=True, max_length=20, index=True)  # the number's history
    status: str = Field(default=Link.LINKED, max_length=10)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts(nullable=False))
    decided_by: str | None = Field(default=None, max_length=254)
    decided_at: datetime | None = Field(default=None, sa_column=_ts())


class Case(SQLModel, table=True):
    """One cooperative's problem and every session about it, open until solved."""

    __tablename__ = "clinic_case"

    id: int | None = Field(default=None, primary_key=True)
    cooperative_id: int = Field(foreign_key="cooperative.id", index=True)
    topic_key: str = Field(foreign_key="topic.key")
    problem_area: str = Field(max_length=20)
    problem_text: str = Field(max_length=PROBLEM_LENGTH[1])
    status: str = Field(default=CaseStatus.OPEN, max_length=20)
    closed_reason: str | None = Field(default=None, max_length=500)
    opened_at: datetime = Field(default_factory=utcnow, sa_column=_ts(nullable=False))
    closed_at: datetime | None = Field(default=None, sa_column=_ts())


class Booking(SQLModel, table=True):
    """A request, then a session. Confirmed sessions of one expert never overlap: a partial
    unique index on (expert, start) everywhere, and on PostgreSQL an exclusion constraint on
    the expert and the session's time range (migration 0002)."""

    __table_args__ = (
        Index(
            "uq_booking_confirmed_expert_start",
            "expert_id",
            "requested_start",
            unique=True,
            sqlite_where=text(f"status = '{ON_THE_CALENDAR}'"),
            postgresql_where=text(f"status = '{ON_THE_CALENDAR}'"),
        ),
        # The calendar reads only the bookings holding a time on the days it looks at.
        *(Index(f"ix_booking_holding_{column}", column, sqlite_where=HOLDING,
                postgresql_where=HOLDING) for column in ("requested_start", "proposed_start")),
        # DAFTAR, the digest and the inbox: the waiting requests, oldest first, a page at a time.
        Index("ix_booking_status_created_at", "status", "created_at"),
    )  # fmt: skip

    id: int | None = Field(default=None, primary_key=True)
    code: str | None = Field(default=None, max_length=12, unique=True)
    cooperative_id: int = Field(foreign_key="cooperative.id", index=True)
    phone: str = Field(max_length=20, index=True)
    contact_name: str = Field(max_length=NAME_LENGTH)
    contact_role: str = Field(max_length=20)
    topic_key: str = Field(foreign_key="topic.key")
    problem_area: str = Field(max_length=20)
    problem_text: str = Field(max_length=PROBLEM_LENGTH[1])
    requested_start: datetime = Field(sa_column=_ts(nullable=False, index=True))
    expert_id: int | None = Field(default=None, foreign_key="expert.id", index=True)
    ends_at: datetime | None = Field(default=None, sa_column=_ts())
    meeting_link: str | None = Field(default=None, max_length=500)
    proposed_start: datetime | None = Field(default=None, sa_column=_ts())
    decline_reason: str | None = Field(default=None, max_length=500)
    outcome: str | None = Field(default=None, max_length=20)  # held / no_show
    prescription: str | None = None
    prescription_at: datetime | None = Field(default=None, sa_column=_ts())
    # Announced by template (the cooperative was outside WhatsApp's 24-hour window): the full
    # text goes when the cooperative next writes.
    prescription_pending: bool = False
    case_id: int | None = Field(default=None, foreign_key="clinic_case.id", index=True)
    satisfaction: int | None = None  # 1..5, the cooperative's answer after the session
    solved: bool | None = None  # the cooperative's SUDAH / BELUM
    # Answers to booking questions that have no column of their own (storage.bookings.COLUMNS).
    details: dict | None = Field(default=None, sa_column=Column(JSON))
    status: str = Field(default=Status.WAITING, max_length=20, index=True)
    channel: str = Field(default=Channel.ONLINE, max_length=10,
                         sa_column_kwargs={"server_default": Channel.ONLINE.value})
    origin: str = Field(default=Origin.CHAT, max_length=10,
                        sa_column_kwargs={"server_default": Origin.CHAT.value})
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts(nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts(nullable=False, index=True))

    cooperative: Cooperative = Relationship()
    expert: Expert | None = Relationship()
    case: Case | None = Relationship()


class SkmAnswer(SQLModel, table=True):
    """One questionnaire of the public satisfaction survey (flows/skm.py) about one service:
    each of the nine elements 1–4, or None when skipped, and a free comment."""

    booking_id: int = Field(foreign_key="booking.id", primary_key=True)
    persyaratan: int | None = None
    prosedur: int | None = None
    waktu: int | None = None
    biaya: int | None = None
    produk: int | None = None
    kompetensi: int | None = None
    perilaku: int | None = None
    pengaduan: int | None = None
    sarana: int | None = None
    comment: str | None = Field(default=None, max_length=COMMENT_LENGTH)
    answered_at: datetime = Field(sa_column=_ts(nullable=False, index=True))


class ServiceTarget(SQLModel, table=True):
    """The department's target for a year: services to deliver (sessions held and visits)."""

    year: int = Field(primary_key=True)
    services: int
    set_by: str = Field(default="", max_length=254)
    set_at: datetime = Field(default_factory=utcnow, sa_column=_ts(nullable=False))


class BookingEvent(SQLModel, table=True):
    """The audit log and history of a booking: who did what, when."""

    id: int | None = Field(default=None, primary_key=True)
    booking_id: int = Field(foreign_key="booking.id", index=True)
    at: datetime = Field(default_factory=utcnow, sa_column=_ts(nullable=False))
    actor: str = Field(max_length=120)
    action: str = Field(max_length=30)
    detail: str = Field(default="", max_length=1000)


class AuditEntry(SQLModel, table=True):
    """Who of the staff did what, from the console or by WhatsApp command: the person (a
    console account's e-mail or an administrator's or expert's number), the action, what it
    was about (a booking code or a number) and what they were told."""

    __table_args__ = (Index("ix_auditentry_at", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=_ts(nullable=False))
    who: str = Field(max_length=254, index=True)
    channel: str = Field(max_length=10)  # "console" or "whatsapp"
    action: str = Field(max_length=40, index=True)
    target: str = Field(default="", max_length=60)
    detail: str = Field(default="", max_length=1000)


class Conversation(SQLModel, table=True):
    """One per phone number, so a restart never loses where a user was."""

    phone: str = Field(primary_key=True, max_length=20)
    state: str = Field(default=Home.START, max_length=40)
    answers: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # Where the conversation is (offers, history, drafts): flows.model.Scratch, never the answers.
    scratch: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    lang: str = Field(default="id", max_length=2)
    opted_out: bool = False
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts(nullable=False))


class InboundMessage(SQLModel, table=True):
    """Twilio's MessageSid as primary key makes a redelivered webhook a no-op."""

    sid: str = Field(primary_key=True, max_length=64)
    phone: str = Field(max_length=20, index=True)
    body: str = ""
    kind: str = Field(default="text", max_length=20)
    payload: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    error: str | None = None
    received_at: datetime = Field(default_factory=utcnow, sa_column=_ts(nullable=False))


class OutboundMessage(SQLModel, table=True):
    """Every message we send. `pending` rows are the outbox the sender drains."""

    __table_args__ = (Index("ix_outbound_due", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    to_phone: str = Field(max_length=20, index=True)
    body: str
    kind: str = Field(default="reply", max_length=30)
    channel: str = Field(default="rest", max_length=10)
    status: str = Field(default=MessageStatus.PENDING, max_length=20)
    booking_id: int | None = Field(default=None, foreign_key="booking.id", index=True)
    due_at: datetime = Field(default_factory=utcnow, sa_column=_ts(nullable=False))
    claimed_until: datetime | None = Field(default=None, sa_column=_ts())
    claimed_by: str | None = Field(default=None, max_length=80)  # the sending process
    # Set just before a send; left set when its outcome is unknown (a timeout, a crash), so the
    # next attempt first looks the message up at Twilio instead of sending it twice.
    send_started_at: datetime | None = Field(default=None, sa_column=_ts())
    attempts: int = 0
    sid: str | None = Field(default=None, max_length=64, index=True)
    error: str | None = None
    error_code: int | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts(nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=_ts())
    # The session a reminder is about: if the booking moved, the reminder no longer applies.
    for_start: datetime | None = Field(default=None, sa_column=_ts())
    # Template variables ({"1": …}) for when the recipient is outside WhatsApp's 24-hour window.
    variables: dict | None = Field(default=None, sa_column=Column(JSON))
    # One daily schedule or digest per recipient and day, however many schedulers run.
    dedupe_key: str | None = Field(default=None, max_length=120, unique=True)
    # A reply: the inbound MessageSid it answers, so a redelivery gets the same answer.
    reply_to: str | None = Field(default=None, max_length=64, index=True)
    # A question to tap: its Content resource (flows/prompts.py), `variables` filling it.
    content: str | None = Field(default=None, max_length=60)
    # A notice to staff: the cooperative's number it is about, so that a reply to it (quoted on
    # WhatsApp) answers that number.
    about_phone: str | None = Field(default=None, max_length=20)
    # An administrator's answer or announcement: who wrote it (console e-mail or number).
    author: str | None = Field(default=None, max_length=254)
    announcement_id: int | None = Field(default=None, foreign_key="announcement.id", index=True)


class Announcement(SQLModel, table=True):
    """One message from the administrators to a group of cooperatives; its outbox rows (one
    per number) say how far each one got."""

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(sa_column=_ts(nullable=False))
    author: str = Field(max_length=254)
    text: str = Field(max_length=4096)
    audience: str = Field(max_length=20)  # flows.announcements.Audience
    audience_value: str = Field(default="", max_length=80)  # a kecamatan, or "from..to"
    recipients: int = 0
    skipped_stop: int = 0  # numbers that said STOP
    skipped_window: int = 0  # outside the 24-hour window with no approved template


class AdminThread(SQLModel, table=True):
    """A number's conversation with the administrators: since when a "Hubungi admin" message
    waits for an answer, and who took it ("saya tangani")."""

    phone: str = Field(primary_key=True, max_length=20)
    waiting_since: datetime | None = Field(default=None, sa_column=_ts(index=True))
    taken_by: str | None = Field(default=None, max_length=254)
    taken_at: datetime | None = Field(default=None, sa_column=_ts())
    answered_by: str | None = Field(default=None, max_length=254)
    answered_at: datetime | None = Field(default=None, sa_column=_ts())


class WhatsAppContent(SQLModel, table=True):
    """A Content resource at Twilio that `eklinik whatsapp sync` keeps: a question to tap
    (name "prompt_topic_id") or a template for outside the 24-hour window ("CONFIRMATION").
    A changed template is created anew and waits for WhatsApp's approval as `pending_sid`,
    while the approved one goes on being used."""

    name: str = Field(primary_key=True, max_length=60)
    kind: str = Field(max_length=10)  # "prompt" or "template"
    sid: str | None = Field(default=None, max_length=34)
    digest: str = Field(default="", max_length=64)  # of the definition that made `sid`
    status: str = Field(default="", max_length=30)  # WhatsApp's approval (templates)
    rejection: str | None = Field(default=None, max_length=500)
    pending_sid: str | None = Field(default=None, max_length=34)
    pending_digest: str | None = Field(default=None, max_length=64)
    pending_status: str | None = Field(default=None, max_length=30)
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts(nullable=False))


class SendLease(SQLModel, table=True):
    """Which scheduler process sends from a sender number, until when: one at a time, so
    TWILIO_MPS holds for the number however many processes run (bot.outbound.sender)."""

    sender: str = Field(primary_key=True, max_length=40)
    owner: str = Field(max_length=80)
    until: datetime = Field(sa_column=_ts(nullable=False))


__all__ = [
    "AdminThread",
    "Announcement",
    "AuditEntry",
    "Administrator",
    "Booking",
    "Conversation",
    "Cooperative",
    "CooperativeNumber",
    "Expert",
    "ExpertTopic",
    "InboundMessage",
    "OutboundMessage",
    "SendLease",
    "Topic",
    "WhatsAppContent",
    "utcnow",
]
