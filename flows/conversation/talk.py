"""What every part of the conversation shares: a state's declaration, and `Talk`, which builds
one Reply (what is said, where the conversation goes, what must happen)."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flows.calendar import hours_params
from flows.catalogue import say
from flows.chat import yes_no
from flows.choices import MAIN_MENU, TOPICS, Choices
from flows.model import Chat, Context, Effect, Home, Reply
from flows.prompts import Prompt, from_choices, from_words, times


@dataclass(frozen=True)
class State:
    """One state: its question, what reads the answer, and how the global words treat it."""

    ask: Callable[["Talk"], None]
    read: Callable[["Talk", str], None]
    help: str | Callable[["Talk"], None] | None = None  # BANTUAN: a catalogue key, or a say-er
    buttons: str | None = None  # its question is answered with these buttons (flows/prompts)
    booking: bool = False  # a booking in progress: MENU or a day of silence sets it aside
    resumable: bool = False  # after a day of silence it is offered to be resumed
    own_words: frozenset[str] = frozenset()  # global words it reads as its own answers


@dataclass(frozen=True)
class Turn:
    """One answer as a parser sees it."""

    text: str
    lang: str
    ctx: Context
    answers: Mapping[str, Any]
    offer: Any = None  # the Offer shown before this answer, if any
    scratch: Any = None


@dataclass
class Talk:
    """Builds one Reply; methods named after what the bot does."""

    chat: Chat
    ctx: Context
    states: Mapping[str, State]
    texts: list[str] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
    prompt: Prompt | None = None
    prompt_at: int = -1

    def __post_init__(self) -> None:
        self.state = self.chat.state if self.chat.state in self.states else Home.START
        self.answers: dict[str, Any] = dict(self.chat.answers)
        self.scratch = self.chat.scratch.copy()
        self.lang = self.chat.lang
        self.opted_out = self.chat.opted_out

    def reply(self) -> Reply:
        self.scratch.prompt = self.prompt.name if self.prompt else None  # the last tappable
        chat = Chat(self.state, self.answers, self.scratch, self.lang, self.opted_out,
                    self.ctx.now)  # fmt: skip
        return Reply(chat, self.texts, self.effects, self.prompt, self.prompt_at)

    def offer(self, prompt: Prompt) -> None:
        """What was just said may be answered with a tap on `prompt`'s options."""
        self.prompt, self.prompt_at = prompt, len(self.texts) - 1

    def say(self, key: str, **params: Any) -> None:
        common = {"address": self.ctx.address or say("clinic_address", self.lang),
                  **hours_params(self.ctx.calendar.hours)}  # fmt: skip
        self.texts.append(say(key, self.lang, **{**common, **params}))

    def go(self, state: str) -> None:
        self.state = state
        self.ask()

    def ask(self) -> None:
        """Say the question of the current state (with its buttons, when it has some)."""
        state = self.states[self.state]
        state.ask(self)
        if state.buttons and self.texts:
            self.offer(from_words(state.buttons, self.texts[-1], self.lang))

    def ask_from(self, name: str, step_ask: str, choices: Choices, **params: Any) -> None:
        """A question with a numbered list: the list as text, and as a list to tap."""
        self.say(step_ask, options=choices.numbered(self.lang), **params)
        question = say(step_ask, self.lang, **{**params, "options": ""}).strip()
        self.offer(from_choices(name, choices, question, self.lang))

    def menu(self) -> None:
        self.ask_from("menu", "menu", MAIN_MENU)

    def info(self) -> None:
        self.say("info", topics=TOPICS.bullets(self.lang))

    def to_menu(self) -> None:
        """The main menu; a booking set aside as a draft stays set aside."""
        self.state, self.answers = Home.MENU, {}
        self.scratch.history, self.scratch.offer, self.scratch.pending = [], None, None
        self.scratch.edit_until = self.scratch.code = self.scratch.topic = None
        self.menu()

    def turn(self, text: str) -> Turn:
        return Turn(text, self.lang, self.ctx, self.answers, self.scratch.offer, self.scratch)

    def yes_or_no(self, text: str) -> bool | None:
        """YA or TIDAK; anything else is asked again (and None returned)."""
        said = yes_no(text)
        if said is None:
            self.say("ask_yes_no")
            self.ask()
        return said

    def reject(self, lines: list[str], offer: Any = None, ask_again: bool = True) -> None:
        """Say why an answer cannot be taken, keep what was offered (times to tap), and ask
        again."""
        self.texts.extend(lines)
        if offer is not None:
            self.scratch.offer = offer
            if offer.starts and lines and not ask_again:
                starts = [datetime.fromisoformat(start) for start in offer.starts]
                self.offer(times(lines[-1], starts, self.lang))
        if ask_again:
            self.ask()
