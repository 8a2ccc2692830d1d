"""The public satisfaction survey (SKM, flows/skm.py) by WhatsApp: offered once the
cooperative has rated its session and said its problem is solved; nine questions one at a
time, each answered 1–4 (by number or in the regulation's words), any of them skipped; an
optional comment; then the answers are stored (SaveSurvey) and the menu comes back."""

from enum import StrEnum

from flows.catalogue import names
from flows.chat import number_in, plain, yes_no
from flows.choices import MAIN_MENU
from flows.conversation import menu
from flows.conversation.talk import State, Talk
from flows.model import Home, SaveSurvey
from flows.skm import COMMENT_LENGTH, ELEMENTS, LEVELS
from flows.words import fold

SKIP = frozenset({"lewati", "lewat", "skip", "lompat", "tidak tahu", "tidak tau", "gak tau",
                  "ga tau", "gatau", "entah", "next", "lanjut"})  # fmt: skip


def skipped(text: str) -> bool:
    return plain(text) in SKIP or text.strip() in ("-", "—")


class K(StrEnum):
    INVITE = "skm_invite"
    QUESTION = "skm_question"
    COMMENT = "skm_comment"


def invite(talk: Talk, code: str) -> None:
    """Offer the survey about `code` (after the rating and a solved problem)."""
    talk.scratch.survey = {"code": code, "at": 0, "levels": {}}
    talk.go(K.INVITE)


def _progress(talk: Talk) -> dict:
    return talk.scratch.survey or {"code": "", "at": 0, "levels": {}}


def _read_invite(talk: Talk, text: str) -> None:
    answer = yes_no(text)
    if answer is True:
        talk.go(K.QUESTION)
    elif answer is False or skipped(text) or fold(text) in ("nanti", "tidak usah"):
        talk.scratch.survey = None
        talk.say("skm_declined")
        talk.to_menu()
    elif MAIN_MENU.pick(text) is not None:  # "1": another consultation, as the text before said
        talk.scratch.survey = None
        talk.state = Home.MENU
        menu.STATES[Home.MENU].read(talk, text)
    else:
        talk.say("skm_invite_again")


def _ask_question(talk: Talk) -> None:
    survey = _progress(talk)
    element = ELEMENTS[survey["at"]]
    words = names(f"skm.{element}", talk.lang)
    levels = "\n".join(f"{level}. {said}" for level, said in zip(LEVELS, words["levels"],
                                                                  strict=True))  # fmt: skip
    talk.say("skm_question", number=survey["at"] + 1, count=len(ELEMENTS),
             question=words["question"], levels=levels)  # fmt: skip


def level_in(text: str, element: str, lang: str) -> int | None:
    """1–4 by number ("3", "tiga", "no 3") or in the level's words ("sangat sesuai", "Gratis");
    the longest wording found decides ("kurang sesuai" is not "sesuai")."""
    if (found := number_in(text, len(LEVELS))) is not None:
        return found
    said = f" {plain(text)} "
    levels = names(f"skm.{element}", lang)["levels"]
    matches = [(len(words), level) for level, words in zip(LEVELS, levels, strict=True)
               if f" {plain(words)} " in said]  # fmt: skip
    return max(matches)[1] if matches else None


def _read_question(talk: Talk, text: str) -> None:
    survey = _progress(talk)
    element = ELEMENTS[survey["at"]]
    if skipped(text):
        level = None
    elif (level := level_in(text, element, talk.lang)) is None:
        talk.say("skm_not_understood")
        talk.ask()
        return
    survey["levels"][element] = level
    survey["at"] += 1
    talk.scratch.survey = survey
    talk.go(K.COMMENT if survey["at"] == len(ELEMENTS) else K.QUESTION)


def _read_comment(talk: Talk, text: str) -> None:
    survey = _progress(talk)
    comment = "" if skipped(text) else text.strip()[:COMMENT_LENGTH]
    talk.effects.append(SaveSurvey(survey["code"], dict(survey["levels"]), comment))
    talk.scratch.survey = None
    talk.say("skm_thanks")
    talk.to_menu()


STATES: dict[str, State] = {
    K.INVITE: State(lambda talk: talk.say("skm_invite"), _read_invite),
    K.QUESTION: State(_ask_question, _read_question, help="skm_help"),
    K.COMMENT: State(lambda talk: talk.say("skm_ask_comment"), _read_comment, help="skm_help"),
}
