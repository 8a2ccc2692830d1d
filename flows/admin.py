"""The administrators' WhatsApp commands, read from a message (pure: no database here).

DAFTAR [halaman] · DETAIL EK-0042 · KONFIRMASI EK-0042 [tanggal jam] [url] [AHLI nama] ·
USUL EK-0042 <tanggal jam> · TOLAK EK-0042 <alasan> · TUTUP EK-0042 <alasan> ·
BALAS EK-0042|0812… <teks> · TANGANI EK-0042|0812… · BANTUAN
What each one does is bot/commands/admin.py; its help line and example, staff.toml.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from flows.dates import WIB, parse_when
from flows.phone import normalize_phone
from flows.words import closest, fold

CODE = re.compile(r"\bEK[\s\-]?(\d{1,6})\b", re.IGNORECASE)
URL = re.compile(r"\S+://\S+|\bwww\.\S+|\bzoom\.us/\S+", re.IGNORECASE)
EXPERT = re.compile(r"\bAHLI\b\s*(.*)$", re.IGNORECASE | re.DOTALL)



class Verb(StrEnum):
    LIST = "list"
    DETAIL = "detail"
    CONFIRM = "confirm"
    PROPOSE = "propose"
    DECLINE = "decline"
    CLOSE = "close"
    REPLY = "reply"
    TAKE = "take"
    HELP = "help"


# The commands that change something or send a message: they act only on an exact verb.
CHANGES = frozenset({Verb.CONFIRM, Verb.PROPOSE, Verb.DECLINE, Verb.CLOSE, Verb.REPLY,
                     Verb.TAKE})  # fmt: skip

# The words that name each command (a near spelling counts when a booking code follows; for
# a command that changes something it only brings the right example).
VERBS = {
    "daftar": Verb.LIST, "list": Verb.LIST, "antrian": Verb.LIST,
    "detail": Verb.DETAIL, "rincian": Verb.DETAIL,
    "konfirmasi": Verb.CONFIRM, "konfirm": Verb.CONFIRM, "confirm": Verb.CONFIRM,
    "setujui": Verb.CONFIRM,
    "usul": Verb.PROPOSE, "usulkan": Verb.PROPOSE, "usulan": Verb.PROPOSE,
    "propose": Verb.PROPOSE,
    "tolak": Verb.DECLINE, "decline": Verb.DECLINE,
    "tutup": Verb.CLOSE, "close": Verb.CLOSE,
    "balas": Verb.REPLY, "jawab": Verb.REPLY, "reply": Verb.REPLY,
    "tangani": Verb.TAKE, "take": Verb.TAKE,
    "bantuan": Verb.HELP, "help": Verb.HELP,
}  # fmt: skip
# How each command that changes something is written (what a near miss is offered as).
WRITTEN = {Verb.CONFIRM: "KONFIRMASI", Verb.PROPOSE: "USUL", Verb.DECLINE: "TOLAK",
           Verb.CLOSE: "TUTUP", Verb.REPLY: "BALAS", Verb.TAKE: "TANGANI"}  # fmt: skip
# Commands that carry a reason, and those that carry a time.
WITH_REASON = {Verb.DECLINE, Verb.CLOSE}
# Commands about a cooperative's thread: named by a booking code or by the number itself.
ABOUT_A_NUMBER = {Verb.REPLY, Verb.TAKE}

@dataclass(frozen=True)
class Command:
    verb: Verb
    code: str | None = None
    page: int = 1
    start: datetime | None = None
    url: str | None = None
    expert: str | None = None
    reason: str | None = None
    expert_id: int | None = None  # the console picks from a list
    phone: str | None = None  # BALAS and TANGANI name a number instead of a code
    text: str | None = None  # what BALAS sends


@dataclass(frozen=True)
class Mistyped:
    """A command we recognised but could not read: say why and show the right example.

    `why` is a key of the staff catalogue's [mistyped] table; `text` fills its {text}."""

    verb: str
    why: str
    text: str = ""
    meant: str = ""  # a near miss: the command it would be, written right, when that reads


def booking_code(text: str) -> str | None:
    """The booking code a message names ("ek 42", "EK-0042"), written as EK-0042."""
    found = CODE.search(text)
    return f"EK-{int(found[1]):04d}" if found else None


def _verb(first_word: str) -> tuple[Verb | None, bool]:
    """The command a first word names, and whether it was spelled exactly."""
    word = fold(first_word)
    if word in VERBS:
        return VERBS[word], True
    near = closest(word, VERBS, cutoff=0.75) if len(word) >= 4 else None
    return (VERBS[near], False) if near else (None, False)


def read_command(text: str, now: datetime, in_menu: bool) -> Command | Mistyped | None:
    """A command, a mistyped command, or None when the message is not meant as one.

    Outside the menu (an administrator in the middle of booking for themselves), only a
    message naming a booking code counts as a command, so "bantuan" still helps with the
    question at hand.
    """
    text = TAKING.sub("", text.strip(), count=1)  # "saya tangani EK-0042"
    words = text.split(maxsplit=1)
    if not words:
        return None
    verb, exact = _verb(words[0])
    rest = words[1] if len(words) > 1 else ""
    code = booking_code(rest)
    if verb in ABOUT_A_NUMBER and exact:
        return _about_a_number(verb, rest)
    if verb is None and code is not None and in_menu:  # "hapus EK-0005": the commands there are
        return Command(Verb.HELP, reason=words[0][:30])
    if verb is None or (not exact and code is None) or (not in_menu and code is None):
        return None
    if not exact and verb in CHANGES:  # "tolk EK-0099 tes": asked about, never done as it is
        meant = f"{WRITTEN[verb]} {rest}".strip()
        readable = isinstance(read_command(meant, now, in_menu=True), Command)
        return Mistyped(verb, "near_verb", words[0][:30], meant if readable else "")
    if verb == Verb.HELP:
        return Command(Verb.HELP)
    if verb == Verb.LIST:
        page = fold(rest)
        return Command(Verb.LIST, page=int(page)) if page.isdigit() else Command(Verb.LIST)
    if code is None:
        return Mistyped(verb, "no_code")
    after = CODE.sub(" ", rest, count=1).strip()
    if verb == Verb.DETAIL:
        return Command(Verb.DETAIL, code)
    if verb in WITH_REASON:
        return with_reason(verb, code, after)
    return _with_time(verb, code, after, now)


TAKING = re.compile(r"^saya\s+(?=tangani\b)", re.IGNORECASE)
LEADING_CODE = re.compile(r"^\s*EK[\s\-]?(\d{1,6})\b[\s:,.\-]*", re.IGNORECASE)
DIGITS = re.compile(r"^\+?[\d\-.]+$")


def leading_phone(text: str) -> tuple[str | None, str]:
    """A phone number at the start of `text` ("0812 3456 7890 Baik, …") and what follows.
    A number may be written in groups; a group of fewer than three digits after the first
    is the message's own ("0812… 10 orang")."""
    words = text.split()
    found, used = None, 0
    for count in range(1, min(len(words), 5) + 1):
        token = words[count - 1]
        digits = sum(ch.isdigit() for ch in token)
        if not DIGITS.match(token) or (count > 1 and digits < 3):
            break
        if (phone := normalize_phone(" ".join(words[:count]))) and len(phone) >= 11:
            found, used = phone, count
    return found, " ".join(words[used:]) if found else text.strip()


def _about_a_number(verb: Verb, rest: str) -> Command | Mistyped:
    """BALAS / TANGANI with a booking code or a number; BALAS with the text to send."""
    code, phone = None, None
    if found := LEADING_CODE.match(rest):
        code, rest = f"EK-{int(found[1]):04d}", rest[found.end() :]
    else:
        phone, rest = leading_phone(rest)
    if code is None and phone is None:
        return Mistyped(verb, "no_target")
    if verb == Verb.TAKE:
        return Command(verb, code, phone=phone)
    if not rest.strip():
        return Mistyped(verb, "no_text")
    return Command(verb, code, phone=phone, text=rest.strip())


REASON_LENGTH = (3, 300)  # a decline's or a closed case's reason, told to the cooperative


def with_reason(verb: Verb, code: str, reason: str) -> Command | Mistyped:
    """TOLAK or TUTUP with its reason (from WhatsApp or a console form), or what is wrong."""
    shortest, longest = REASON_LENGTH
    if len(reason) < shortest:
        return Mistyped(verb, "no_reason")
    if len(reason) > longest:
        return Mistyped(verb, "long_reason", str(len(reason)))
    return Command(verb, code, reason=reason)


def _with_time(verb: Verb, code: str, text: str, now: datetime) -> Command | Mistyped:
    expert = None
    if found := EXPERT.search(text):
        expert, text = found[1].strip(), text[: found.start()]
        if not expert:
            return Mistyped(verb, "no_expert_name")
    url = None
    if found := URL.search(text):
        url, text = found[0], (text[: found.start()] + " " + text[found.end() :])
        if verb == Verb.PROPOSE:
            return Mistyped(verb, "link_in_proposal")
    start = None
    if text.strip():
        when = parse_when(text, now)
        if when is None or when.time is None:
            return Mistyped(verb, "bad_time", text.strip())
        start = datetime.combine(when.date, when.time, WIB)
    if verb == Verb.PROPOSE and start is None:
        return Mistyped(verb, "no_time")
    return Command(verb, code, start=start, url=url, expert=expert)
