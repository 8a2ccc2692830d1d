"""The public satisfaction survey's questionnaires (flows/skm.py): one per service."""

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from flows.skm import COMMENT_LENGTH, ELEMENTS, LEVELS
from storage.models import SkmAnswer


class AlreadyAnswered(Exception):
    """The service's questionnaire was filled in before: one per service."""


def answered(session: Session, booking_id: int) -> bool:
    return session.get(SkmAnswer, booking_id) is not None


def save_answers(session: Session, booking_id: int, levels: Mapping[str, int | None],
                 comment: str, now: datetime) -> SkmAnswer:  # fmt: skip
    """The questionnaire of one service: each element 1–4 or None (skipped), and a comment."""
    if set(levels) - set(ELEMENTS) or any(v not in (*LEVELS, None) for v in levels.values()):
        raise ValueError(f"not a questionnaire: {dict(levels)}")
    answer = SkmAnswer(booking_id=booking_id, answered_at=now,
                       comment=comment.strip()[:COMMENT_LENGTH] or None,
                       **{element: levels.get(element) for element in ELEMENTS})  # fmt: skip
    try:
        with session.begin_nested():
            session.add(answer)
            session.flush()
    except IntegrityError:
        raise AlreadyAnswered(booking_id) from None
    return answer
