"""The audit log: one row per action of the staff (storage.models.AuditEntry)."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from flows.words import shorten
from storage.models import AuditEntry

CONSOLE, WHATSAPP = "console", "whatsapp"


def record(session: Session, at: datetime, who: str, channel: str, action: str,
           target: str = "", detail: str = "") -> None:  # fmt: skip
    """One action, in the caller's transaction (it is logged exactly when it happened)."""
    entry = AuditEntry(at=at, who=who[:254], channel=channel, action=action[:40],
                       target=(target or "")[:60], detail=shorten(detail or "", 1000))
    session.add(entry)


@dataclass(frozen=True)
class AuditFilters:
    who: str = ""
    action: str = ""
    channel: str = ""
    since: datetime | None = None
    until: datetime | None = None
    search: str = ""  # a booking code, a number, or words of what they were told


def entries(session: Session, filters: AuditFilters, limit: int = 100,
            offset: int = 0) -> tuple[int, list[AuditEntry]]:  # fmt: skip
    """How many entries match, and one page of them, newest first."""
    where = []
    if filters.who:
        where.append(AuditEntry.who == filters.who)
    if filters.action:
        where.append(AuditEntry.action == filters.action)
    if filters.channel:
        where.append(AuditEntry.channel == filters.channel)
    if filters.since:
        where.append(col(AuditEntry.at) >= filters.since)
    if filters.until:
        where.append(col(AuditEntry.at) < filters.until)
    if text := filters.search.strip().lower():
        where.append(or_(func.lower(AuditEntry.target).contains(text),
                         func.lower(AuditEntry.detail).contains(text)))  # fmt: skip
    count = session.exec(select(func.count()).select_from(AuditEntry).where(*where)).one()
    rows = session.exec(
        select(AuditEntry).where(*where)
        .order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
        .offset(offset).limit(limit)
    ).all()  # fmt: skip
    return count, list(rows)


def people(session: Session) -> list[str]:
    """Everyone who appears in the log (for the page's filter)."""
    return list(session.exec(select(AuditEntry.who).distinct().order_by(AuditEntry.who)).all())
