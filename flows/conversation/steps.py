"""A question declared as data: what it asks, what reads the answer, where it goes next.

A parser turns the user's text into an outcome: Accept (store these values), Reject (say why,
and ask again), or Confirm (ask "did you mean …?" before storing).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flows.catalogue import name, say
from flows.choices import GROUPS, Choices
from flows.conversation.talk import Turn
from flows.model import Offer


@dataclass(frozen=True)
class Accept:
    values: dict[str, Any]
    skip_to: str | None = None


@dataclass(frozen=True)
class Reject:
    """Say why, then the question again (unless the lines already ask something)."""

    lines: list[str]
    offer: Offer | None = None  # times offered instead, answered by number or LAIN
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
    ask: str  # the question's catalogue key
    parse: Parser
    next: str
    help: str | None = None
    choices: Choices | None = None  # the numbered list the question shows


def choice(options: Choices, field_name: str) -> Parser:
    """A parser for a numbered list: by number, word, name or near spelling."""

    def parse(turn: Turn) -> Outcome:
        key, sure = options.read(turn.text)
        if key is None and (group := options.side(turn.text)):  # "internal": which one?
            heading = name(GROUPS, group, turn.lang)
            return Reject([say("choose_in_group", turn.lang, group=heading,
                               options=options.numbered_group(group, turn.lang))],
                          ask_again=False)  # fmt: skip
        if key is None:
            return Reject([say("bad_choice", turn.lang, count=len(options))])
        if not sure:
            return Confirm("confirm_choice", {"choice": options.label(key, turn.lang)},
                           {field_name: key})  # fmt: skip
        return Accept({field_name: key})

    return parse
