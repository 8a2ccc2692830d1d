"""After the session: how satisfied the cooperative is (1–5), and whether the problem is
solved. SUDAH closes the case; BELUM books a follow-up in the same case, asking only what is
still open and the new time."""

from flows.conversation.booking import KNOWN_FIELDS, B
from flows.conversation.talk import Talk
from flows.model import BookingView, CaseAnswer, Home, RateSession, Scratch
from flows.words import fold

SOLVED = {"sudah", "sdh", "udah", "sudah teratasi", "teratasi", "solved"}
UNSOLVED = {"belum", "blm", "belom", "belum teratasi", "not yet"}


def _asked(talk: Talk) -> BookingView | None:
    """The session whose satisfaction question is still unanswered, if any."""
    return next((b for b in talk.ctx.bookings
                 if b.own and b.survey_at and b.solved is None and b.case_open), None)  # fmt: skip


def survey_answer(talk: Talk, text: str) -> bool:
    """1–5 right after the question (a bare number later is the menu), SUDAH or BELUM."""
    if talk.state != Home.MENU or (booking := _asked(talk)) is None:
        return False
    word, last_seen = fold(text), talk.chat.updated_at
    untouched = last_seen is None or last_seen <= booking.survey_at
    if word.isdigit() and 1 <= int(word) <= 5 and untouched:
        talk.effects.append(RateSession(booking.code, int(word)))
        talk.say("survey_thanks", score=int(word))
    elif word in SOLVED:
        talk.effects.append(CaseAnswer(booking.code, solved=True))
        talk.say("case_solved", code=booking.code)
    elif word in UNSOLVED:
        talk.effects.append(CaseAnswer(booking.code, solved=False))
        known = talk.ctx.known or {}
        talk.answers = {
            **{key: known[key] for key in KNOWN_FIELDS if key in known},
            "topic": booking.topic_key,
            "problem_area": booking.problem_area,
            "case_id": booking.case_id,
        }
        talk.scratch = Scratch()
        talk.say("follow_up_intro")
        talk.go(B.FOLLOW_UP)
    else:
        return False
    return True
