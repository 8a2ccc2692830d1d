"""Booking a consultation: one question at a time, a summary, YA / UBAH / BATAL.

The questions are rows of `STEPS` (question, parser, next question); what the summary shows
is `SUMMARY`; UBAH's items are `EDIT_ITEMS`. To add a question: a state, a step row, its
summary line, and its sentences in the catalogue (the answer is stored with the booking).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from flows.calendar import format_start
from flows.catalogue import name, names
from flows.chat import has_any, plain, yes_no
from flows.choices import COOP_KINDS, EDIT_CHOICES, PROBLEM_AREAS, ROLES, TOPICS
from flows.conversation.parsers import (
    contact_name,
    kecamatan_list,
    parse_coop_name,
    parse_kecamatan,
    parse_nik,
    parse_problem_text,
)
from flows.conversation.steps import Accept, Confirm, Outcome, Reject, Step, choice
from flows.conversation.talk import State, Talk
from flows.conversation.when import (
    channel_in,
    offer_nearest,
    parse_start,
    refusal_line,
    slot_topic,
)
from flows.dates import WIB
from flows.model import Draft, Home, Pending, Scratch, SubmitBooking
from flows.words import fold, longest_within, shorten


class B(StrEnum):
    USE_KNOWN = "use_known"
    COOP_NAME = "coop_name"
    NIK = "nik"
    COOP_KIND = "coop_kind"
    KECAMATAN = "kecamatan"
    CONTACT_NAME = "contact_name"
    CONTACT_ROLE = "contact_role"
    TOPIC = "topic"
    PROBLEM_AREA = "problem_area"
    PROBLEM_TEXT = "problem_text"
    FOLLOW_UP = "follow_up"  # a follow-up session: only what is still unsolved
    WHEN = "when"
    CONFIRM = "confirm"  # "did you mean …?" for the question before
    SUMMARY = "summary"
    EDIT = "edit"
    RESUME = "resume"


STEPS: dict[str, Step] = {
    B.COOP_NAME: Step("ask_coop_name", parse_coop_name, B.NIK),
    B.NIK: Step("ask_nik", parse_nik, B.COOP_KIND, help="help_nik"),
    B.COOP_KIND: Step("ask_coop_kind", choice(COOP_KINDS, "coop_kind"), B.KECAMATAN,
                      choices=COOP_KINDS),
    B.KECAMATAN: Step("ask_kecamatan", parse_kecamatan, B.CONTACT_NAME),
    B.CONTACT_NAME: Step("ask_contact_name", contact_name(skip_to=B.TOPIC), B.CONTACT_ROLE),
    B.CONTACT_ROLE: Step("ask_contact_role", choice(ROLES, "contact_role"), B.TOPIC,
                         choices=ROLES),
    B.TOPIC: Step("ask_topic", choice(TOPICS, "topic"), B.PROBLEM_AREA, choices=TOPICS),
    B.PROBLEM_AREA: Step("ask_problem_area", choice(PROBLEM_AREAS, "problem_area"),
                         B.PROBLEM_TEXT, choices=PROBLEM_AREAS),
    B.PROBLEM_TEXT: Step("ask_problem_text", parse_problem_text, B.WHEN, help="help_problem_text"),
    B.FOLLOW_UP: Step("ask_follow_up", parse_problem_text, B.WHEN, help="help_problem_text"),
    B.WHEN: Step("ask_when", parse_start, B.SUMMARY, help="help_when"),
}  # fmt: skip

# What a returning number is offered again ("Gunakan data koperasi sebelumnya?").
SUMMARY_PROBLEM = 300  # the problem as the summary shows it: the start of a long story

KNOWN_FIELDS = ("coop_name", "nik", "coop_kind", "kecamatan", "in_regency", "contact_name",
                "contact_role")  # fmt: skip


@dataclass(frozen=True)
class Line:
    """One line of the summary: its label (summary_label.<label>) and the answer shown."""

    label: str
    shown: Callable[[dict[str, Any], str], str | None]  # None: not answered yet


def _kecamatan(answers: dict[str, Any], lang: str) -> str | None:
    if "kecamatan" not in answers:
        return None
    if answers.get("in_regency", True):
        return answers["kecamatan"]
    return f"{answers['kecamatan']} ({name('summary_label', 'outside', lang)})"


def _contact(answers: dict[str, Any], lang: str) -> str | None:
    if "contact_name" not in answers:
        return None
    role = ROLES.label(answers["contact_role"], lang) if answers.get("contact_role") else ""
    return answers["contact_name"] + (f" ({role})" if role else "")


def _problem(answers: dict[str, Any], lang: str) -> str | None:
    if "problem_text" not in answers:
        return None
    area = PROBLEM_AREAS.label(answers.get("problem_area", ""), lang)
    return f"{area} — {shorten(answers['problem_text'], SUMMARY_PROBLEM)}"


def _answered(key: str, show: Callable[[Any, str], str]) -> Callable[[dict, str], str | None]:
    return lambda answers, lang: show(answers[key], lang) if key in answers else None


def _nik(value: str | None, lang: str) -> str:
    return value or name("summary_label", "no_nik", lang)


SUMMARY = (
    Line("coop", _answered("coop_name", lambda value, lang: value)),
    Line("nik", _answered("nik", _nik)),
    Line("kind", _answered("coop_kind", COOP_KINDS.label)),
    Line("kecamatan", _kecamatan),
    Line("contact", _contact),
    Line("topic", _answered("topic", TOPICS.label)),
    Line("problem", _problem),
    Line("start", _answered("start", lambda value, lang: format_start(
        datetime.fromisoformat(value), lang))),
    Line("channel", lambda answers, lang: name("channel", answers.get("channel", "online"),
                                               lang) if "start" in answers else None),
)  # fmt: skip


def summary_lines(answers: dict[str, Any], lang: str) -> list[str]:
    """The answers so far, one line each, as the summary and the "use known data" offer show."""
    labels = names("summary_label", lang)
    return [f"{labels[line.label]}: {shown}" for line in SUMMARY
            if (shown := line.shown(answers, lang)) is not None]  # fmt: skip


# UBAH: which item, and the first and last question that change it.
EDIT_ITEMS: dict[str, tuple[str, str]] = {
    "coop_name": (B.COOP_NAME, B.COOP_NAME),
    "nik": (B.NIK, B.NIK),
    "coop_kind": (B.COOP_KIND, B.COOP_KIND),
    "kecamatan": (B.KECAMATAN, B.KECAMATAN),
    "contact": (B.CONTACT_NAME, B.CONTACT_ROLE),
    "topic": (B.TOPIC, B.TOPIC),
    "problem": (B.PROBLEM_AREA, B.PROBLEM_TEXT),
    "start": (B.WHEN, B.WHEN),
}
SEND = {"kirim", "send", "simpan"}
CHANGE = {"ubah", "ganti", "edit", "change", "koreksi", "perbaiki"}
CHANGE_PHRASES = frozenset({"ubah", "ganti", "edit", "change", "koreksi", "perbaiki", "ralat",
                            "salah", "tidak benar", "tidak betul", "bukan begitu"})  # fmt: skip


# --- answering a question -------------------------------------------------------------------


def answer(talk: Talk, state: str, outcome: Outcome) -> None:
    if isinstance(outcome, Reject):
        talk.reject(outcome.lines, outcome.offer, outcome.ask_again)
    elif isinstance(outcome, Confirm):
        talk.scratch.pending = Pending(state, outcome.key, outcome.params, outcome.values,
                                       outcome.on_no)  # fmt: skip
        talk.go(B.CONFIRM)
    else:
        store(talk, state, outcome)


def store(talk: Talk, state: str, outcome: Accept) -> None:
    """Keep the answer and go on: to the next question, or back to the summary after UBAH."""
    talk.scratch.offer = None
    talk.answers.update(outcome.values)
    talk.scratch.history.append(state)
    following = outcome.skip_to or STEPS[state].next
    until, order = talk.scratch.edit_until, list(STEPS)
    if until and (following not in order or order.index(following) > order.index(until)):
        talk.scratch.edit_until, following = None, B.SUMMARY
    talk.go(following)


def _read_step(state: str) -> Callable[[Talk, str], None]:
    return lambda talk, text: answer(talk, state, STEPS[state].parse(talk.turn(text)))


def _read_when(talk: Talk, text: str) -> None:
    """The time, and where to meet when the answer says so ("senin jam 10 tatap muka"): that
    stays with the booking until said otherwise ("zoom aja")."""
    channel, rest = channel_in(text)
    if channel is not None:
        talk.answers["channel"] = channel
        if not rest:
            talk.say(f"channel_noted.{channel}")
            talk.ask()
            return
        text = rest
    answer(talk, B.WHEN, STEPS[B.WHEN].parse(talk.turn(text)))


def _ask_step(step: Step) -> Callable[[Talk], None]:
    def ask(talk: Talk) -> None:
        if step.choices:
            talk.ask_from(step.choices.table, step.ask, step.choices)
        else:
            talk.say(step.ask, options="")

    return ask


def _read_confirm(talk: Talk, text: str) -> None:
    pending, talk.scratch.pending = talk.scratch.pending, None
    said = yes_no(text)
    if said is True:
        store(talk, pending.step, Accept(pending.values))
    elif said is False:
        if pending.on_no:
            talk.texts.append(pending.on_no)
        talk.go(pending.step)
    else:  # a new answer instead of YA / TIDAK
        talk.state = pending.step
        answer(talk, pending.step, STEPS[pending.step].parse(talk.turn(text)))


# --- the summary, UBAH, the known details, drafts --------------------------------------------


def summary_intent(text: str) -> str | None:
    """YA (send it), UBAH (change something) or None, at the summary. A change is read first:
    "mau ubah" is a change, never a yes; "salah" and "ga bener" mean something is wrong."""
    word, said = fold(text), yes_no(text)
    if word in CHANGE or has_any(text, CHANGE_PHRASES) or said is False:
        return "UBAH"
    if said is True or word in SEND:
        return "YA"
    return None


def _read_summary(talk: Talk, text: str) -> None:
    said = summary_intent(text)
    if said == "UBAH":
        talk.scratch.history.append(B.SUMMARY)
        if (key := _named_item(text)) is not None:
            _edit(talk, key)
            return
        talk.go(B.EDIT)
    elif said == "YA":
        if _start_gone(talk):
            return
        talk.effects.append(SubmitBooking(dict(talk.answers)))
        talk.state, talk.answers, talk.scratch = Home.MENU, {}, Scratch()
    else:
        talk.say("summary_choice")


def _start_gone(talk: Talk) -> bool:
    """A resumed draft's time may have passed or filled up: ask for a new one."""
    start = datetime.fromisoformat(talk.answers["start"])
    today = talk.ctx.now.astimezone(WIB).date()
    turn = talk.turn("")
    refusal = talk.ctx.calendar.slot_refusal(start, today, *slot_topic(turn))
    if refusal is None:
        return False
    talk.scratch.edit_until, talk.state = B.WHEN, B.WHEN
    day = start.astimezone(WIB).date()
    reason = [refusal_line(refusal, day, talk.lang, talk.ctx.calendar.hours)]
    answer(talk, B.WHEN, offer_nearest(turn, start, 0, reason))
    return True


def _named_item(text: str) -> str | None:
    """The item a reply names in words ("ubah nama narahubung" is the contact, not the
    cooperative's name): the longest of the items' words found in it, "-nya" or not
    ("jamnya salah")."""
    words = [word.removesuffix("nya") or word for word in plain(text).split() if word != "nya"]
    return longest_within(" ".join(words), EDIT_CHOICES.vocabulary)


def edit_item(text: str) -> str | None:
    """Which item to change: named in words, else by its number or a near spelling. At the
    summary only words count ("ubah 2" is too easily something else)."""
    return _named_item(text) or EDIT_CHOICES.pick(text)


def _read_edit(talk: Talk, text: str) -> None:
    key = edit_item(text)
    if key is None:
        talk.say("bad_choice", count=len(EDIT_CHOICES))
        talk.ask()
        return
    talk.scratch.history.append(B.EDIT)
    _edit(talk, key)


def _edit(talk: Talk, key: str) -> None:
    first, last = EDIT_ITEMS[key]
    talk.scratch.edit_until = last
    talk.go(first)


def start(talk: Talk) -> None:
    """A new booking: with the details of last time when there are some."""
    talk.answers, talk.scratch = {}, Scratch()
    talk.go(B.USE_KNOWN if talk.ctx.known else B.COOP_NAME)


def _read_use_known(talk: Talk, text: str) -> None:
    if (said := talk.yes_or_no(text)) is None:
        return
    talk.scratch.history.append(B.USE_KNOWN)
    if said:
        known = talk.ctx.known or {}
        talk.answers.update({key: known[key] for key in KNOWN_FIELDS if key in known})
        talk.go(B.TOPIC)
    else:
        talk.go(B.COOP_NAME)


def save_draft(talk: Talk) -> None:
    """Keep an unfinished booking aside so it can be resumed later."""
    state = talk.scratch.pending.step if talk.state == B.CONFIRM else talk.state
    kept = talk.scratch.copy()
    kept.offer = kept.pending = kept.draft = None
    talk.answers, talk.scratch = {}, Scratch(draft=Draft(state, talk.answers, kept))


def _read_resume(talk: Talk, text: str) -> None:
    if (said := talk.yes_or_no(text)) is None:
        return
    draft, talk.scratch.draft = talk.scratch.draft, None
    if said and draft:
        talk.answers, talk.scratch = dict(draft.answers), draft.scratch
        talk.go(draft.state)
    else:
        talk.answers = {}
        talk.to_menu()


def _ask_resume(talk: Talk) -> None:
    draft = talk.scratch.draft
    talk.say("ask_resume", name=(draft.answers if draft else {}).get("coop_name", "E-Klinik"))


def _help_kecamatan(talk: Talk) -> None:
    talk.texts.append(kecamatan_list(talk.lang))


HELP: dict[str, Callable[[Talk], None]] = {B.KECAMATAN: _help_kecamatan}
READERS: dict[str, Callable[[Talk, str], None]] = {B.WHEN: _read_when}


def states() -> dict[str, State]:
    """The booking's states: one per question of STEPS, then the rest (read from the tables
    each time, so a new row of STEPS is a new question)."""
    questions = {
        state: State(_ask_step(step), READERS.get(state, _read_step(state)),
                     HELP.get(state, step.help), booking=True, resumable=True)
        for state, step in STEPS.items()
    }  # fmt: skip
    return {**questions, **OTHER_STATES}


OTHER_STATES: dict[str, State] = {
    B.CONFIRM: State(lambda talk: talk.say(talk.scratch.pending.key, **talk.scratch.pending.params),
                     _read_confirm, booking=True, resumable=True, buttons="yes_no"),
    B.SUMMARY: State(lambda talk: talk.say("summary", lines="\n".join(
        summary_lines(talk.answers, talk.lang))), _read_summary, booking=True, resumable=True,
        buttons="summary"),
    B.EDIT: State(lambda talk: talk.ask_from("edit", "ask_edit", EDIT_CHOICES),
                  _read_edit, booking=True, resumable=True),
    B.USE_KNOWN: State(lambda talk: talk.say("ask_use_known", lines="\n".join(
        summary_lines(talk.ctx.known or {}, talk.lang))), _read_use_known, booking=True,
        resumable=True, buttons="yes_no"),
    B.RESUME: State(_ask_resume, _read_resume, buttons="yes_no"),
}  # fmt: skip
