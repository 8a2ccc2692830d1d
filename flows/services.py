"""A service written down by staff rather than booked by chat: a walk-in registered by the
receptionist (console, `eklinik visit add`) or a past service from the paper records
(`eklinik visit import`). One reading of the fields serves all three, so a value the console
refuses is refused by the CLI and the import too, with the same words.

Pure: the fields come in as text (a form, the command line, a spreadsheet's row) and go out
as canonical values, or as the list of what is wrong with them.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time

from flows.catalogue import staff
from flows.choices import COOP_KINDS, PROBLEM_AREAS, ROLES, TOPICS, Choices
from flows.dates import WIB, parse_clock, parse_when, read_day
from flows.kecamatan import match_kecamatan
from flows.lifecycle import Channel, Outcome
from flows.model import NAME_LENGTH, PROBLEM_LENGTH
from flows.phone import normalize_phone
from flows.words import fold

NIK = re.compile(r"[0-9]{16}")
DEFAULT_ROLE = "pengurus"
PRESCRIPTION_LENGTH = 4000
VISIT_CLOCK = time(9, 0)  # a past service recorded with its day only

# The import's columns, in the template's order (docs/import-layanan.csv): (column, the field
# it fills, required).
COLUMNS = (
    ("tanggal", "at", True), ("saluran", "channel", True), ("koperasi", "cooperative", True),
    ("nomor_induk", "nik", False), ("jenis", "kind", False), ("kecamatan", "kecamatan", True),
    ("topik", "topic", True), ("bidang_masalah", "area", False), ("masalah", "problem", True),
    ("tenaga_ahli", "expert", False), ("narahubung", "contact", False),
    ("jabatan", "role", False), ("telepon", "phone", False), ("hasil", "outcome", False),
    ("resep", "prescription", False), ("kepuasan", "satisfaction", False),
    ("teratasi", "solved", False),
)  # fmt: skip


def column_key(header: str) -> str:
    """A header as people type it ("Nomor Induk", "bidang-masalah ") as the column's name."""
    return "_".join(fold(header).replace("-", " ").replace("_", " ").split())


def row_fields(row: Mapping[str, str]) -> dict[str, str]:
    """A row of the import (by column) as the fields `read_service` reads; the expert column
    holds a phone number or, on old paper records, a name."""
    fields = {field: row.get(column, "") for column, field, _required in COLUMNS}
    expert = fields.pop("expert").strip()
    digits = sum(ch.isdigit() for ch in expert)
    fields["expert_phone" if digits >= 8 else "expert_name"] = expert
    return fields


# How staff write a channel and an outcome on paper.
CHANNEL_WORDS = {
    Channel.ONLINE: ("online", "daring", "zoom", "e-klinik", "eklinik", "e klinik", "virtual"),
    Channel.OFFICE: ("office", "tatap muka", "tatapmuka", "luring", "offline", "kantor",
                     "kunjungan", "langsung", "walk-in", "walk in"),
}  # fmt: skip
OUTCOME_WORDS = {
    Outcome.HELD: ("held", "hadir", "selesai", "terlaksana", "ya", "sudah"),
    Outcome.NO_SHOW: ("no_show", "no-show", "tidak hadir", "tdk hadir", "absen", "batal"),
}  # fmt: skip
SOLVED_WORDS = {"ya": ("ya", "sudah", "teratasi", "yes", "solved"),
                "tidak": ("tidak", "belum", "no", "not solved", "belum teratasi")}  # fmt: skip


@dataclass(frozen=True)
class Service:
    """One service as staff wrote it down, read into canonical values."""

    cooperative: str
    kecamatan: str
    topic: str
    problem: str
    kind: str = ""  # flows.choices.COOP_KINDS; "" when not written down
    nik: str | None = None
    area: str = ""  # flows.choices.PROBLEM_AREAS; "" when not written down
    phone: str | None = None
    contact: str = ""
    role: str = DEFAULT_ROLE
    at: datetime | None = None  # None: now
    expert_phone: str | None = None
    expert_name: str = ""  # a past service: the expert as the paper names them
    channel: str = Channel.OFFICE
    outcome: str = Outcome.HELD
    prescription: str = ""
    satisfaction: int | None = None
    solved: bool | None = None


class Unreadable(Exception):
    """What is wrong with the fields, one sentence each (the staff catalogue's)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _words(text: str) -> str:
    return " ".join(fold(text).replace("_", " ").split())


def _choice(choices: Choices, text: str) -> str | None:
    """A key as written, or a word for it the list is sure of; never a bare number (a
    spreadsheet's "3" is no topic)."""
    if text in choices.words:
        return text
    if not text or text.strip().isdigit():
        return None
    key, sure = choices.read(text)
    return key if sure else None


def _word_table(table: Mapping[str, tuple[str, ...]], text: str) -> str | None:
    said = _words(text)
    for key, words in table.items():
        if said == _words(key) or said in {_words(word) for word in words}:
            return key
    return None


def _when(text: str, now: datetime, day_only: bool) -> datetime | None:
    """ISO 8601 ("2026-12-02T10:30", with or without its offset: WIB when none), or for a past
    service a day as staff write it ("02/12/2026", "2 Des 2025")."""
    try:
        found = datetime.fromisoformat(text.strip())
    except ValueError:
        found = None
    if found is not None:
        return found if found.tzinfo else found.replace(tzinfo=WIB)
    if day_only:
        day = read_day(text, now, past=True)
        return datetime.combine(day, VISIT_CLOCK, WIB) if day else None
    # the receptionist's words: "09.30", "jam 9.30" (today), "tadi pagi jam 8", "kemarin jam 14"
    if (clock := parse_clock(text)) is not None:
        return datetime.combine(now.astimezone(WIB).date(), clock, WIB)
    when = parse_when(text, now)
    if when is not None and when.time is not None:  # a later time is refused as not yet past
        return datetime.combine(when.date, when.time, WIB)
    return None


def read_service(fields: Mapping[str, str | None], now: datetime, past: bool = False) -> Service:
    """The fields of a walk-in (`past`: of a service from the paper records) read, or
    Unreadable with every problem found. Keys: cooperative, kecamatan, topic, problem, kind,
    nik, area, phone, contact, role, at, expert_phone; for a past service also expert_name,
    channel, outcome, prescription, satisfaction, solved."""
    get = {key: (value or "").strip() for key, value in fields.items()}
    problems: list[str] = []

    def problem(key: str, **values: object) -> None:
        problems.append(staff(f"service_bad.{key}", **values))

    cooperative = " ".join(get.get("cooperative", "").split())
    if not cooperative:
        problem("cooperative")
    elif len(cooperative) > NAME_LENGTH:
        problem("cooperative_long", longest=NAME_LENGTH)
    kecamatan = match_kecamatan(get.get("kecamatan", ""))
    if kecamatan is None:
        problem("kecamatan", given=get.get("kecamatan", "") or "-")
    topic = _choice(TOPICS, get.get("topic", ""))
    if topic is None:
        problem("topic", given=get.get("topic", "") or "-", keys=", ".join(TOPICS.words))
    problem_text = get.get("problem", "")
    shortest, longest = PROBLEM_LENGTH
    if not shortest <= len(problem_text) <= longest:
        problem("problem", shortest=shortest, longest=longest)
    kind = ""
    if get.get("kind") and (kind := _choice(COOP_KINDS, get["kind"]) or "") == "":
        problem("kind", given=get["kind"], keys=", ".join(COOP_KINDS.words))
    nik = re.sub(r"[\s.\-]", "", get.get("nik", "")) or None
    if nik is not None and not NIK.fullmatch(nik):
        problem("nik")
    area = ""
    if get.get("area") and (area := _choice(PROBLEM_AREAS, get["area"]) or "") == "":
        problem("area", given=get["area"], keys=", ".join(PROBLEM_AREAS.words))
    phone = None
    if get.get("phone") and (phone := normalize_phone(get["phone"])) is None:
        problem("phone", given=get["phone"])
    role = DEFAULT_ROLE
    if get.get("role") and (role := _choice(ROLES, get["role"]) or "") == "":
        problem("role", given=get["role"], keys=", ".join(ROLES.words))
    contact = " ".join(get.get("contact", "").split())
    if len(contact) > NAME_LENGTH:
        problem("contact_long", longest=NAME_LENGTH)
    at = None
    if get.get("at") and (at := _when(get["at"], now, day_only=past)) is None:
        problem("at", given=get["at"])
    elif past and at is None:
        problem("at_missing")
    elif at is not None and at > now:
        problem("at_future")
    expert_phone = None
    if get.get("expert_phone") and (expert_phone := normalize_phone(get["expert_phone"])) is None:
        problem("expert_phone", given=get["expert_phone"])
    elif not past and expert_phone is None and not get.get("expert_phone"):
        problem("expert_missing")
    channel, outcome, satisfaction, solved = Channel.OFFICE, Outcome.HELD, None, None
    if past:
        channel = _word_table(CHANNEL_WORDS, get.get("channel", ""))
        if channel is None:
            problem("channel", given=get.get("channel", "") or "-")
        outcome = _word_table(OUTCOME_WORDS, get["outcome"]) if get.get("outcome") else Outcome.HELD
        if outcome is None:
            problem("outcome", given=get["outcome"])
        if get.get("satisfaction"):
            text = get["satisfaction"].removesuffix(".0")
            satisfaction = int(text) if text.isdigit() and 1 <= int(text) <= 5 else None
            if satisfaction is None:
                problem("satisfaction", given=get["satisfaction"])
        solved = _word_table(SOLVED_WORDS, get["solved"]) if get.get("solved") else None
        if get.get("solved") and solved is None:
            problem("solved", given=get["solved"])
        if len(get.get("prescription", "")) > PRESCRIPTION_LENGTH:
            problem("prescription_long", longest=PRESCRIPTION_LENGTH)
    if problems:
        raise Unreadable(problems)
    return Service(
        cooperative=cooperative, kecamatan=kecamatan.name, topic=topic, problem=problem_text,
        kind=kind, nik=nik, area=area, phone=phone, contact=contact, role=role, at=at,
        expert_phone=expert_phone, expert_name=get.get("expert_name", ""), channel=channel,
        outcome=outcome, prescription=get.get("prescription", ""), satisfaction=satisfaction,
        solved={"ya": True, "tidak": False}.get(solved) if solved else None,
    )  # fmt: skip
