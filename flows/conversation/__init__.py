"""One message in, the next conversation state and replies out.

`handle` is pure: the caller loads the stored `Chat` and a `Context` (the time, the calendar,
this number's bookings), and stores what comes back. Words that work at any step come first
(STOP, MULAI, MENU, BATAL, KEMBALI, BANTUAN), then answers that may come at any time in the
menu (a rating, YA to a proposal), then the current state's own reader.

Each part declares its states in a table: booking.py (the questions, the summary), menu.py,
manage.py (change, cancel, answer a proposal), aftercare.py (satisfaction, solved or not).
"""

from datetime import timedelta
from enum import StrEnum

from flows.catalogue import names
from flows.chat import plain, yes_no
from flows.choices import MAIN_MENU
from flows.conversation import aftercare, booking, manage, menu, survey
from flows.conversation.anytime import BACK, CANCEL, HELP, MENU, START, STOP, detect_lang
from flows.conversation.talk import State, Talk
from flows.model import MESSAGE_LENGTH, Chat, Context, Home, Incoming, Reply
from flows.prompts import SENT_PROMPTS, tapped
from flows.words import count, fold, is_emoji_only

STALE_AFTER = timedelta(hours=24)


def states() -> dict[str, State]:
    """Every state of every part, read from the parts' tables."""
    return {**menu.STATES, **booking.states(), **manage.STATES, **survey.STATES}


S = StrEnum("S", {state.upper(): state for state in states()})  # every state, by name
# Answers that may come at any time in the menu, before the menu reads a choice.
INTERCEPTS = (aftercare.late_score, aftercare.survey_answer, manage.proposal_answer)

__all__ = ["CANCEL", "S", "handle", "in_menu", "states"]


def in_menu(chat_or_state: Chat | str) -> bool:
    """At the menu (or never written to): where staff commands are read without a code."""
    state = chat_or_state if isinstance(chat_or_state, str) else chat_or_state.state
    return state in (Home.START, Home.MENU)


def _media_kind(media_type: str) -> str:
    kind = media_type.split("/")[0]
    if media_type == "image/webp":
        return "sticker"
    if kind in ("image", "audio", "video"):
        return kind
    return "document" if media_type.startswith(("application/", "text/")) else "other"


# The questions answered YA or TIDAK (or YA / UBAH at the summary), where 👍 is a yes.
YES_NO_STATES = frozenset({booking.B.USE_KNOWN, booking.B.CONFIRM, booking.B.SUMMARY,
                           booking.B.RESUME, manage.M.MANAGE_CANCEL})  # fmt: skip


def _not_text(talk: Talk, message: Incoming, text: str) -> bool:
    """Photos, voice notes, locations, emoji, empty and over-long messages: a friendly word and
    the same question again."""
    media = names("media_name", talk.lang)
    if message.media_type:
        talk.say("media", what=media[_media_kind(message.media_type)])
    elif message.location:
        talk.say("media", what=media["location"])
    elif not text.strip():
        talk.say("empty")
    elif len(text) > MESSAGE_LENGTH:
        talk.say("too_long", length=count(len(text), talk.lang),
                 longest=count(MESSAGE_LENGTH, talk.lang))
    elif is_emoji_only(text) and not (talk.state in YES_NO_STATES and yes_no(text)):
        talk.say("emoji")  # 👍 is read as a yes where a yes or no is asked
    else:
        return False
    if talk.state == Home.START:
        talk.say("welcome")
    talk.ask()
    return True


def _back(talk: Talk) -> None:
    history = talk.scratch.history
    if talk.state == booking.B.CONFIRM:
        talk.state, talk.scratch.pending = talk.scratch.pending.step, None
    elif history:
        talk.state = history.pop()
    else:  # back from the first question: the menu, keeping what was answered as a draft
        if talk.states[talk.state].booking and talk.answers:
            booking.save_draft(talk)
        talk.to_menu()
        return
    talk.ask()


def _help(talk: Talk) -> None:
    helps = talk.states[talk.state].help or "help_generic"
    if callable(helps):
        helps(talk)
    else:
        talk.say(helps)
    talk.ask()


def _anytime(talk: Talk, word: str, text: str) -> bool:
    state = talk.states[talk.state]
    if word in state.own_words:
        return False
    if word in MENU or word in START:
        if state.booking:
            booking.save_draft(talk)
        talk.to_menu()
    elif word in CANCEL:
        busy = state.booking or talk.scratch.draft is not None
        talk.scratch.draft = None
        if busy:
            talk.say("cancelled")
        talk.to_menu()
    elif word in BACK:
        _back(talk)
    elif word in HELP or text.strip() == "?":
        _help(talk)
    else:
        return False
    return True


def _read(talk: Talk, message: Incoming, stale: bool) -> None:
    text = message.text or ""
    word = plain(text) or fold(text)
    if talk.opted_out:
        if word in START:
            talk.opted_out = False
            talk.say("welcome")
            if talk.states[talk.state].booking and talk.answers:
                booking.save_draft(talk)  # what was answered before STOP is kept
            talk.to_menu()
        return
    if word in STOP:
        talk.opted_out = True
        talk.say("stopped")
        return
    if message.tap and (found := tapped(message.tap)):
        name, value = found
        if name != talk.scratch.prompt and name not in SENT_PROMPTS:
            talk.say("tap_old")  # a list from an earlier question: never read as this answer
            talk.ask()
            return
        text = value
        word = plain(text) or fold(text)
    talk.lang = detect_lang(text, talk.lang)
    if stale and talk.states[talk.state].resumable:
        booking.save_draft(talk)
        talk.go(booking.B.RESUME)
        return
    if _not_text(talk, message, text):
        return
    if talk.state == Home.START:
        talk.say("welcome")
        talk.state = Home.MENU
        if word in MENU or word in START or MAIN_MENU.pick(text) is None:
            talk.ask()
            return
    if any(intercept(talk, text) for intercept in INTERCEPTS) or _anytime(talk, word, text):
        return
    talk.states[talk.state].read(talk, text)


def handle(chat: Chat, message: Incoming, ctx: Context) -> Reply:
    """The conversation after `message`: new state, replies, and effects for the caller."""
    stale = chat.updated_at is not None and ctx.now - chat.updated_at > STALE_AFTER
    talk = Talk(chat, ctx, states())
    _read(talk, message, stale)
    return talk.reply()
