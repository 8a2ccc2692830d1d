"""The values passed in and out of the conversation: plain data, no behaviour."""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from flows.calendar import ClinicCalendar

DEFAULT_ADDRESS = (
    "Kantor Dinas Koperasi dan Usaha Mikro Kabupaten Tangerang, Pusat Pemerintahan Kabupaten "
    "Tangerang, Tigaraksa"
)


class S(StrEnum):
    START = "start"
    MENU = "menu"
    RESUME = "resume"
    USE_KNOWN = "use_known"
    COOP_NAME = "coop_name"
    NIK = "nik"
    COOP_KIND = "coop_kind"
    KECAMATAN = "kecamatan"
    CONTACT_NAME = "contact_name"
    CONTACT_ROLE = "contact_role"
    TOPIC = "topic"
    PROBLEM_AREA = "problem_area"
    PROBLEM_TEXT = "problem_text"
    WHEN = "when"
    CONFIRM = "confirm"
    SUMMARY = "summary"
    EDIT = "edit"
    CONTACT_ADMIN = "contact_admin"
    MANAGE_PICK = "manage_pick"
    MANAGE_ACTION = "manage_action"
    MANAGE_CANCEL = "manage_cancel"
    MANAGE_WHEN = "manage_when"
    PROPOSAL_WHEN = "proposal_when"
    FOLLOW_UP = "follow_up"


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
    case_id: int | None = None
    case_open: bool = True
    problem_area: str = ""


@dataclass(frozen=True)
class Context:
    now: datetime
    calendar: ClinicCalendar = field(default_factory=ClinicCalendar)
    known: dict[str, Any] | None = None  # the cooperative's details from this number's last booking
    bookings: tuple[BookingView, ...] = ()
    address: str = DEFAULT_ADDRESS


@dataclass(frozen=True)
class Chat:
    """The stored conversation of one phone number."""

    state: str = S.START
    answers: dict[str, Any] = field(default_factory=dict)
    lang: str = "id"
    opted_out: bool = False
    updated_at: datetime | None = None


@dataclass(frozen=True)
class Incoming:
    text: str = ""
    media_type: str | None = None  # MIME type of the first attachment, if any
    location: bool = False


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


Effect = (
    SubmitBooking
    | ForwardToAdmins
    | CancelBooking
    | RescheduleBooking
    | AcceptProposal
    | RejectProposal
    | RateSession
    | CaseAnswer
)


@dataclass
class Reply:
    """The conversation after one message: what to store, say and do."""

    chat: Chat
    texts: list[str] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
