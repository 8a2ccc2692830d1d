"""Announcements: the numbers of a group of cooperatives, and how far each message got."""

from datetime import datetime, time, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from flows.announcements import Audience, Group
from flows.dates import WIB
from flows.lifecycle import CaseStatus
from storage.models import (
    Announcement,
    Booking,
    Case,
    Conversation,
    Cooperative,
    OutboundMessage,
)
from storage.privacy import ERASED


def group_numbers(session: Session, group: Group) -> tuple[list[str], list[str]]:
    """The numbers that booked for the group's cooperatives (for a period: that made a request
    in it), and of those the ones that said STOP, each in number order."""
    query = select(Booking.phone).distinct().where(Booking.phone != ERASED)
    if group.audience == Audience.KECAMATAN:
        query = query.join(Cooperative, col(Cooperative.id) == Booking.cooperative_id).where(
            Cooperative.kecamatan == group.kecamatan
        )
    elif group.audience == Audience.OPEN_CASE:
        open_cases = select(Case.cooperative_id).where(Case.status == CaseStatus.OPEN)
        query = query.where(col(Booking.cooperative_id).in_(open_cases))
    elif group.audience == Audience.PERIOD:
        start = datetime.combine(group.since, time.min, WIB)
        end = datetime.combine(group.until, time.min, WIB) + timedelta(days=1)
        query = query.where(col(Booking.created_at) >= start, col(Booking.created_at) < end)
    numbers = sorted(session.exec(query).all())
    stopped = set(
        session.exec(
            select(Conversation.phone).where(
                col(Conversation.phone).in_(numbers), col(Conversation.opted_out).is_(True)
            )
        ).all()
    ) if numbers else set()  # fmt: skip
    return [n for n in numbers if n not in stopped], sorted(stopped)


def announcements(session: Session, limit: int = 20) -> list[tuple[Announcement, dict[str, int]]]:
    """The latest announcements, each with how many of its messages are at each status."""
    found = list(session.exec(
        select(Announcement).order_by(col(Announcement.id).desc()).limit(limit)).all())  # fmt: skip
    if not found:
        return []
    counts: dict[int, dict[str, int]] = {row.id: {} for row in found}
    for announcement_id, status, count in session.exec(
        select(OutboundMessage.announcement_id, OutboundMessage.status, func.count())
        .where(col(OutboundMessage.announcement_id).in_(list(counts)))
        .group_by(OutboundMessage.announcement_id, OutboundMessage.status)
    ).all():
        counts[announcement_id][status] = count
    return [(row, counts[row.id]) for row in found]
