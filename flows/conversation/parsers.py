"""Reading the booking's answers: names, the Nomor Induk, the kecamatan, the contact, the
problem. Each parser takes a Turn and returns Accept, Reject or Confirm (flows/conversation/
steps.py); the time has its own module, when.py."""

import re

from flows.catalogue import say
from flows.chat import has_any, yes_no
from flows.choices import ROLES, Choices
from flows.conversation.steps import Accept, Confirm, Outcome, Reject
from flows.conversation.talk import Turn
from flows.kecamatan import KECAMATAN, KecamatanMatch, match_kecamatan
from flows.model import NAME_LENGTH, PROBLEM_LENGTH
from flows.words import count, fold, squash


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _name(text: str) -> str | None:
    value = _clean(text)
    if not 2 <= len(value) <= NAME_LENGTH or not any(ch.isalpha() for ch in value):
        return None
    return value.title() if value.islower() else value


# What people write before the name itself: "nama koperasinya …", "koperasi kami …".
_COOP_NAME_LEAD = re.compile(
    r"^\s*(?:nama\s+(?:koperasi(?:nya)?|kop)(?:\s+(?:kami|saya))?|koperasi\s+(?:kami|saya)|"
    r"kami\s+dari|namanya)(?:\s+(?:adalah|yaitu|ialah))?\s*[:\-]?\s*", re.IGNORECASE)


def parse_coop_name(turn: Turn) -> Outcome:
    """The name as written, emoji left out, without "nama koperasinya"; a bare yes or no
    ("ya", "ok") is not a name."""
    value = _name(clean_text_for_names(_COOP_NAME_LEAD.sub("", turn.text)))
    if value is None or yes_no(turn.text) is not None:
        return Reject([say("bad_coop_name", turn.lang)])
    return Accept({"coop_name": value})


# The ways to say "not yet": read plain within the reply ("blm", "gak ada", "Belum ada pak 🙏",
# "lagi diurus"), or as the whole reply run together ("gaada", "belumada").
NOT_YET = frozenset({"belum", "belum ada", "tidak", "tidak ada", "tidak punya", "belum punya",
                     "lagi diurus", "sedang diurus", "masih diurus", "masih proses",
                     "dalam proses", "proses", "kosong", "none", "no", "nothing", "not yet", "na",
                     "gaada", "gakada", "nggakada", "tdkada", "blmada", "nanti", "menyusul",
                     "skip", "lewati", "lewat", "tidak tahu", "tidak tau", "lupa",
                     "belakangan"})  # fmt: skip
_NOT_YET_SQUASHED = frozenset(squash(phrase) for phrase in NOT_YET)
_NIK_RUN = re.compile(r"(?<![0-9])[0-9](?:[\s.\-]?[0-9]){15}(?![0-9])")


def parse_nik(turn: Turn) -> Outcome:
    """A 16-digit run anywhere ("NIK 3603…", "ada, 3603…", "3603-1234-…"), or "not yet"."""
    if found := _NIK_RUN.search(turn.text):
        return Accept({"nik": re.sub(r"[\s.\-]", "", found[0])})
    if (squash(turn.text) in _NOT_YET_SQUASHED or turn.text.strip() == "-"
            or has_any(turn.text, NOT_YET)):  # fmt: skip
        return Accept({"nik": None})
    return Reject([say("bad_nik", turn.lang)])


# The regency (or city) itself, not one of its kecamatan: ask again, never "outside".
REGENCY_NAMES = frozenset({"tangerang", "kabupaten tangerang", "kab tangerang", "kota tangerang",
                           "tangerang selatan", "tangsel", "banten"})  # fmt: skip
_KEYBOARD = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890")


def _could_be_a_place(text: str) -> bool:
    """Not the regency's own name, not a run of keys ("asdfg"), something with vowels."""
    folded = squash(text)
    if fold(text) in REGENCY_NAMES or folded in {squash(n) for n in REGENCY_NAMES}:
        return False
    if any(folded[i:i + 4] in row for row in _KEYBOARD for i in range(len(folded) - 3)):
        return False
    return any(vowel in folded for vowel in "aiueo")


def kecamatan_list(lang: str) -> str:
    return say("kecamatan_list", lang, names=", ".join(KECAMATAN))


def _kecamatan_within(text: str) -> KecamatanMatch | None:
    """A kecamatan named exactly among other words ("Desa Bojong, Cikupa")."""
    words = fold(text).split()
    for width in (3, 2, 1):
        for start in range(len(words) - width + 1):
            found = match_kecamatan(" ".join(words[start:start + width]))
            if found and found.exact:
                return found
    return None


def parse_kecamatan(turn: Turn) -> Outcome:
    found = match_kecamatan(turn.text)
    if not (found and found.exact):
        found = _kecamatan_within(turn.text) or found
    if found and found.exact:
        return Accept({"kecamatan": found.name, "in_regency": True})
    if found:
        return Confirm(
            "confirm_kecamatan", {"name": found.name}, {"kecamatan": found.name, "in_regency": True}
        )
    place = _name(turn.text)
    if place is None or len(place) > 80 or not _could_be_a_place(place):
        return Reject([kecamatan_list(turn.lang)])
    return Confirm(
        "confirm_outside",
        {"name": place},
        {"kecamatan": place, "in_regency": False},
        on_no=kecamatan_list(turn.lang),
    )


def _exact_option(text: str, options: Choices) -> str | None:
    wanted = squash(text)
    for key, words in options.vocabulary.items():
        if wanted in {squash(word) for word in words}:
            return key
    return None


# Words around a name that are not the name: "sy pak Ahmad", "Budi, ketua koperasi".
NAME_FILLERS = frozenset("sy saya aku pak bapak bpk bu ibu kak mas mbak bang selaku sebagai "
                         "nama namaku namanya koperasi kop adalah yaitu dengan dgn jabatan "
                         "jabatannya".split())  # fmt: skip
_TOKENS = re.compile(r"[^\s,/()\-–:;]+")


def _role_and_name(text: str) -> tuple[str | None, str]:
    """The role named anywhere in the message ("Agus, waket", "ketua: Bambang", "Pak Slamet
    manajer"), and the words left for the name, fillers removed."""
    tokens = _TOKENS.findall(clean_text_for_names(text))
    role, at = None, None
    for width in (3, 2, 1):
        for start in range(len(tokens) - width + 1):
            if found := _exact_option(" ".join(tokens[start:start + width]), ROLES):
                role, at = found, (start, start + width)
                break
        if role:
            break
    if at:
        tokens = tokens[:at[0]] + tokens[at[1]:]
    return role, " ".join(t for t in tokens if squash(t) not in NAME_FILLERS)


def clean_text_for_names(text: str) -> str:
    """Emoji and the like out of a name: "Koperasi Karyawan PT Indah Jaya 🙏"."""
    kept = "".join(ch if ch.isalnum() or ch.isspace() or ch in ".,'&/()-–:;" else " "
                   for ch in text)  # fmt: skip
    return re.sub(r"\s+", " ", kept).strip()


def contact_name(skip_to: str):
    """A name, or a name and role in one message, in any order (then the role question,
    `skip_to` follows)."""

    def parse(turn: Turn) -> Outcome:
        role, rest = _role_and_name(turn.text)
        if role and (name := _name(rest)):
            return Accept({"contact_name": name, "contact_role": role}, skip_to=skip_to)
        value = _name(rest or clean_text_for_names(turn.text))
        if value is None or yes_no(turn.text) is not None:
            return Reject([say("bad_person_name", turn.lang)])
        return Accept({"contact_name": value})

    return parse


def parse_problem_text(turn: Turn) -> Outcome:
    value = turn.text.strip()
    shortest, longest = PROBLEM_LENGTH
    if len(value) < shortest:
        return Reject([say("bad_problem_short", turn.lang, length=len(value))])
    if len(value) > longest:
        return Reject([say("bad_problem_long", turn.lang, length=count(len(value), turn.lang),
                           longest=count(longest, turn.lang))])
    return Accept({"problem_text": value})
