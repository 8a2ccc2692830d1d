"""After the session: how satisfied the cooperative is (1–5), and whether the problem is
solved. SUDAH closes the case; BELUM books a follow-up in the same case, asking only what is
still open and the new time."""

from flows.chat import number_in, plain
from flows.choices import MAIN_MENU
from flows.conversation import survey
from flows.conversation.booking import KNOWN_FIELDS, B
from flows.conversation.talk import Talk
from flows.model import BookingView, CaseAnswer, Home, RateSession, Scratch
from flows.prompts import from_words, rating
from flows.words import fold

# The answer's first word, read plain ("udh", "udah kelar", "Sudah 👍", "belum sepenuhnya",
# "masih bingung"), after a score when both come in one message ("4, belum", "5 sdh jelas").
SOLVED = frozenset({"sudah", "selesai", "teratasi", "solved", "yes", "jelas"})
UNSOLVED = frozenset({"belum", "masih", "tidak", "no", "not", "kurang"})
_LEADS = frozenset({"alhamdulillah", "syukurlah", "iya", "ya", "oh", "wah", "insyaallah"})
_SCORE_WORDS = frozenset({"nilai", "skor", "bintang", "dari", "bagus", "oke", "terima",
                          "kasih", "karena"})  # fmt: skip


# The survey's own words for its scores ("1 (tidak puas) sampai 5 (sangat puas)"), and the
# nearest ways to say them; the longest found in the reply decides.
SCORE_PHRASES = {"sangat puas": 5, "puas sekali": 5, "sangat memuaskan": 5, "very satisfied": 5,
                 "puas": 4, "memuaskan": 4, "satisfied": 4, "cukup puas": 3,
                 "lumayan": 3, "biasa saja": 3, "kurang puas": 2, "kurang memuaskan": 2,
                 "tidak puas": 1, "tidak memuaskan": 1, "kecewa": 1,
                 "not satisfied": 1}  # fmt: skip


def score_in(text: str) -> int | None:
    """1–5 by number ("4", "empat", "⭐⭐⭐⭐", "4/5") or in words ("sangat puas",
    "kurang puas")."""
    if (found := number_in(text, 5)) is not None:
        return found
    padded = f" {plain(text)} "
    said = [(len(phrase), score) for phrase, score in SCORE_PHRASES.items()
            if f" {phrase} " in padded]  # fmt: skip
    return max(said)[1] if said else None


def solved_in(text: str) -> bool | None:
    """SUDAH (True), BELUM (False), or neither. Only the answer's first word decides (after the
    score): "sudah saya kirim berkasnya" in a later chat is not an answer, and "belum" anywhere
    after "sudah" ("sudah tapi belum semua") makes it not solved."""
    said = f" {plain(text)} "
    for phrase in sorted(SCORE_PHRASES, key=len, reverse=True):  # "kurang puas" is a score
        said = said.replace(f" {phrase} ", " ")
    words = [w for w in said.split()
             if number_in(w, 10) is None and w not in _SCORE_WORDS]  # fmt: skip
    while words and words[0] in _LEADS:  # "alhamdulillah sudah", "iya sudah beres"
        words = words[1:]
    if not words:
        return None
    if words[0] in UNSOLVED:
        return False
    if words[0] in SOLVED:
        return not UNSOLVED & set(words[1:]) - {"tidak"}
    return None


def _asked(talk: Talk) -> BookingView | None:
    """The session whose satisfaction question is still unanswered, if any."""
    return next((b for b in talk.ctx.bookings
                 if b.own and b.survey_at and b.solved is None and b.case_open), None)  # fmt: skip


def late_score(talk: Talk, text: str) -> bool:
    """The 1–5 asked after a bare SUDAH or BELUM: the very next reply, when it is a score."""
    code, talk.scratch.rating_for = talk.scratch.rating_for, None
    if code is None or len(plain(text).split()) > 3 or (score := score_in(text)) is None:
        return False  # a longer reply is an answer to the question at hand, not a score
    talk.effects.append(RateSession(code, score))
    talk.say("survey_thanks_only", score=score)
    if talk.state == Home.MENU:  # rated after SUDAH: the public survey next
        survey.invite(talk, code)
    else:
        talk.ask()  # a follow-up booking's question, asked again after the thanks
    return True


def survey_answer(talk: Talk, text: str) -> bool:
    """1–5 right after the question (a bare number later is the menu), SUDAH or BELUM; only
    what is still missing is asked."""
    if talk.state != Home.MENU or (booking := _asked(talk)) is None:
        return False
    last_seen = talk.chat.updated_at
    asked_again = talk.scratch.code == booking.code  # the question was asked once more
    untouched = last_seen is None or last_seen <= booking.survey_at or asked_again
    score = score_in(text) if untouched else None
    solved = solved_in(text) if score is not None or not fold(text).isdigit() else None
    if score is None and solved is None:
        if untouched and not asked_again and MAIN_MENU.pick(text) is None:
            talk.scratch.code = booking.code  # the first reply was not an answer: ask again,
            talk.say("survey_again", code=booking.code)  # never the menu
            return True
        talk.scratch.code = None if asked_again else talk.scratch.code
        return False
    talk.scratch.code = None
    if score is not None:  # "5 mantap", "⭐⭐⭐⭐", "nilai 4", "4, belum"
        talk.effects.append(RateSession(booking.code, score))
        talk.say("survey_thanks" if solved is None else "survey_thanks_only", score=score)
        if solved is None:
            talk.offer(from_words("solved", talk.texts[-1], talk.lang))
    if solved is True:
        talk.effects.append(CaseAnswer(booking.code, solved=True))
        if score is None and booking.satisfaction is None:  # "sudah": the score is to come
            talk.scratch.rating_for = booking.code
            talk.say("case_solved_ask_score", code=booking.code)
            talk.offer(rating(talk.texts[-1], talk.lang))
        else:  # rated in this reply, or in the one before ("5", then "sudah")
            talk.say("case_solved", code=booking.code)
            survey.invite(talk, booking.code)
    elif solved is False:
        talk.effects.append(CaseAnswer(booking.code, solved=False))
        known = talk.ctx.known or {}
        talk.answers = {
            **{key: known[key] for key in KNOWN_FIELDS if key in known},
            "topic": booking.topic_key,
            "problem_area": booking.problem_area,
            "case_id": booking.case_id,
        }
        unrated = score is None and booking.satisfaction is None
        talk.scratch = Scratch(rating_for=booking.code if unrated else None)
        talk.say("follow_up_intro")
        if unrated:
            talk.say("ask_score_too")
        talk.go(B.FOLLOW_UP)
    return True

