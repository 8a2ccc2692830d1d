"""Reading the booking's answers: names, the Nomor Induk, the kecamatan, the contact, the
problem. Each parser takes a Turn and returns Accept, Reject or Confirm (flows/conversation/
steps.py); the time has its own module, when.py."""

import re

from flows.catalogue import say
from flows.choices import ROLES, Choices
from flows.conversation.steps import Accept, Confirm, Outcome, Reject
from flows.conversation.talk import Turn
from flows.kecamatan import KECAMATAN, match_kecamatan
from flows.words import number, squash

PROBLEM_LENGTH = (10, 1000)


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
    if number(digits) is not None and len(digits) == 16:
        return Accept({"nik": digits})
    return Reject([say("bad_nik", turn.lang)])


def kecamatan_list(lang: str) -> str:
    return say("kecamatan_list", lang, names=", ".join(KECAMATAN))


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


_ROLE_SPLIT = re.compile(r"\s*[,/()\-–]\s*")


def _exact_option(text: str, options: Choices) -> str | None:
    wanted = squash(text)
    for key, words in options.vocabulary.items():
        if wanted in {squash(word) for word in words}:
            return key
    return None


def contact_name(skip_to: str):
    """A name, or "name, role" in one message (then the role question, `skip_to` follows)."""

    def parse(turn: Turn) -> Outcome:
        parts = [part for part in _ROLE_SPLIT.split(turn.text.strip()) if part]
        if len(parts) >= 2:
            role = _exact_option(parts[-1], ROLES)
            if role and (name := _name(" ".join(parts[:-1]))):
                return Accept({"contact_name": name, "contact_role": role}, skip_to=skip_to)
        value = _name(turn.text)
        if value is None:
            return Reject([say("bad_person_name", turn.lang)])
        return Accept({"contact_name": value})

    return parse


def parse_problem_text(turn: Turn) -> Outcome:
    value = turn.text.strip()
    shortest, longest = PROBLEM_LENGTH
    if len(value) < shortest:
        return Reject([say("bad_problem_short", turn.lang, length=len(value))])
    if len(value) > longest:
        return Reject([say("bad_problem_long", turn.lang, length=len(value))])
    return Accept({"problem_text": value})
