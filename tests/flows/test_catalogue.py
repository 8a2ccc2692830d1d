"""The catalogue: every sentence in both languages with the same placeholders, nothing unused."""

import re
import string
from pathlib import Path

import pytest

from flows.catalogue import LANGUAGES, STAFF, catalogue, names, say, staff
from flows.choices import COOP_KINDS, MAIN_MENU, MANAGE_ACTIONS, PROBLEM_AREAS, ROLES, TOPICS

ROOT = Path(__file__).resolve().parents[2]


def leaves(table: dict, prefix: str = "") -> dict[str, object]:
    """Every value of a catalogue by its dotted key."""
    found: dict[str, object] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            found.update(leaves(value, f"{prefix}{key}."))
        else:
            found[f"{prefix}{key}"] = value
    return found


def placeholders(text: str) -> set[str]:
    return {field for _lit, field, _spec, _conv in string.Formatter().parse(text) if field}


def test_every_key_is_in_every_language_with_the_same_placeholders() -> None:
    first, *others = (leaves(catalogue(lang)) for lang in LANGUAGES)
    for other in others:
        assert set(first) == set(other)
        for key, text in first.items():
            if isinstance(text, str):
                assert placeholders(text) == placeholders(other[key]), key
            else:
                assert len(text) == len(other[key]), key


@pytest.mark.parametrize("lang", [*LANGUAGES, STAFF])
def test_no_sentence_is_empty_and_every_one_formats(lang: str) -> None:
    for key, text in leaves(catalogue(lang)).items():
        if isinstance(text, str):
            assert text.strip() or key.startswith("history."), key  # a step may add no detail
            text.format(**{field: "x" for field in placeholders(text)})


@pytest.mark.parametrize(
    "choices", [MAIN_MENU, COOP_KINDS, ROLES, TOPICS, PROBLEM_AREAS, MANAGE_ACTIONS]
)
def test_every_choice_has_a_name_in_every_language(choices) -> None:
    for lang in LANGUAGES:
        assert list(names(f"choice.{choices.table}", lang)) == list(choices)


def test_numbered_lists_come_from_the_choice_tables() -> None:
    assert PROBLEM_AREAS.numbered("id").split("\n")[:2] == ["_Internal:_", "1. Keanggotaan"]
    assert "_External:_\n5. Social" in PROBLEM_AREAS.numbered("en")
    assert PROBLEM_AREAS.label("sosial") == "Sosial (eksternal)"
    assert COOP_KINDS.label("ksp", "en") == "Savings and loans (KSP)"
    assert TOPICS.pick("Business Development") == "usaha"  # the names are understood too


def test_every_sentence_is_used_somewhere() -> None:
    """A sentence no code names is dead: reword or delete it, never leave it behind."""
    code = "\n".join(
        path.read_text(encoding="utf-8")
        for folder in ("bot", "flows", "storage")
        for path in (ROOT / folder).rglob("*.py")
    )
    dynamic = re.compile(r"^(refuse_)")  # said as f"refuse_{reason}"
    for lang in ("id", STAFF):
        for key, value in catalogue(lang).items():
            if isinstance(value, str) and not dynamic.match(key):
                assert f'"{key}"' in code, f"{lang}: {key} is never said"


def test_say_and_staff() -> None:
    assert say("bad_choice", "en", count=3) == "Please choose one number from the list (1–3)."
    assert say("bad_choice", "fr", count=3).startswith("Mohon pilih")  # unknown: Indonesian
    assert staff("mistyped.bad_time", text="kapan").startswith("waktu “kapan”")
