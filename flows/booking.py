"""The booking questions, declared as data: question, parser, where the answer goes, what's next."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from flows.calendar import (
    ClinicHours,
    Refusal,
    format_clock,
    format_date,
    format_day,
    format_start,
    hours_params,
    weekday_name,
)
from flows.catalogue import names, say
from flows.choices import COOP_KINDS, PROBLEM_AREAS, ROLES, TOPICS, Choices
from flows.dates import WIB, When, parse_clock, parse_when, weekday_mismatch
from flows.kecamatan import KECAMATAN, match_kecamatan
from flows.model import Context, S
from flows.words import fold, squash


@dataclass(frozen=True)
class Turn:
    text: str
    lang: str
    ctx: Context
    answers: dict[str, Any]


@dataclass(frozen=True)
class Accept:
    values: dict[str, Any]
    skip_to: S | None = None


@dataclass(frozen=True)
class Reject:
    """Say why, then the question again (unless the lines already ask something)."""

    lines: list[str]
    keep: dict[str, Any] = field(default_factory=dict)
    ask_again: bool = True


@dataclass(frozen=True)
class Confirm:
    """Ask YA/TIDAK before storing `values`; `on_no` is said before the question again."""

    key: str
    params: dict[str, str]
    values: dict[str, Any]
    on_no: str | None = None


Outcome = Accept | Reject | Confirm
Parser = Callable[[Turn], Outcome]


@dataclass(frozen=True)
class Step:
    ask: str
    parse: Parser
    next: S
    help: str | None = None
    choices: Choices | None = None  # the numbered list the question shows


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _name(text: str) -> str | None:
    value = _clean(text)
    if not 2 <= len(value) <= 120 or not any(ch.isalpha() for ch in value):
        return None
    return value.title() if value.islower() else value


def parse_coop_name(turn: Turn) -> Outcome:
    value = _name(turn.text)
    if value is None:
        return Reject([say("bad_coop_name", turn.lang)])
    return Accept({"coop_name": value})


NO_NIK = {"belum", "belumada", "blmada", "blm", "tidakada", "tdkada", "gaada", "nggakada",
          "gakada", "none", "no", "nothing", "notyet", "tidak", "tdk", "kosong", "na"}  # fmt: skip


def parse_nik(turn: Turn) -> Outcome:
    key = squash(turn.text)
    if key in NO_NIK or turn.text.strip() == "-":
        return Accept({"nik": None})
    digits = re.sub(r"[\s.\-]", "", turn.text)
    if digits.isdigit() and len(digits) == 16:
        return Accept({"nik": digits})
    return Reject([say("bad_nik", turn.lang)])


def choice(options: Choices, field_name: str) -> Parser:
    def parse(turn: Turn) -> Outcome:
        key = options.pick(turn.text)
        if key is None:
            return Reject([say("bad_choice", turn.lang, count=len(options))])
        return Accept({field_name: key})

    return parse


def parse_kecamatan(turn: Turn) -> Outcome:
    found = match_kecamatan(turn.text)
    if found and found.exact:
        return Accept({"kecamatan": found.name, "in_regency": True})
    if found:
        return Confirm(
            "confirm_kecamatan", {"name": found.name}, {"kecamatan": found.name, "in_regency": True}
        )
    place = _name(turn.text)
    if place is None or len(place) > 80:
        return Reject([kecamatan_list(turn.lang)])
    return Confirm(
        "confirm_outside",
        {"name": place},
        {"kecamatan": place, "in_regency": False},
        on_no=kecamatan_list(turn.lang),
    )


def kecamatan_list(lang: str) -> str:
    return say("kecamatan_list", lang, names=", ".join(KECAMATAN))


_ROLE_SPLIT = re.compile(r"\s*[,/()\-–]\s*")


def parse_contact_name(turn: Turn) -> Outcome:
    """A name, or "name, role" in one message (then the role question is skipped)."""
    parts = [part for part in _ROLE_SPLIT.split(turn.text.strip()) if part]
    if len(parts) >= 2:
        role = _exact_option(parts[-1], ROLES)
        if role and (name := _name(" ".join(parts[:-1]))):
            return Accept({"contact_name": name, "contact_role": role}, skip_to=S.TOPIC)
    value = _name(turn.text)
    if value is None:
        return Reject([say("bad_person_name", turn.lang)])
    return Accept({"contact_name": value})


def _exact_option(text: str, options: Choices) -> str | None:
    wanted = squash(text)
    for key, words in options.vocabulary.items():
        if wanted in {squash(word) for word in words}:
            return key
    return None


def parse_problem_text(turn: Turn) -> Outcome:
    value = turn.text.strip()
    if len(value) < 10:
        return Reject([say("bad_problem_short", turn.lang, length=len(value))])
    if len(value) > 1000:
        return Reject([say("bad_problem_long", turn.lang, length=len(value))])
    return Accept({"problem_text": value})


# --- the preferred time -------------------------------------------------------------------------

MORE = {"lain", "lainnya", "yang lain", "more", "other", "others", "next"}
PART_HOURS = {"pagi": (0, 11), "siang": (11, 14), "sore": (14, 24), "malam": (17, 24)}
PART_WANTED = {"pagi": time(9), "siang": time(12), "sore": time(15), "malam": time(15)}
OFFER_KEYS = ("_offer", "_offer_day", "_offer_wanted", "_offer_skip")


def refusal_line(refusal: Refusal, day: date, lang: str, hours: ClinicHours) -> str:
    return say(
        f"refuse_{refusal.reason}",
        lang,
        day=format_day(day, lang),
        detail=refusal.detail,
        **hours_params(hours),
    )


def slot_topic(answers: dict[str, Any]) -> tuple[str | None, str | None]:
    """The topic a time is for, and the booking (being moved) whose own hold to ignore."""
    return answers.get("topic") or answers.get("_topic"), answers.get("_code")


def _numbered(lines: list[str]) -> str:
    return "\n".join(f"{number}. {line}" for number, line in enumerate(lines, 1))


def offer_nearest(turn: Turn, wanted: datetime, skip: int, reason: list[str]) -> Reject:
    today = turn.ctx.now.astimezone(WIB).date()
    topic, exclude = slot_topic(turn.answers)
    options = turn.ctx.calendar.nearest(wanted, today, skip=skip, topic=topic, exclude=exclude)
    if not options:
        days = turn.ctx.calendar.hours.horizon_days
        return Reject([*reason, say("offer_none", turn.lang, days=days)], ask_again=False)
    listing = _numbered([format_start(start, turn.lang) for start in options])
    keep = {
        "_offer": [start.isoformat() for start in options],
        "_offer_wanted": wanted.isoformat(),
        "_offer_skip": skip,
        "_offer_day": None,
    }
    text = say("offer_nearest", turn.lang, options=listing)
    return Reject([*reason, text], keep=keep, ask_again=False)


def _offer_day(turn: Turn, when: When) -> Reject | None:
    today = turn.ctx.now.astimezone(WIB).date()
    starts = turn.ctx.calendar.free_starts(when.date, today, *slot_topic(turn.answers))
    if when.part:
        low, high = PART_HOURS[when.part]
        starts = [start for start in starts if low <= start.hour < high] or starts
    if not starts:
        return None
    listing = _numbered([format_clock(start) + " WIB" for start in starts[:10]])
    keep = {"_offer": [s.isoformat() for s in starts[:10]], "_offer_day": when.date.isoformat()}
    text = say("offer_day", turn.lang, day=format_day(when.date, turn.lang), options=listing)
    return Reject([text], keep=keep, ask_again=False)


def _from_offer(turn: Turn) -> Outcome | None:
    offer = turn.answers.get("_offer")
    folded = fold(turn.text)
    if not offer:
        return None
    if folded.isdigit():
        index = int(folded) - 1
        if 0 <= index < len(offer):
            return Accept({"start": offer[index]})
        return Reject([say("bad_choice", turn.lang, count=len(offer))], ask_again=False)
    if folded in MORE and turn.answers.get("_offer_wanted"):
        wanted = datetime.fromisoformat(turn.answers["_offer_wanted"])
        return offer_nearest(turn, wanted, turn.answers.get("_offer_skip", 0) + 3, [])
    return None


def parse_start(turn: Turn) -> Outcome:
    if chosen := _from_offer(turn):
        return chosen
    now = turn.ctx.now
    today = now.astimezone(WIB).date()
    when = parse_when(turn.text, now)
    if when is None:
        clock = parse_clock(turn.text)
        if clock and turn.answers.get("_offer_day"):
            when = When(date.fromisoformat(turn.answers["_offer_day"]), clock)
        elif clock:
            return Reject(
                [say("when_needs_day", turn.lang, clock=format_clock(clock))], ask_again=False
            )
        elif mismatch := weekday_mismatch(turn.text, now):
            day, said = mismatch
            line = say(
                "weekday_mismatch",
                turn.lang,
                date=format_date(day, turn.lang),
                actual=weekday_name(day.weekday(), turn.lang),
                said=weekday_name(said, turn.lang),
            )
            return Reject([line], ask_again=False)
        else:
            return Reject(
                [say("bad_when", turn.lang), say("help_when", turn.lang)], ask_again=False
            )
    calendar = turn.ctx.calendar
    if when.time is None:
        refusal = calendar.day_refusal(when.date, today)
        if refusal is None and (offer := _offer_day(turn, when)):
            return offer
        wanted = datetime.combine(when.date, PART_WANTED.get(when.part or "", time(9)), WIB)
        refusal = refusal or Refusal("day_full")
        reason = [refusal_line(refusal, when.date, turn.lang, calendar.hours)]
        return offer_nearest(turn, wanted, 0, reason)
    start = datetime.combine(when.date, when.time, WIB)
    refusal = calendar.slot_refusal(start, today, *slot_topic(turn.answers))
    if refusal is None:
        return Accept({"start": start.isoformat()})
    reason = [refusal_line(refusal, when.date, turn.lang, calendar.hours)]
    return offer_nearest(turn, start, 0, reason)


STEPS: dict[S, Step] = {
    S.COOP_NAME: Step("ask_coop_name", parse_coop_name, S.NIK),
    S.NIK: Step("ask_nik", parse_nik, S.COOP_KIND, help="help_nik"),
    S.COOP_KIND: Step("ask_coop_kind", choice(COOP_KINDS, "coop_kind"), S.KECAMATAN,
                      choices=COOP_KINDS),
    S.KECAMATAN: Step("ask_kecamatan", parse_kecamatan, S.CONTACT_NAME),
    S.CONTACT_NAME: Step("ask_contact_name", parse_contact_name, S.CONTACT_ROLE),
    S.CONTACT_ROLE: Step("ask_contact_role", choice(ROLES, "contact_role"), S.TOPIC,
                         choices=ROLES),
    S.TOPIC: Step("ask_topic", choice(TOPICS, "topic"), S.PROBLEM_AREA, choices=TOPICS),
    S.PROBLEM_AREA: Step("ask_problem_area", choice(PROBLEM_AREAS, "problem_area"), S.PROBLEM_TEXT,
                         choices=PROBLEM_AREAS),
    S.PROBLEM_TEXT: Step("ask_problem_text", parse_problem_text, S.WHEN, help="help_problem_text"),
    S.FOLLOW_UP: Step("ask_follow_up", parse_problem_text, S.WHEN, help="help_problem_text"),
    S.WHEN: Step("ask_when", parse_start, S.SUMMARY, help="help_when"),
}
ORDER = list(STEPS)

# UBAH: which item, and the first and last question that change it.
EDIT_ITEMS: dict[str, tuple[S, S]] = {
    "coop_name": (S.COOP_NAME, S.COOP_NAME),
    "nik": (S.NIK, S.NIK),
    "coop_kind": (S.COOP_KIND, S.COOP_KIND),
    "kecamatan": (S.KECAMATAN, S.KECAMATAN),
    "contact": (S.CONTACT_NAME, S.CONTACT_ROLE),
    "topic": (S.TOPIC, S.TOPIC),
    "problem": (S.PROBLEM_AREA, S.PROBLEM_TEXT),
    "start": (S.WHEN, S.WHEN),
}
EDIT_CHOICES = Choices("edit", {
    "coop_name": ("nama", "koperasi", "name"),
    "nik": ("nik", "nomor induk"),
    "coop_kind": ("jenis", "kind", "type"),
    "kecamatan": ("kecamatan", "kec", "alamat"),
    "contact": ("narahubung", "kontak", "contact", "jabatan"),
    "topic": ("topik", "topic"),
    "problem": ("masalah", "problem"),
    "start": ("jadwal", "waktu", "tanggal", "jam", "time", "date"),
})  # fmt: skip

KNOWN_FIELDS = ("coop_name", "nik", "coop_kind", "kecamatan", "in_regency", "contact_name",
                "contact_role")  # fmt: skip
BOOKING_FIELDS = (*KNOWN_FIELDS, "topic", "problem_area", "problem_text", "start", "case_id")


def summary_lines(answers: dict[str, Any], lang: str) -> list[str]:
    """The answers so far, one line each, as the summary and the "use known data" offer show."""
    label = names("summary_label", lang)
    lines = []
    if "coop_name" in answers:
        lines.append(f"{label['coop']}: {answers['coop_name']}")
    if "nik" in answers:
        lines.append(f"{label['nik']}: {answers['nik'] or label['no_nik']}")
    if "coop_kind" in answers:
        lines.append(f"{label['kind']}: {COOP_KINDS.label(answers['coop_kind'], lang)}")
    if "kecamatan" in answers:
        where = "" if answers.get("in_regency", True) else f" ({label['outside']})"
        lines.append(f"{label['kecamatan']}: {answers['kecamatan']}{where}")
    if "contact_name" in answers:
        role = ROLES.label(answers["contact_role"], lang) if answers.get("contact_role") else ""
        contact = f"{label['contact']}: {answers['contact_name']}"
        lines.append(contact + (f" ({role})" if role else ""))
    if "topic" in answers:
        lines.append(f"{label['topic']}: {TOPICS.label(answers['topic'], lang)}")
    if "problem_text" in answers:
        area = PROBLEM_AREAS.label(answers.get("problem_area", ""), lang)
        lines.append(f"{label['problem']}: {area} — {answers['problem_text']}")
    if "start" in answers:
        when = format_start(datetime.fromisoformat(answers["start"]), lang)
        lines.append(f"{label['start']}: {when}")
    return lines
