"""The experts' WhatsApp commands (pure: read from a message, no database here).

JADWAL [besok | <tanggal>] · RESEP EK-0042 [teks] · SELESAI EK-0042 · TIDAK HADIR EK-0042
A RESEP without text starts a prescription written over several messages, ended by KIRIM.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flows.admin import CODE, Mistyped, booking_code
from flows.dates import WIB, parse_when
from flows.words import fold

NO_SHOW = re.compile(r"^\s*tidak\s+hadir\b", re.IGNORECASE)


@dataclass(frozen=True)
class ExpertCommand:
    verb: str  # schedule, prescribe, done, no_show, help
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
        return ExpertCommand("no_show", code) if code else Mistyped("no_show", "no_code_short")
    if first in ("resep", "selesai") and (code or in_menu):
        verb = "prescribe" if first == "resep" else "done"
        if code is None:
            return Mistyped(verb, "no_code")
        body = CODE.sub(" ", rest, count=1).strip() if verb == "prescribe" else None
        return ExpertCommand(verb, code, text=body or None)
    if first == "bantuan" and in_menu:
        return ExpertCommand("help")
    return None


def _schedule(rest: str, now: datetime) -> ExpertCommand | Mistyped:
    today = now.astimezone(WIB).date()
    if not rest.strip() or fold(rest) in ("hari ini", "hariini", "today"):
        return ExpertCommand("schedule", day=today)
    if fold(rest) in ("besok", "bsk", "tomorrow"):
        return ExpertCommand("schedule", day=today + timedelta(days=1))
    when = parse_when(rest, now)
    if when is None:
        return Mistyped("schedule", "bad_date", rest.strip())
    return ExpertCommand("schedule", day=when.date)


def split_message(text: str, limit: int = 1500) -> list[str]:
    """WhatsApp takes 1,600 characters a message: longer text goes in numbered parts."""
    if len(text) <= limit:
        return [text]
    parts, rest = [], text
    while rest:
        if len(rest) <= limit:
            parts.append(rest)
            break
        cut = rest.rfind("\n", 0, limit)
        cut = cut if cut > limit // 2 else rest.rfind(" ", 0, limit)
        cut = cut if cut > limit // 2 else limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return [f"({number}/{len(parts)}) {part}" for number, part in enumerate(parts, 1)]
