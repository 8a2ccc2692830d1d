"""WhatsApp templates: their bodies (flows/catalogue/templates.toml) and WhatsApp's rules for
them and for the values that fill them. Pure: the sender fills, `eklinik whatsapp sync`
creates them at Twilio, the tests check every body.

WhatsApp refuses a template message whose variable holds a line break or a tab, more than
four spaces in a row, or is empty, and a body longer than 1,024 characters once filled;
a template may not start or end with a variable. Twilio takes a variable's value up to 255
characters (its Content API's documented limit).
"""

import re
from collections.abc import Mapping

from flows.catalogue import catalogue
from flows.words import shorten

BODY_LENGTH = 1024
VARIABLE_LENGTH = 255
PLACEHOLDER = re.compile(r"\{\{(\d+)\}\}")
_BREAKS = re.compile(r"\s*[\r\n\t\v\f]+\s*")
_SPACES = re.compile(r" {2,}")


def bodies() -> Mapping[str, str]:
    """Every template's body, by its name (CONFIRMATION, EXPERT_SCHEDULE, …)."""
    return catalogue("templates")["body"]


def placeholders(body: str) -> list[str]:
    return PLACEHOLDER.findall(body)


def body_problems(body: str) -> list[str]:
    """What WhatsApp would refuse in a template's body itself."""
    problems, found = [], placeholders(body)
    if found != [str(n) for n in range(1, len(found) + 1)]:
        problems.append("variables are not {{1}}, {{2}}, … in order")
    if body.strip().startswith("{{"):
        problems.append("starts with a variable")
    if body.strip().endswith("}}"):
        problems.append("ends with a variable")
    if len(body) > BODY_LENGTH:
        problems.append(f"longer than {BODY_LENGTH} characters")
    return problems


def one_line(value: str) -> str:
    """A value as a variable may hold it: line breaks as " · ", no run of spaces, not empty."""
    value = _BREAKS.sub(" · ", str(value).strip())
    return _SPACES.sub(" ", value).strip(" ·") or "-"


def fill(body: str, values: Mapping[str, str]) -> dict[str, str]:
    """The variables for `body`, each made valid and within 255 characters, the longest
    shortened (with "…") until the filled body fits in 1,024 characters."""
    filled = {key: shorten(one_line(values.get(key, "")), VARIABLE_LENGTH)
              for key in placeholders(body)}  # fmt: skip
    while filled and (over := len(render(body, filled)) - BODY_LENGTH) > 0:
        longest = max(filled, key=lambda key: len(filled[key]))
        if len(filled[longest]) <= 2:
            break  # the body alone is too long: body_problems says so
        filled[longest] = shorten(filled[longest], max(len(filled[longest]) - over, 2))
    return filled


def render(body: str, values: Mapping[str, str]) -> str:
    """The body as the recipient reads it."""
    return PLACEHOLDER.sub(lambda found: values.get(found[1], ""), body)


def value_problems(body: str, values: Mapping[str, str]) -> list[str]:
    """What WhatsApp would refuse in these values for this body (none after `fill`)."""
    problems = [f"{{{{{key}}}}} is missing or empty" for key in placeholders(body)
                if not str(values.get(key, "")).strip()]  # fmt: skip
    for key, value in values.items():
        if _BREAKS.search(str(value)):
            problems.append(f"{{{{{key}}}}} holds a line break or a tab")
        if "     " in str(value):
            problems.append(f"{{{{{key}}}}} holds more than four spaces in a row")
        if len(str(value)) > VARIABLE_LENGTH:
            problems.append(f"{{{{{key}}}}} is longer than {VARIABLE_LENGTH} characters")
    if len(render(body, values)) > BODY_LENGTH:
        problems.append(f"longer than {BODY_LENGTH} characters once filled")
    return problems
