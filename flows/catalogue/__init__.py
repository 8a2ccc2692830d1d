"""Every word a user reads, as data: one TOML file per language for the cooperatives (id.toml,
en.toml, the same keys and placeholders in both) and staff.toml for the administrators, the
experts and the console (Indonesian only). Reword a sentence there, not in Python.

Keys at the top of a file are sentences, with str.format placeholders ({code}, {start});
tables below them are names: the numbered choices, statuses, days and months.
"""

import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = ("id", "en")
STAFF = "staff"
FOLDER = Path(__file__).parent


@cache
def catalogue(name: str) -> dict[str, Any]:
    """One catalogue file as loaded: "id", "en" or "staff"."""
    return tomllib.loads((FOLDER / f"{name}.toml").read_text(encoding="utf-8"))


def language(lang: str) -> str:
    """A language the cooperatives' catalogue has ("id" for anything else)."""
    return lang if lang in LANGUAGES else "id"


def _lookup(lang: str, key: str) -> Any:
    """A sentence or a table by its key; a dotted key reaches into a table: "mistyped.no_code"."""
    found: Any = catalogue(lang if lang == STAFF else language(lang))
    for part in key.split("."):
        found = found[part]
    return found


def _format(text: str, params: Mapping[str, Any]) -> str:
    return text.format(**params) if params else text


def say(key: str, lang: str = "id", **params: Any) -> str:
    """A sentence for a cooperative, in its language."""
    return _format(_lookup(lang, key), params)


def staff(key: str, **params: Any) -> str:
    """A sentence for an administrator, an expert or the console."""
    return _format(_lookup(STAFF, key), params)


def names(table: str, lang: str = "id") -> Mapping[str, Any]:
    """A table of names: names("status", "en")["waiting"], names("choice.topic")."""
    return _lookup(lang, table)


def name(table: str, key: str, lang: str = "id") -> str:
    """One name from a table, or the key itself when the table has none (an old value)."""
    return str(names(table, lang).get(key, key))
