"""One message in, the next conversation state and replies out.

`handle` is pure: the caller loads the stored `Chat` and a `Context` (the time, the calendar,
this number's bookings), and stores what comes back. Global words come first (STOP, MULAI,
MENU, BATAL, KEMBALI, BANTUAN), then the current state's handler.
"""

from datetime import datetime, timedelta
from typing import Any

from flows.admin import CODE, booking_code
from flows.booking import (
    BOOKING_FIELDS,
    EDIT_CHOICES,
    EDIT_ITEMS,
    KNOWN_FIELDS,
    OFFER_KEYS,
    ORDER,
    STEPS,
    Accept,
    Confirm,
    Reject,
    Turn,
    kecamatan_list,
    offer_nearest,
    parse_start,
    refusal_line,
    slot_topic,
    summary_lines,
)
from flows.calendar import format_start, hours_params
from flows.catalogue import name, names, say
from flows.choices import MAIN_MENU, MANAGE_ACTIONS, TOPICS
from flows.dates import WIB
from flows.model import (
    AcceptProposal,
    BookingView,
    CancelBooking,
    CaseAnswer,
    Chat,
    Context,
    ForwardToAdmins,
    Incoming,
    RateSession,
    RejectProposal,
    Reply,
    RescheduleBooking,
    S,
    SubmitBooking,
)
from flows.words import fold, is_emoji_only, yes_no

MAX_LENGTH = 1600
STALE_AFTER = timedelta(hours=24)

STOP = {"stop", "berhenti", "unsubscribe", "stop all", "stopall", "end", "quit"}
START = {"mulai", "start", "subscribe", "unstop", "mulai lagi"}
MENU = {"menu", "menu utama", "home", "main menu", "kembali ke menu"}
CANCEL = {"batal", "cancel", "btl", "batalkan pendaftaran", "batal daftar"}
BACK = {"kembali", "back", "balik", "sebelumnya", "previous", "kmbl"}
HELP = {"bantuan", "help", "bantu", "tolong", "info bantuan"}

EN_MARKERS = {"hello", "please", "thanks", "thank", "book", "booking", "appointment", "english",
              "want", "would", "what", "how", "cooperative", "consultation", "schedule", "my",
              "the", "is", "i", "help", "check", "good", "morning", "evening"}  # fmt: skip
ID_MARKERS = {"halo", "selamat", "saya", "mau", "ingin", "tolong", "terima", "kasih", "koperasi",
              "daftar", "konsultasi", "pagi", "siang", "sore", "malam", "apa", "bagaimana",
              "bisa", "jadwal", "ya", "tidak", "yang", "dan", "di", "untuk", "kami"}  # fmt: skip

SOLVED = {"sudah", "sdh", "udah", "sudah teratasi", "teratasi", "solved"}
UNSOLVED = {"belum", "blm", "belom", "belum teratasi", "not yet"}

BOOKING_STATES = {*STEPS, S.CONFIRM, S.SUMMARY, S.EDIT, S.USE_KNOWN}


STRONG_EN = {"hello", "please", "thanks", "thank", "english", "book", "booking", "appointment",
             "consultation", "cooperative", "help"}  # fmt: skip


def detect_lang(text: str, current: str) -> str:
    """Switch language only on clear evidence; short answers ("ok", "1") keep the current one."""
    words = set(fold(text).split())
    english, indonesian = words & EN_MARKERS, words & ID_MARKERS
    if indonesian and not english:
        return "id"
    if english and not indonesian and (len(english) >= 2 or english & STRONG_EN):
        return "en"
    return current


def _media_kind(media_type: str) -> str:
    kind = media_type.split("/")[0]
    if media_type == "image/webp":
        return "sticker"
    if kind in ("image", "audio", "video"):
        return kind
    return "document" if media_type.startswith(("application/", "text/")) else "other"


class _Talk:
    """Builds one Reply; methods named after what the bot does."""

    def __init__(self, chat: Chat, ctx: Context) -> None:
        self.state = S(chat.state) if chat.state in S._value2member_map_ else S.START
        self.answers: dict[str, Any] = dict(chat.answers)
        self.lang = chat.lang
        self.opted_out = chat.opted_out
        self.last_seen = chat.updated_at
        self.ctx = ctx
        self.texts: list[str] = []
        self.effects: list = []

    def reply(self) -> Reply:
        chat = Chat(self.state, self.answers, self.lang, self.opted_out, self.ctx.now)
        return Reply(chat, self.texts, self.effects)

    def say(self, key: str, **params: Any) -> None:
        common = {"address": self.ctx.address, **hours_params(self.ctx.calendar.hours)}
        self.texts.append(say(key, self.lang, **{**common, **params}))

    # --- where the conversation goes ---------------------------------------------------------

    def go(self, state: S) -> None:
        self.state = state
        self.ask()

    def ask(self) -> None:
        """Say the question of the current state."""
        state = self.state
        if state in STEPS:
            step = STEPS[state]
            self.say(step.ask, options=step.choices.numbered(self.lang) if step.choices else "")
        elif state in (S.MENU, S.START):
            self.state = S.MENU
            self.menu()
        elif state == S.SUMMARY:
            self.say("summary", lines="\n".join(summary_lines(self.answers, self.lang)))
        elif state == S.EDIT:
            self.say("ask_edit", items=EDIT_CHOICES.numbered(self.lang))
        elif state == S.CONFIRM:
            pending = self.answers["_confirm"]
            self.say(pending["key"], **pending["params"])
        elif state == S.USE_KNOWN:
            lines = summary_lines(self.ctx.known or {}, self.lang)
            self.say("ask_use_known", lines="\n".join(lines))
        elif state == S.RESUME:
            draft = self.answers.get("_draft", {}).get("answers", {})
            self.say("ask_resume", name=draft.get("coop_name", "E-Klinik"))
        elif state == S.CONTACT_ADMIN:
            self.say("ask_admin_message")
        elif state == S.MANAGE_PICK:
            self.say("manage_pick", lines=self._booking_lines(self._manageable(), numbered=True))
        elif state == S.MANAGE_ACTION:
            options = MANAGE_ACTIONS.numbered(self.lang)
            self.say("manage_action", code=self.answers["_code"], options=options)
        elif state == S.MANAGE_CANCEL:
            booking = self._booking(self.answers["_code"])
            start = format_start(booking.start, self.lang) if booking else "-"
            self.say("manage_confirm_cancel", code=self.answers["_code"], start=start)
        elif state == S.MANAGE_WHEN:
            self.say("ask_when")
        elif state == S.PROPOSAL_WHEN:
            self.say("proposal_ask_when", code=self.answers["_code"])

    def menu(self) -> None:
        self.say("menu", options=MAIN_MENU.numbered(self.lang))

    def info(self) -> None:
        self.say("info", topics=TOPICS.bullets(self.lang))

    def to_menu(self) -> None:
        self.state = S.MENU
        self.answers = {key: value for key, value in self.answers.items() if key == "_draft"}
        self.menu()

    def start_booking(self) -> None:
        self.answers = {"_history": []}
        if self.ctx.known:
            self.go(S.USE_KNOWN)
        else:
            self.go(S.COOP_NAME)

    def save_draft(self) -> None:
        """Keep an unfinished booking aside so it can be resumed later."""
        state = self.state
        if state == S.CONFIRM:
            state = S(self.answers["_confirm"]["step"])
        skip = {"_draft", "_confirm", *OFFER_KEYS}
        fields = {k: v for k, v in self.answers.items() if k not in skip}
        self.answers = {"_draft": {"state": state.value, "answers": fields}}

    # --- the message --------------------------------------------------------------------------

    def handle(self, message: Incoming, stale: bool) -> None:
        text = message.text or ""
        word = fold(text)
        if self.opted_out:
            if word in START:
                self.opted_out = False
                self.say("welcome")
                self.to_menu()
            return
        if word in STOP:
            self.opted_out = True
            self.say("stopped")
            return
        self.lang = detect_lang(text, self.lang)
        if stale and self.state in BOOKING_STATES | {S.MANAGE_WHEN, S.PROPOSAL_WHEN}:
            self.save_draft()
            self.state = S.RESUME
            self.ask()
            return
        if self._not_text(message, text):
            return
        if self.state == S.START:
            self.say("welcome")
            self.state = S.MENU
            if word in MENU or word in START or self._menu_choice(text) is None:
                self.ask()
                return
        if self._survey_answer(text) or self._proposal_answer(text) or self._global(word, text):
            return
        self._by_state(text)

    def _not_text(self, message: Incoming, text: str) -> bool:
        media = names("media_name", self.lang)
        if message.media_type:
            self.say("media", what=media[_media_kind(message.media_type)])
        elif message.location:
            self.say("media", what=media["location"])
        elif not text.strip():
            self.say("empty")
        elif len(text) > MAX_LENGTH:
            self.say("too_long", length=len(text))
        elif is_emoji_only(text):
            self.say("emoji")
        else:
            return False
        if self.state == S.START:
            self.say("welcome")
        self.ask()
        return True

    def _global(self, word: str, text: str) -> bool:
        if word in MENU or word in START:
            if self.state in BOOKING_STATES:
                self.save_draft()
            self.to_menu()
        elif word in CANCEL and self.state not in (S.MANAGE_ACTION,):
            busy = self.state in BOOKING_STATES | {S.RESUME} or "_draft" in self.answers
            self.answers = {}
            if busy:
                self.say("cancelled")
            self.to_menu()
        elif word in BACK:
            self._back()
        elif word in HELP or text.strip() == "?":
            self._help()
        else:
            return False
        return True

    def _back(self) -> None:
        history = self.answers.get("_history") or []
        if self.state == S.CONFIRM:
            self.state = S(self.answers.pop("_confirm")["step"])
        elif history:
            self.state = S(history.pop())
        else:
            self.to_menu()
            return
        self.answers["_history"] = history
        self.ask()

    def _help(self) -> None:
        step = STEPS.get(self.state)
        if self.state in (S.MENU, S.START):
            self.info()
        elif step and step.help:
            self.say(step.help)
        elif self.state == S.KECAMATAN:
            self.texts.append(kecamatan_list(self.lang))
        else:
            self.say("help_generic")
        self.ask()

    def _by_state(self, text: str) -> None:
        if self.state in STEPS:
            self._answer(self.state, STEPS[self.state].parse(self._turn(text)))
        else:
            HANDLERS[self.state](self, text)

    def _forward_to_admins(self, text: str) -> None:
        self.effects.append(ForwardToAdmins(text.strip()))
        self.say("admin_forwarded")
        self.to_menu()

    def _turn(self, text: str) -> Turn:
        return Turn(text, self.lang, self.ctx, self.answers)

    # --- booking questions ----------------------------------------------------------------------

    def _answer(self, state: S, outcome: Accept | Reject | Confirm) -> None:
        if isinstance(outcome, Reject):
            self.texts.extend(outcome.lines)
            self.answers.update(outcome.keep)
            if outcome.ask_again:
                self.ask()
        elif isinstance(outcome, Confirm):
            self.answers["_confirm"] = {
                "step": state.value,
                "key": outcome.key,
                "params": outcome.params,
                "values": outcome.values,
                "on_no": outcome.on_no,
            }
            self.state = S.CONFIRM
            self.ask()
        else:
            self._store(state, outcome)

    def _store(self, state: S, outcome: Accept) -> None:
        for key in OFFER_KEYS:
            self.answers.pop(key, None)
        self.answers.update(outcome.values)
        self.answers.setdefault("_history", []).append(state.value)
        following = outcome.skip_to or STEPS[state].next
        until = self.answers.get("_edit_until")
        if until and (following not in ORDER or ORDER.index(following) > ORDER.index(S(until))):
            self.answers.pop("_edit_until")
            following = S.SUMMARY
        self.go(following)

    def _confirm(self, text: str) -> None:
        pending = self.answers["_confirm"]
        step = S(pending["step"])
        answer = yes_no(text)
        if answer is True:
            del self.answers["_confirm"]
            self._store(step, Accept(pending["values"]))
        elif answer is False:
            del self.answers["_confirm"]
            if pending.get("on_no"):
                self.texts.append(pending["on_no"])
            self.go(step)
        else:
            del self.answers["_confirm"]
            self.state = step
            self._answer(step, STEPS[step].parse(self._turn(text)))

    def _summary(self, text: str) -> None:
        word = fold(text)
        if yes_no(text) is True or word in {"kirim", "send", "simpan"}:
            if self._start_gone():
                return
            fields = {key: self.answers[key] for key in BOOKING_FIELDS if key in self.answers}
            self.effects.append(SubmitBooking(fields))
            self.answers = {}
            self.state = S.MENU
        elif word in {"ubah", "ganti", "edit", "change", "koreksi", "perbaiki"}:
            self.answers.setdefault("_history", []).append(S.SUMMARY.value)
            self.go(S.EDIT)
        else:
            self.say("summary_choice")

    def _start_gone(self) -> bool:
        """A resumed draft's time may have passed or filled up: ask for a new one."""
        start = datetime.fromisoformat(self.answers["start"])
        today = self.ctx.now.astimezone(WIB).date()
        refusal = self.ctx.calendar.slot_refusal(start, today, *slot_topic(self.answers))
        if refusal is None:
            return False
        self.answers["_edit_until"] = S.WHEN.value
        self.state = S.WHEN
        day = start.astimezone(WIB).date()
        reason = [refusal_line(refusal, day, self.lang, self.ctx.calendar.hours)]
        self._answer(S.WHEN, offer_nearest(self._turn(""), start, 0, reason))
        return True

    def _edit(self, text: str) -> None:
        key = EDIT_CHOICES.pick(text)
        if key is None:
            self.say("bad_choice", count=len(EDIT_CHOICES))
            self.ask()
            return
        first, last = EDIT_ITEMS[key]
        self.answers["_edit_until"] = last.value
        self.answers.setdefault("_history", []).append(S.EDIT.value)
        self.go(first)

    def _use_known(self, text: str) -> None:
        answer = yes_no(text)
        if answer is None:
            self.say("ask_yes_no")
            self.ask()
            return
        self.answers.setdefault("_history", []).append(S.USE_KNOWN.value)
        if answer:
            known = self.ctx.known or {}
            self.answers.update({key: known[key] for key in KNOWN_FIELDS if key in known})
            self.go(S.TOPIC)
        else:
            self.go(S.COOP_NAME)

    def _resume(self, text: str) -> None:
        answer = yes_no(text)
        if answer is None:
            self.say("ask_yes_no")
            self.ask()
            return
        draft = self.answers.pop("_draft", {})
        if answer and draft:
            self.answers = dict(draft.get("answers", {}))
            self.go(S(draft["state"]))
        else:
            self.answers = {}
            self.to_menu()

    # --- menu -----------------------------------------------------------------------------------

    def _menu_choice(self, text: str) -> str | None:
        return MAIN_MENU.pick(text)

    def _menu(self, text: str) -> None:
        choice = self._menu_choice(text)
        if choice == "book":
            if "_draft" in self.answers:
                self.go(S.RESUME)
            else:
                self.start_booking()
        elif choice == "status":
            self._status()
        elif choice == "manage":
            self._manage()
        elif choice == "info":
            self.info()
        elif choice == "admin":
            self.go(S.CONTACT_ADMIN)
        else:
            self.say("menu_unknown")
            self.ask()

    def _booking_lines(self, bookings: list[BookingView], numbered: bool = False) -> str:
        lines = []
        for number, booking in enumerate(bookings, 1):
            line = say("booking_line", self.lang, code=booking.code,
                       status=name("status", booking.status, self.lang),
                       start=format_start(booking.start, self.lang),
                       topic=TOPICS.label(booking.topic_key, self.lang))  # fmt: skip
            lines.append((f"{number}. " if numbered else "• ") + line)
        return "\n".join(lines)

    def _status(self) -> None:
        bookings = list(self.ctx.bookings[:10])
        if not bookings:
            self.say("status_none")
            return
        lines, cases = [], {}
        for booking in bookings:
            cases.setdefault(booking.case_id, []).append(booking)
        for case_id, sessions in cases.items():
            text = self._booking_lines(sessions)
            for booking in sessions:
                if booking.prescription:
                    text += "\n" + say("status_prescription", self.lang, code=booking.code,
                                       text=booking.prescription[:120])  # fmt: skip
            if case_id is None:
                lines.append(text)
                continue
            state = name("case", "open" if sessions[0].case_open else "closed", self.lang)
            lines.append(say("status_case", self.lang, case=case_id, state=state,
                             sessions="\n" + text))  # fmt: skip
        self.say("status_list", lines="\n".join(lines))

    def _manageable(self) -> list[BookingView]:
        return [
            b
            for b in self.ctx.bookings
            if b.own and b.status in ("waiting", "confirmed", "proposed") and b.start > self.ctx.now
        ][:10]

    def _booking(self, code: str) -> BookingView | None:
        return next((b for b in self.ctx.bookings if b.code == code), None)

    def _manage(self) -> None:
        bookings = self._manageable()
        if not bookings:
            self.say("manage_none")
        elif len(bookings) == 1:
            self.answers["_code"] = bookings[0].code
            self.go(S.MANAGE_ACTION)
        else:
            self.go(S.MANAGE_PICK)

    def _manage_pick(self, text: str) -> None:
        bookings = self._manageable()
        word = fold(text).upper().replace(" ", "-")
        chosen = next((b for b in bookings if b.code == word), None)
        if chosen is None and fold(text).isdigit() and 0 < int(fold(text)) <= len(bookings):
            chosen = bookings[int(fold(text)) - 1]
        if chosen is None:
            self.say("bad_choice", count=len(bookings))
            self.ask()
            return
        self.answers["_code"] = chosen.code
        self.go(S.MANAGE_ACTION)

    def _manage_action(self, text: str) -> None:
        choice = MANAGE_ACTIONS.pick(text)
        if choice == "reschedule":
            booking = self._booking(self.answers["_code"])
            self.answers["_topic"] = booking.topic_key if booking else None
            self.go(S.MANAGE_WHEN)
        elif choice == "cancel":
            self.go(S.MANAGE_CANCEL)
        else:
            self.say("bad_choice", count=2)
            self.ask()

    def _manage_cancel(self, text: str) -> None:
        answer = yes_no(text)
        code = self.answers["_code"]
        if answer is None:
            self.say("ask_yes_no")
            self.ask()
        elif answer:
            self.effects.append(CancelBooking(code))
            self.answers = {}
            self.state = S.MENU
        else:
            self.say("manage_kept", code=code)
            self.to_menu()

    # --- after the session: satisfaction, solved or not -----------------------------------------

    def _survey_answer(self, text: str) -> bool:
        """1–5 right after the satisfaction question; SUDAH closes the case, BELUM books a
        follow-up in the same case, asking only what is still open and the new time."""
        if self.state != S.MENU:
            return False
        asked = [b for b in self.ctx.bookings
                 if b.own and b.survey_at and b.solved is None and b.case_open]  # fmt: skip
        if not asked:
            return False
        booking, word = asked[0], fold(text)
        untouched = self.last_seen is None or self.last_seen <= booking.survey_at
        if word.isdigit() and 1 <= int(word) <= 5 and untouched:
            self.effects.append(RateSession(booking.code, int(word)))
            self.say("survey_thanks", score=int(word))
        elif word in SOLVED:
            self.effects.append(CaseAnswer(booking.code, solved=True))
            self.say("case_solved", code=booking.code)
        elif word in UNSOLVED:
            self.effects.append(CaseAnswer(booking.code, solved=False))
            known = self.ctx.known or {}
            self.answers = {
                **{key: known[key] for key in KNOWN_FIELDS if key in known},
                "topic": booking.topic_key,
                "problem_area": booking.problem_area,
                "case_id": booking.case_id,
                "_history": [],
            }
            self.say("follow_up_intro")
            self.go(S.FOLLOW_UP)
        else:
            return False
        return True

    # --- an administrator's proposal of another time -------------------------------------------

    def _proposal_answer(self, text: str) -> bool:
        """YA / TIDAK [waktu] to a proposal: with its code anywhere, or plainly from the menu
        when it is the only proposal open."""
        proposals = [b for b in self.ctx.bookings if b.status == "proposed"]
        code = booking_code(text)
        chosen = next((b for b in proposals if b.code == code), None)
        if chosen is None and code is None and len(proposals) == 1 and self.state == S.MENU:
            chosen = proposals[0]
        words = fold(CODE.sub(" ", text)).split()
        answer = yes_no(words[0]) if words else None
        if chosen is None or answer is None:
            return False
        if answer:
            self.effects.append(AcceptProposal(chosen.code))
            self.answers = {}
            self.state = S.MENU
            return True
        self.answers = {"_code": chosen.code, "_topic": chosen.topic_key}
        self.state = S.PROPOSAL_WHEN
        rest = " ".join(words[1:])
        if rest:
            self._proposal_when(rest)
        else:
            self.ask()
        return True

    def _proposal_when(self, text: str) -> None:
        outcome = parse_start(self._turn(text))
        if isinstance(outcome, Accept):
            start = datetime.fromisoformat(outcome.values["start"])
            self.effects.append(RejectProposal(self.answers["_code"], start))
            self.answers = {}
            self.state = S.MENU
        else:
            self._answer(S.PROPOSAL_WHEN, outcome)

    def _manage_when(self, text: str) -> None:
        outcome = parse_start(self._turn(text))
        if isinstance(outcome, Accept):
            start = datetime.fromisoformat(outcome.values["start"])
            self.effects.append(RescheduleBooking(self.answers["_code"], start))
            self.answers = {}
            self.state = S.MENU
        else:
            self._answer(S.MANAGE_WHEN, outcome)


# Every state that is not a booking question, and what reads the user's message there.
HANDLERS = {
    S.MENU: _Talk._menu,
    S.CONFIRM: _Talk._confirm,
    S.SUMMARY: _Talk._summary,
    S.EDIT: _Talk._edit,
    S.USE_KNOWN: _Talk._use_known,
    S.RESUME: _Talk._resume,
    S.CONTACT_ADMIN: _Talk._forward_to_admins,
    S.MANAGE_PICK: _Talk._manage_pick,
    S.MANAGE_ACTION: _Talk._manage_action,
    S.MANAGE_CANCEL: _Talk._manage_cancel,
    S.MANAGE_WHEN: _Talk._manage_when,
    S.PROPOSAL_WHEN: _Talk._proposal_when,
}


def handle(chat: Chat, message: Incoming, ctx: Context) -> Reply:
    """The conversation after `message`: new state, replies, and effects for the caller."""
    stale = chat.updated_at is not None and ctx.now - chat.updated_at > STALE_AFTER
    talk = _Talk(chat, ctx)
    talk.handle(message, stale)
    return talk.reply()
