"""The experts' WhatsApp commands (pure: read from a message, no database here).

JADWAL [besok | <tanggal>] · RESEP EK-0042 [teks] · SELESAI EK-0042 · TIDAK HADIR EK-0042
A RESEP without text starts a prescription written over several messages, ended by KIRIM.
What each one does is bot/commands/expert.py; its help line and example, staff.toml.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from flows.admin import CODE, Mistyped, booking_code
from flows.dates import WIB, parse_when
from flows.words import closest, fold

NO_SHOW = re.compile(r"^\s*tidak\s+hadir\b", re.IGNORECASE)


class ExpertVerb(StrEnum):
    SCHEDULE = "schedule"
    PRESCRIBE = "prescribe"
    DONE = "done"
    NO_SHOW = "no_show"
    HELP = "help"


@dataclass(frozen=True)
class ExpertCommand:
    verb: ExpertVerb
    code: str | None = None
    day: date | None = None
    text: str | None = None


def read_expert_command(text: str, now: datetime, in_menu: bool) -> ExpertCommand | Mistyped | None:
    """A command, a mistyped one, or None (then the message goes through the normal menu)."""
    stripped = text.strip()
    words = stripped.split(maxsplit=1)
    if not words:
        return None
    first, rest = fold(words[0]), words[1] if len(words) > 1 else ""
    code = booking_code(stripped)
    if first == "jadwal" and in_menu:
        return _schedule(rest, now)
    if NO_SHOW.match(stripped):
        if code is None:
            return Mistyped(ExpertVerb.NO_SHOW, "no_code_short")
        return ExpertCommand(ExpertVerb.NO_SHOW, code)
    if first in ("resep", "selesai") and (code or in_menu):
        verb = ExpertVerb.PRESCRIBE if first == "resep" else ExpertVerb.DONE
        if code is None:
            return Mistyped(verb, "no_code")
        body = CODE.sub(" ", rest, count=1).strip() if verb == ExpertVerb.PRESCRIBE else None
        return ExpertCommand(verb, code, text=body or None)
    if first == "bantuan" and in_menu:
        return ExpertCommand(ExpertVerb.HELP)
    if code and (near := _near_verb(stripped)):  # "resp EK-0042 …": the example, never done
        return Mistyped(near[0], "near_verb", near[1][:30])
    return None


# Commands that change a session, by their first words: a near spelling gets the example.
CHANGING = {"resep": ExpertVerb.PRESCRIBE, "selesai": ExpertVerb.DONE,
            "tidak hadir": ExpertVerb.NO_SHOW, "tdk hadir": ExpertVerb.NO_SHOW,
            "gak hadir": ExpertVerb.NO_SHOW, "tidakhadir": ExpertVerb.NO_SHOW}  # fmt: skip


def _near_verb(text: str) -> tuple[ExpertVerb, str] | None:
    """The changing command a message's first words nearly spell, and those words."""
    written = CODE.split(text, maxsplit=1)[0].split()
    for size in (2, 1):
        said = fold(" ".join(written[:size]))
        if len(written) >= size and len(said) >= 4 and (near := closest(said, CHANGING, 0.75)):
            return CHANGING[near], " ".join(written[:size])
    return None


def _schedule(rest: str, now: datetime) -> ExpertCommand | Mistyped:
    today = now.astimezone(WIB).date()
    if not rest.strip() or fold(rest) in ("hari ini", "hariini", "today"):
        return ExpertCommand(ExpertVerb.SCHEDULE, day=today)
    if fold(rest) in ("besok", "bsk", "tomorrow"):
        return ExpertCommand(ExpertVerb.SCHEDULE, day=today + timedelta(days=1))
    when = parse_when(rest, now)
    if when is None:
        return Mistyped(ExpertVerb.SCHEDULE, "bad_date", rest.strip())
    return ExpertCommand(ExpertVerb.SCHEDULE, day=when.date)
