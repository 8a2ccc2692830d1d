"""A case: one cooperative's problem and every session about it, open until it is solved.

The cooperative rates a session (1–5) and says whether the problem is solved: SUDAH closes
the case, BELUM keeps it open for a follow-up. An administrator may close it for another
reason (TUTUP or the console); no satisfaction question goes for a closed case.
"""

from bot.lifecycle import Acting
from flows.catalogue import staff
from flows.lifecycle import CaseStatus, Note
from storage.bookings import record_event
from storage.models import Booking

SOLVED_REASON = "solved (SUDAH)"


def _close(act: Acting, booking: Booking, reason: str) -> bool:
    case = booking.case
    if case is None or case.status != CaseStatus.OPEN:
        return False
    case.status, case.closed_reason, case.closed_at = CaseStatus.CLOSED, reason, act.now
    act.session.add(case)
    return True


def close(act: Acting, booking: Booking, reason: str) -> str:
    """An administrator ends the booking's case; the answer for them."""
    if not _close(act, booking, reason):
        return staff("admin_case_already_closed", code=booking.code)
    record_event(act.session, booking, act.who, Note.CASE_CLOSED, act.now, reason)
    return staff("admin_case_closed", code=booking.code, reason=reason)


def rate(act: Acting, booking: Booking, score: int) -> None:
    booking.satisfaction = score
    record_event(act.session, booking, act.who, Note.RATED, act.now, f"{score}/5")


def answer(act: Acting, booking: Booking, solved: bool) -> None:
    """SUDAH closes the booking's case; BELUM keeps it open for the follow-up."""
    booking.solved = solved
    record_event(act.session, booking, act.who, Note.SOLVED if solved else Note.NOT_SOLVED,
                 act.now)  # fmt: skip
    if solved:
        _close(act, booking, SOLVED_REASON)
