"""Questions a user can answer with a tap: WhatsApp quick-reply buttons and list pickers,
sent through Twilio's Content API inside the 24-hour session (no approval needed).

A prompt is the question's text and its options. Each option's id says which prompt it
belongs to ("topic:3"): a tap on an old list is recognised as old, never read as an answer to
the question now asked. Its value is what a user could have typed ("3", "YA", "SUDAH"), so a
tap and typing go through the same parser. The question goes as the Content's only variable,
so the catalogue stays the one place its words live; without Content resources the same
question goes as numbered text.

WhatsApp's limits: at most 3 buttons (title ≤ 20 characters); a list of at most 10 rows
(title ≤ 24, description ≤ 72), behind a button (≤ 20).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from flows.calendar import format_start, format_start_short
from flows.catalogue import LANGUAGES, names, say
from flows.choices import (
    COOP_KINDS,
    EDIT_CHOICES,
    MAIN_MENU,
    PROBLEM_AREAS,
    ROLES,
    TOPICS,
    Choices,
)  # fmt: skip
from flows.words import shorten

PREFIX = "prompt_"  # a Content resource's name: a question to tap, not a template
BUTTONS, ROWS = 3, 10
SAMPLE_START = datetime.fromisoformat("2026-11-30T10:00:00+07:00")
BUTTON_TITLE, ROW_TITLE, ROW_DESCRIPTION, LIST_BUTTON = 20, 24, 72, 20


@dataclass(frozen=True)
class Option:
    value: str  # what the tap means, as a user could type it
    title: str
    description: str = ""


@dataclass(frozen=True)
class Prompt:
    name: str  # which question: "topic", "yes_no", "times3", …
    body: str  # the question, as the Content's variable {{1}}
    options: tuple[Option, ...]
    lang: str = "id"

    @property
    def is_list(self) -> bool:
        return len(self.options) > BUTTONS or self.name.startswith(TIMES)

    @property
    def content(self) -> str:
        """The Content resource's name (one per prompt and language)."""
        return f"{PREFIX}{self.name}_{self.lang}"

    def option_id(self, option: Option) -> str:
        return f"{self.name}:{option.value}"

    @property
    def variables(self) -> dict[str, str]:
        """The values a send fills in: the question; for times, each time's title too."""
        values = {"1": self.body}
        if self.name.startswith(TIMES):
            for n, option in enumerate(self.options[:-1]):
                title, description = time_slots(n)
                values[title], values[description] = option.title, option.description
        return values


def time_slots(n: int) -> tuple[str, str]:
    """The variables of the n-th time offered (from 0): its title and its description ({{1}}
    is the question)."""
    return str(2 + 2 * n), str(3 + 2 * n)


def tapped(payload: str) -> tuple[str, str] | None:
    """A tap's prompt and value, from the id Twilio reports (ButtonPayload or ListId)."""
    name, sep, value = payload.partition(":")
    return (name, value) if sep and name and value else None


def _title(table: str, key: str, label: str, lang: str) -> str:
    short = names("tap", lang).get(table, {}).get(key)
    return short or shorten(label, ROW_TITLE)


def from_choices(name: str, choices: Choices, body: str, lang: str) -> Prompt:
    """A numbered list as a list picker; a row's value is its number."""
    options = []
    for number, key in enumerate(choices, 1):
        label = choices.label(key, lang)
        title = _title(choices.table, key, label, lang)
        options.append(Option(str(number), title, "" if title == label else label))
    return Prompt(name, body, tuple(options), lang)


def from_words(name: str, body: str, lang: str) -> Prompt:
    """Buttons named in the catalogue's [tap.<name>] table (YA / TIDAK, YA / UBAH / BATAL, …);
    a button's value is its key, a word every parser of that question reads."""
    titles = names("tap", lang)[name]
    return Prompt(name, body, tuple(Option(key.upper(), title) for key, title in titles.items()),
                  lang)  # fmt: skip


CHOICES = {"menu": MAIN_MENU, "coop_kind": COOP_KINDS, "role": ROLES, "topic": TOPICS,
           "problem_area": PROBLEM_AREAS, "edit": EDIT_CHOICES}  # fmt: skip
WORDS = ("yes_no", "summary", "solved")
TIMES = "times"  # "times3": three times offered, then "waktu lain"
RATING = "rating"
SENT_PROMPTS = frozenset({RATING})  # prompts the scheduler sends (the survey), not a reply
MOST_TIMES = ROWS - 1


def rating(body: str, lang: str) -> Prompt:
    """1 to 5, each with its word (5: "Sangat puas")."""
    words = names("tap", lang)["rating"]
    return Prompt(RATING, body, tuple(Option(str(n), f"{n} ⭐", words[str(n)])
                                      for n in range(1, 6)), lang)  # fmt: skip


def times(body: str, starts: list[datetime], lang: str) -> Prompt:
    """The times offered, each "Sen, 30 Nov 10.00" with its whole date below, then "waktu
    lain". Always a list: buttons have no room for the date."""
    shown = starts[:MOST_TIMES]
    options = [Option(str(n), format_start_short(start, lang), format_start(start, lang))
               for n, start in enumerate(shown, 1)]  # fmt: skip
    options.append(Option("LAIN", names("tap", lang)["more"]))
    return Prompt(f"{TIMES}{len(shown)}", body, tuple(options), lang)


# --- the Content resources `eklinik whatsapp sync` keeps at Twilio -------------------------------


def _sample(lang: str) -> Prompt:
    return Prompt("sample", say("menu", lang, options="").strip(), (), lang)


def every_prompt() -> list[Prompt]:
    """One prompt of each shape and language: the Content resources to create. (Their texts
    are variables, so the samples' words do not matter, only the options.)"""
    found = []
    for lang in LANGUAGES:
        body = _sample(lang).body
        found += [from_choices(name, choices, body, lang) for name, choices in CHOICES.items()]
        found += [from_words(name, body, lang) for name in WORDS]
        found.append(rating(body, lang))
        found += [times(body, [SAMPLE_START] * count, lang) for count in range(1, MOST_TIMES + 1)]
    return found


@cache
def _by_content() -> dict[str, Prompt]:
    return {prompt.content: prompt for prompt in every_prompt()}


def shown(content: str, variables: Mapping[str, str] | None) -> dict | None:
    """A message naming `content` as WhatsApp draws it (the simulator): buttons, or a list
    behind a button; each option's id (what a tap reports), title and description, the
    times' words filled in. None for a Content this version does not know."""
    prompt = _by_content().get(content)
    if prompt is None:
        return None
    values = variables or {}
    options = []
    for n, option in enumerate(prompt.options):
        title, description = option.title, option.description
        if prompt.name.startswith(TIMES) and n < len(prompt.options) - 1:
            title_key, description_key = time_slots(n)
            title = values.get(title_key, title)
            description = values.get(description_key, description)
        options.append({"id": prompt.option_id(option), "title": title,
                        "description": description})  # fmt: skip
    return {"options": options, "list": prompt.is_list,
            "button": names("tap", prompt.lang)["list_button"]}  # fmt: skip


def content_types(prompt: Prompt) -> dict:
    """The Content API's `types` for a prompt: buttons or a list, and the numbered text for
    channels that show neither."""
    if prompt.name.startswith(TIMES):  # the times change: each row's words are variables
        rows = []
        for n, option in enumerate(prompt.options[:-1]):
            title, description = time_slots(n)
            rows.append({"id": prompt.option_id(option), "item": f"{{{{{title}}}}}",
                         "description": f"{{{{{description}}}}}"})  # fmt: skip
        rows.append({"id": prompt.option_id(prompt.options[-1]), "item": prompt.options[-1].title})
    else:
        rows = [{"id": prompt.option_id(o), "item": o.title,
                 **({"description": o.description} if o.description else {})}
                for o in prompt.options]  # fmt: skip
    text = {"twilio/text": {"body": "{{1}}"}}
    if prompt.is_list:
        button = names("tap", prompt.lang)["list_button"]
        return {"twilio/list-picker": {"body": "{{1}}", "button": button, "items": rows}, **text}
    actions = [{"id": row["id"], "title": row["item"]} for row in rows]
    return {"twilio/quick-reply": {"body": "{{1}}", "actions": actions}, **text}


def problems(prompt: Prompt) -> list[str]:
    """What WhatsApp would refuse in a prompt: too many options, titles too long."""
    found = []
    if len(prompt.options) > ROWS:
        found.append(f"{len(prompt.options)} options (at most {ROWS})")
    longest = ROW_TITLE if prompt.is_list else BUTTON_TITLE
    for option in prompt.options:
        if len(option.title) > longest:
            found.append(f"title {option.title!r} longer than {longest}")
        if len(option.description) > ROW_DESCRIPTION:
            found.append(f"description of {option.title!r} longer than {ROW_DESCRIPTION}")
    if prompt.is_list and len(names("tap", prompt.lang)["list_button"]) > LIST_BUTTON:
        found.append("list button longer than 20")
    return found
