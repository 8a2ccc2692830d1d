"""The values passed in and out of the conversation: plain data, no behaviour.

A conversation is stored as its state, the user's answers, and a `Scratch`: where the
conversation is (its offers, its history, a draft set aside). The scratch lives beside the
answers, never inside them, so what is booked is exactly the answers.
"""

from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from flows.calendar import ClinicCalendar

NAME_LENGTH = 120  # a person's or a cooperative's name
MESSAGE_LENGTH = 4096  # the longest message WhatsApp lets a user send
PROBLEM_LENGTH = (10, 4000)  # a problem told in one message


class Home(StrEnum):
    """Where every conversation starts and comes back to."""

    START = "start"  # never written to: the welcome, then the menu
    MENU = "menu"


@dataclass(frozen=True)
class BookingView:
    """What the conversation may know of one of this number's bookings."""

    code: str
    status: str
    start: datetime
    topic_key: str
    cooperative: str
    proposed_start: datetime | None = None
    own: bool = True  # booked from this number (not by another board member)
    prescription: str | None = None
    survey_at: datetime | None = None  # when the satisfaction question went out
    solved: bool | None = None
    satisfaction: int | None = None  # the 1–5 it was given, once rated
    case_id: int | None = None
    case_open: bool = True
    problem_area: str = ""


@dataclass(frozen=True)
class Context:
    now: datetime
    calendar: ClinicCalendar = field(default_factory=ClinicCalendar)
    known: dict[str, Any] | None = None  # the cooperative's details from this number's last booking
    bookings: tuple[BookingView, ...] = ()
    address: str | None = None  # the office, for face-to-face visits (None: the catalogue's)


@dataclass
class Offer:
    """Times offered as a numbered list, so "2" or LAIN can answer them."""

    starts: list[str]  # ISO datetimes, in the order shown
    day: str | None = None  # the day they are on, when a bare date was asked
    wanted: str | None = None  # the time asked for: LAIN shows the next nearest ones
    skip: int = 0
    clock: str | None = None  # an hour given without a day ("jam 2 siang"), kept for the day


@dataclass
class Pending:
    """A "did you mean …?" (YA / TIDAK) before `values` are stored for `step`."""

    step: str
    key: str  # the question, in the catalogue
    params: dict[str, str]
    values: dict[str, Any]
    on_no: str | None = None  # said before the step's question again on TIDAK


@dataclass
class Draft:
    """A booking in progress set aside (MENU, or a day of silence), to be resumed."""

    state: str
    answers: dict[str, Any]
    scratch: "Scratch"


@dataclass
class Scratch:
    """Where the conversation is, beside the user's answers."""

    history: list[str] = field(default_factory=list)  # the questions answered, for KEMBALI
    offer: Offer | None = None
    pending: Pending | None = None
    edit_until: str | None = None  # UBAH: back to the summary after this question
    draft: Draft | None = None
    code: str | None = None  # the booking being changed or answered
    topic: str | None = None  # ... and its topic, for the free times
    prescription: dict[str, Any] | None = None  # an expert's draft (bot/commands/expert.py)
    prompt: str | None = None  # the last question that could be tapped: its prompt's name
    rating_for: str | None = None  # a session answered SUDAH / BELUM whose 1–5 is still asked
    meant: dict[str, str] | None = None  # an administrator's near miss offered for YA
    survey: dict[str, Any] | None = None  # the SKM under way: code, question, levels so far

    def to_json(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if value not in (None, [])}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> "Scratch":
        data = dict(data or {})
        if data.get("offer") is not None:
            data["offer"] = Offer(**data["offer"])
        if data.get("pending") is not None:
            data["pending"] = Pending(**data["pending"])
        if data.get("draft") is not None:
            draft = dict(data["draft"])
            data["draft"] = Draft(draft["state"], draft["answers"], cls.from_json(draft["scratch"]))
        return cls(**data)

    def copy(self) -> "Scratch":
        return Scratch.from_json(self.to_json())


@dataclass(frozen=True)
class Chat:
    """The stored conversation of one phone number."""

    state: str = Home.START
    answers: dict[str, Any] = field(default_factory=dict)
    scratch: Scratch = field(default_factory=Scratch)
    lang: str = "id"
    opted_out: bool = False
    updated_at: datetime | None = None


@dataclass(frozen=True)
class Incoming:
    text: str = ""
    media_type: str | None = None  # MIME type of the first attachment, if any
    location: bool = False
    tap: str | None = None  # the id of a tapped button or list row ("topic:3")
    quoted: str | None = None  # the MessageSid of our message this one replies to (WhatsApp)


@dataclass(frozen=True)
class SubmitBooking:
    answers: dict[str, Any]


@dataclass(frozen=True)
class ForwardToAdmins:
    text: str


@dataclass(frozen=True)
class CancelBooking:
    code: str


@dataclass(frozen=True)
class RescheduleBooking:
    code: str
    start: datetime


@dataclass(frozen=True)
class AcceptProposal:
    code: str


@dataclass(frozen=True)
class RejectProposal:
    code: str
    start: datetime


@dataclass(frozen=True)
class RateSession:
    code: str
    score: int


@dataclass(frozen=True)
class CaseAnswer:
    """SUDAH (solved) or BELUM to "is the problem solved?"."""

    code: str
    solved: bool


@dataclass(frozen=True)
class SaveSurvey:
    """The public satisfaction survey's answers about one session (None: skipped)."""

    code: str
    levels: dict[str, int | None]
    comment: str = ""


Effect = (
    SubmitBooking
    | ForwardToAdmins
    | CancelBooking
    | RescheduleBooking
    | AcceptProposal
    | RejectProposal
    | RateSession
    | CaseAnswer
    | SaveSurvey
)


@dataclass
class Reply:
    """The conversation after one message: what to store, say and do."""

    chat: Chat
    texts: list[str] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
    prompt: Any = None  # a flows.prompts.Prompt: texts[prompt_at] may be answered with a tap
    prompt_at: int = -1
