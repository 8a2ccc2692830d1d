"""The main menu: 1 book, 2 status, 3 change or cancel, 4 about the clinic, 5 the admins."""

from enum import StrEnum

from flows.catalogue import name, say
from flows.chat import plain
from flows.choices import MAIN_MENU
from flows.conversation import booking, manage
from flows.conversation.booking import B
from flows.conversation.talk import State, Talk
from flows.lifecycle import CaseStatus
from flows.model import ForwardToAdmins, Home


class N(StrEnum):
    CONTACT_ADMIN = "contact_admin"


def _book(talk: Talk) -> None:
    if talk.scratch.draft:
        talk.go(B.RESUME)
    else:
        booking.start(talk)


def status(talk: Talk) -> None:
    """The cooperatives' cases, each with its sessions and prescriptions."""
    bookings = list(talk.ctx.bookings[:10])
    if not bookings:
        talk.say("status_none")
        return
    cases: dict[int | None, list] = {}
    for each in bookings:
        cases.setdefault(each.case_id, []).append(each)
    lines = []
    for case_id, sessions in cases.items():
        text = manage.booking_lines(talk, sessions)
        for each in sessions:
            if each.prescription:
                text += "\n" + say("status_prescription", talk.lang, code=each.code,
                                   text=each.prescription[:120])  # fmt: skip
        if case_id is None:
            lines.append(text)
            continue
        is_open = sessions[0].case_open
        state = name("case", CaseStatus.OPEN if is_open else CaseStatus.CLOSED, talk.lang)
        lines.append(say("status_case", talk.lang, case=case_id, state=state,
                         sessions="\n" + text))  # fmt: skip
    talk.say("status_list", lines="\n".join(lines))


# What each menu choice does.
CHOICES = {
    "book": _book,
    "status": status,
    "manage": manage.start,
    "info": Talk.info,
    "admin": lambda talk: talk.go(N.CONTACT_ADMIN),
}


# What people say besides a choice, answered kindly instead of "not understood" (read plain).
THANKS = frozenset({"terima kasih", "terima kasih banyak", "thanks", "thank you", "oke",
                    "oke terima kasih", "baik", "baik terima kasih", "siap terima kasih",
                    "sama sama", "mantap", "bagus", "noted"})  # fmt: skip
SALAM = frozenset({"assalamualaikum", "assalamu alaikum", "asalamualaikum", "assalamualaikum wr wb",
                   "assalamualaikum warahmatullahi wabarakatuh", "salam"})  # fmt: skip
GREETINGS = frozenset({"halo", "hallo", "hai", "hi", "hello", "selamat pagi", "selamat siang",
                       "selamat sore", "selamat malam", "pagi", "siang", "sore", "malam",
                       "permisi", "good morning"})  # fmt: skip


def _read_menu(talk: Talk, text: str) -> None:
    chosen = MAIN_MENU.pick(text)
    said = plain(text)
    if chosen is not None:
        CHOICES[chosen](talk)
    elif said in THANKS:
        talk.say("you_are_welcome")
    elif said in SALAM or said.startswith("assalamualaikum"):
        talk.say("salam_back")
        talk.ask()
    elif said in GREETINGS:
        talk.say("greeting_back")
        talk.ask()
    else:
        talk.say("menu_unknown")
        talk.ask()


def _forward(talk: Talk, text: str) -> None:
    talk.effects.append(ForwardToAdmins(text.strip()))
    talk.say("admin_forwarded")
    talk.to_menu()


def _ask_menu(talk: Talk) -> None:
    talk.state = Home.MENU
    talk.menu()


STATES: dict[str, State] = {
    Home.START: State(_ask_menu, _read_menu, Talk.info),
    Home.MENU: State(_ask_menu, _read_menu, Talk.info),
    N.CONTACT_ADMIN: State(lambda talk: talk.say("ask_admin_message"), _forward),
}
