"""Who is who: topics, experts and administrators."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache

from sqlalchemy import bindparam, func, or_
from sqlmodel import Session, col, select

from flows.choices import TOPICS
from storage.contents import APPROVED, PROMPT
from storage.db import ReadOnce
from storage.models import Administrator, Expert, ExpertTopic, Topic, User, WhatsAppContent


class UnknownTopics(ValueError):
    def __init__(self, topics: list[str]) -> None:
        super().__init__(f"unknown topics: {', '.join(topics)} (use {', '.join(TOPICS)})")
        self.topics = topics


class PhoneTaken(ValueError):
    def __init__(self, phone: str, owner: str) -> None:
        super().__init__(f"{phone} belongs to {owner} already")
        self.phone, self.owner = phone, owner


def ensure_topics(session: Session) -> None:
    for key in TOPICS:
        if session.get(Topic, key) is None:
            session.add(Topic(key=key, name=TOPICS.label(key)))
    session.flush()


# The administrators' numbers, read once per transaction (storage.db.ReadOnce): whether the
# sender is one of them, and to whom a notice goes, from one reading.
_admins = ReadOnce[tuple[str, ...]]("admins", Administrator)


def admin_phones(session: Session, configured: Iterable[str] = ()) -> list[str]:
    """Administrators registered in the database plus those named in ADMIN_NUMBERS."""
    registered = _admins.get(session, lambda: tuple(session.exec(select(Administrator.phone))))
    return list(dict.fromkeys([*configured, *registered]))


@dataclass(frozen=True)
class Sender:
    """Who wrote, as one inbound message needs it: an administrator, an active expert (their
    id), and the Content each question to tap can be sent with (storage.contents.usable_sid's
    rule, for every name at once)."""

    admin: bool = False
    expert_id: int | None = None
    contents: Mapping[str, str] = field(default_factory=dict)


SEPARATOR = "\n"  # between "name sid" pairs: neither a Content's name nor its SID holds one


@cache
def _sender():
    phone = bindparam("phone")
    usable = (
        select(func.aggregate_strings(WhatsAppContent.name + " " + WhatsAppContent.sid,
                                      SEPARATOR))  # fmt: skip
        .where(col(WhatsAppContent.sid).is_not(None),
               or_(WhatsAppContent.kind == PROMPT, WhatsAppContent.status == APPROVED))
        .scalar_subquery()
    )  # fmt: skip
    expert = select(Expert.id).where(Expert.phone == phone, col(Expert.active).is_(True))
    admins = select(func.aggregate_strings(Administrator.phone, SEPARATOR)).scalar_subquery()
    return select(admins, expert.limit(1).scalar_subquery(), usable)


def sender(session: Session, phone: str, configured: Iterable[str] = ()) -> Sender:
    """The staff lookups and the usable Contents of one inbound message, in one query: every
    administrator's number read with it (kept for this transaction's notices)."""
    admins, expert_id, contents = session.exec(_sender(), params={"phone": phone}).one()
    registered = tuple(admins.split(SEPARATOR)) if admins else ()
    _admins.keep(session, registered)
    pairs = (pair.split(" ", 1) for pair in (contents or "").split(SEPARATOR) if pair)
    return Sender(phone in registered or phone in configured, expert_id, dict(pairs))


def administrators(session: Session) -> list[Administrator]:
    return list(session.exec(select(Administrator).order_by(col(Administrator.phone))).all())


def remove_admin(session: Session, phone: str) -> None:
    found = session.exec(select(Administrator).where(Administrator.phone == phone)).first()
    if found is not None:
        session.delete(found)


def active_experts(session: Session) -> list[Expert]:
    return list(session.exec(select(Expert).where(col(Expert.active).is_(True))).all())


def expert_by_phone(session: Session, phone: str, active_only: bool = True) -> Expert | None:
    query = select(Expert).where(Expert.phone == phone)
    if active_only:
        query = query.where(col(Expert.active).is_(True))
    return session.exec(query).first()


def add_admin(session: Session, phone: str, name: str = "") -> Administrator:
    admin = session.exec(select(Administrator).where(Administrator.phone == phone)).first()
    admin = admin or Administrator(phone=phone)
    admin.name = name or admin.name
    session.add(admin)
    session.flush()
    return admin


def add_expert(
    session: Session, name: str, phone: str, topics: Iterable[str], link: str | None = None
) -> Expert:
    """Register an expert, or update the one with that phone number."""
    expert = expert_by_phone(session, phone, active_only=False) or Expert(name=name, phone=phone)
    return save_expert(session, expert, name, phone, topics, link or expert.meeting_link, True)


def save_expert(
    session: Session,
    expert: Expert,
    name: str,
    phone: str,
    topics: Iterable[str],
    link: str | None,
    active: bool,
) -> Expert:
    """Store an expert's details and topics; an unknown topic or a taken number raises
    UnknownTopics or PhoneTaken."""
    topics = list(topics)
    unknown = [key for key in topics if key not in TOPICS.words]
    if unknown:
        raise UnknownTopics(unknown)
    other = expert_by_phone(session, phone, active_only=False)
    if other is not None and other.id != expert.id:
        raise PhoneTaken(phone, other.name)
    ensure_topics(session)
    expert.name, expert.phone, expert.meeting_link, expert.active = name, phone, link, active
    session.add(expert)
    session.flush()
    for old in session.exec(select(ExpertTopic).where(ExpertTopic.expert_id == expert.id)):
        session.delete(old)
    session.flush()
    for key in topics:
        session.add(ExpertTopic(expert_id=expert.id, topic_key=key))
    session.flush()
    return expert


def person_name(session: Session, who: str | None) -> str:
    """How the console and the messages name a member of staff kept as `who` (an
    administrator's number or a console account's e-mail): their name, else `who`."""
    if not who:
        return "-"
    if who.startswith("+"):
        found = session.exec(select(Administrator).where(Administrator.phone == who)).first()
    else:
        found = session.exec(select(User).where(User.email == who)).first()
    return (found.name or who) if found else who
