"""The staff's WhatsApp commands: administrators' (admin.py) and experts' (expert.py), each a
table of verbs; what both tables share is here."""

from collections.abc import Mapping
from typing import TypeVar

from flows.admin import Mistyped
from flows.catalogue import staff

H = TypeVar("H")


class UnknownVerb(Exception):
    """A verb the parser knows but the table does not: a programming error, never guessed."""


def handler(table: Mapping[str, H], verb: str) -> H:
    """The table's row for `verb`; a verb without one is an error, never a default action."""
    if verb not in table:
        raise UnknownVerb(verb)
    return table[verb]


def mistyped(side: str, command: Mistyped) -> str:
    """Why the command could not be read, and how to write it ("admin" or "expert" side)."""
    why = staff(f"mistyped.{command.why}", text=command.text)
    return staff("mistyped_command", why=why, example=staff(f"example.{side}.{command.verb}"))
