"""What many tests share: the people of the fixtures, a signed WhatsApp, the booking script,
requests straight into the database, the console log-in, the scheduler at a moment.

Fixtures live in conftest.py; everything a test module imports lives here or in fakes.py.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree

import pytest
from sqlalchemy import Engine, text
from sqlmodel import SQLModel, col, select
from twilio.request_validator import RequestValidator

from flows.dates import WIB
from storage.db import make_engine, transaction

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
IN_CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
EKLINIK = shutil.which("eklinik", path=str(Path(sys.executable).parent)) or "eklinik"
GUNICORN = str(Path(sys.executable).parent / "gunicorn")

AUTH_TOKEN = "test-auth-token"
# What production needs beside the database (bot.config.refuse_unsafe), for apps under test
# that talk to a fake or mock Twilio.
PRODUCTION = {
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
    "TWILIO_WHATSAPP_FROM": "+14155238886",
    "SECRET_KEY": "k9Qe2LrT7vWx4ZpB1nHs8YcF3mJd6GaU",
}
ADMIN = "+6281100000001"
AHMAD = "+6281100000002"  # the institutions and mentoring expert of the fixtures
SRI = "+6281100000003"  # the finance and business expert of the fixtures
COOP_PHONE = "+6281234567890"
PASSWORD = "rahasia-sekali"


def at(text_time: str) -> datetime:
    """An aware instant in WIB: at('2026-11-27 10:00')."""
    return datetime.fromisoformat(text_time).replace(tzinfo=WIB)


NOW = at("2026-11-27 10:00")  # Friday 27 November 2026


def unavailable(reason: str) -> None:
    """Skip locally with the reason; in CI a missing service is a failure, never a skip."""
    if IN_CI:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


def corpus(name: str) -> list[list[str]]:
    """The rows of ../shared/corpus/<name>.tsv (comments and blank lines left out)."""
    path = SHARED / "corpus" / f"{name}.tsv"
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]  # fmt: skip


def shown_when(text_sent: str, now: datetime) -> str:
    """What parse_when read, as the corpus writes it: "2026-11-30 10:00", or NONE."""
    from flows.dates import parse_when

    when = parse_when(text_sent, now)
    if when is None:
        return "NONE"
    return when.date.isoformat() + (f" {when.time:%H:%M}" if when.time else "")


# --- local servers -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(server):
    """A local HTTP server (a fake API) answering in a thread while the block runs."""
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def wait_for_port(port: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.2)
    return False


# --- databases -----------------------------------------------------------------------------------


def empty(engine: Engine) -> None:
    tables = SQLModel.metadata.sorted_tables
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            quote = engine.dialect.identifier_preparer.quote
            names = ", ".join(quote(table.name) for table in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            return
        for table in reversed(tables):
            conn.execute(table.delete())


def prepared_engine(url: str) -> Engine:
    """An emptied database with the topics, one administrator and two experts."""
    from storage.directory import add_admin, add_expert, ensure_topics

    engine = make_engine(url)
    empty(engine)
    with transaction(engine) as session:
        ensure_topics(session)
        add_admin(session, ADMIN, "Admin")
        add_expert(session, "Dr. Ahmad", AHMAD, ["kelembagaan", "pendampingan"])
        add_expert(session, "Ir. Sri", SRI, ["keuangan", "usaha"])
    return engine


def answers(start: str, topic: str = "keuangan", name: str = "KSP") -> dict:
    """A finished conversation's answers, as SubmitBooking carries them."""
    return {
        "coop_name": name, "nik": None, "coop_kind": "ksp", "kecamatan": "Cikupa",
        "in_regency": True, "contact_name": "Siti", "contact_role": "ketua", "topic": topic,
        "problem_area": "keuangan", "problem_text": "Tunggakan anggota meningkat.",
        "start": at(start).isoformat(),
    }  # fmt: skip


def request(engine, phone: str, start: str, topic: str = "keuangan", name: str = "KSP") -> str:
    """A waiting request, straight into the database (the conversation is tested elsewhere)."""
    from storage.bookings import new_booking, save_new

    with transaction(engine) as session:
        booking = new_booking(session, phone, answers(start, topic, name))
        save_new(session, booking)
        return booking.code


def set_link(engine, phone: str, link: str | None) -> None:
    """An expert's standing meeting link."""
    from storage.models import Expert

    with transaction(engine) as session:
        expert = session.exec(select(Expert).where(Expert.phone == phone)).one()
        expert.meeting_link = link
        session.add(expert)


def queue_message(session, to: str, kind: str = "reply", when: datetime = NOW, **facts: str):
    """One message in the outbox, straight into the database: the kind's text, each of its
    placeholders the test does not name reading "x"."""
    import string

    from flows.catalogue import say, staff
    from flows.kinds import KINDS
    from storage.outbox import enqueue

    found = KINDS[kind]
    text = "{text}" if found.text is None else (staff if found.staff else say)(found.text)
    names = {field for _l, field, _s, _c in string.Formatter().parse(text) if field}
    [message] = enqueue(session, found, to, when, {**dict.fromkeys(names, "x"), **facts})
    return message


def messages_to(engine, phone: str, kind: str | None = None) -> list:
    """Every outbound message to a number (of one kind), oldest first."""
    from storage.models import OutboundMessage

    with transaction(engine) as session:
        query = select(OutboundMessage).where(OutboundMessage.to_phone == phone)
        if kind:
            query = query.where(OutboundMessage.kind == kind)
        return list(session.exec(query.order_by(col(OutboundMessage.id))).all())


# --- WhatsApp ------------------------------------------------------------------------------------


class WhatsApp:
    """Posts to the webhook the way Twilio does, signed with the auth token."""

    URL = "http://localhost/whatsapp/inbound"

    def __init__(self, client, token: str = AUTH_TOKEN, url: str | None = None) -> None:
        self.client = client
        self.validator = RequestValidator(token)
        self.url = url or self.URL

    def form(self, phone: str, body: str = "", **extra: str) -> dict[str, str]:
        return {
            "From": f"whatsapp:{phone}",
            "To": "whatsapp:+14155238886",
            "Body": body,
            "MessageSid": f"SM{uuid.uuid4().hex}",
            "NumMedia": "0",
            "ProfileName": "Pengurus",
            "WaId": phone.lstrip("+"),
            **extra,
        }

    def post(self, form: dict[str, str], signature: str | None = None, headers=None):
        if signature is None:
            signature = self.validator.compute_signature(self.url, form)
        headers = {"X-Twilio-Signature": signature, **(headers or {})}
        return self.client.post("/whatsapp/inbound", data=form, headers=headers)

    def send(self, phone: str, body: str = "", **extra: str) -> list[str]:
        """The bot's replies to one message."""
        response = self.post(self.form(phone, body, **extra))
        assert response.status_code == 200, response.data
        return replies_of(response.data)


def replies_of(twiml: bytes) -> list[str]:
    root = ElementTree.fromstring(twiml)
    return [message.text or "" for message in root.iter("Message")]


BOOKING = [
    ("halo", "Silakan pilih"),
    ("1", "nama koperasi"),
    ("Koperasi Maju Bersama", "Nomor Induk Koperasi"),
    ("3603 1234 5678 0001", "jenis koperasi"),
    ("simpan pinjam", "kecamatan"),
    ("ps kemis", "Maksud Anda Kecamatan *Pasar Kemis*?"),
    ("ya", "narahubung"),
    ("Siti Aminah", "jabatan"),
    ("bendahara", "Topik konsultasi"),
    ("3", "Masalahnya termasuk"),
    ("keuangan", "Ceritakan singkat"),
    ("Banyak anggota menunggak pinjaman sejak Januari.", "Kapan Anda ingin"),
    ("senin depan jam 10", "Mohon periksa data"),
]


def book(whatsapp: WhatsApp, phone: str = COOP_PHONE) -> list[str]:
    """The whole booking conversation (finance, Monday 30 November 10.00), then YA."""
    for text_sent, expected in BOOKING:
        replies = whatsapp.send(phone, text_sent)
        assert expected in "\n".join(replies), (text_sent, replies)
    return whatsapp.send(phone, "YA")


def admin(whatsapp: WhatsApp, text_sent: str) -> str:
    """An administrator's command and the whole answer."""
    return "\n".join(whatsapp.send(ADMIN, text_sent))


# --- the console ---------------------------------------------------------------------------------


def token(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page)[1]


def log_in(client, email: str = "admin@dinas.go.id", password: str = PASSWORD):
    """Log in through the form, with its CSRF token."""
    return client.post(
        "/admin/login",
        data={"email": email, "password": password, "csrf_token": token(client, "/admin/login")},
    )


def post(client, path: str, page: str, **data: str):
    return client.post(path, data={**data, "csrf_token": token(client, page)},
                       follow_redirects=True)  # fmt: skip


# --- the scheduler and the command line ----------------------------------------------------------


def run_at(app, when: datetime):
    """One scheduler pass at `when`, with the app's settings, to the local outbox."""
    from bot.outbound.messenger import LocalOutbox
    from bot.outbound.scheduler import tick

    return tick(app.extensions["engine"], LocalOutbox(), when, app.extensions["settings"],
                app.extensions["send_policy"])  # fmt: skip


def process_environment(**settings: str) -> dict[str, str]:
    """What a process under test starts from: this one's environment without the service's
    own settings (Twilio, Zoom, demo mode, the secret key), and `settings` instead."""
    own = ("TWILIO_", "ZOOM_", "EKLINIK_DEMO", "SECRET_KEY")
    env = {key: value for key, value in os.environ.items() if not key.startswith(own)}
    env.update(settings)
    return env


def eklinik(url: str, *args: str, stdin: str = "", **environ: str) -> subprocess.CompletedProcess:
    """The `eklinik` command in its own process, on the database at `url`, in demo mode
    unless `environ` says otherwise."""
    env = process_environment(**{"DATABASE_URL": url, "ADMIN_NUMBERS": "", "EKLINIK_DEMO": "1",
                                 **environ})  # fmt: skip
    return subprocess.run(
        [EKLINIK, *args], input=stdin, env=env, capture_output=True, text=True, timeout=60
    )


def scheduler_environment(db_url: str, twilio_url: str) -> dict[str, str]:
    """What a production `eklinik scheduler` process gets, against a fake Twilio."""
    from tests.fakes import ACCOUNT, SENDER

    return process_environment(
        DATABASE_URL=db_url,
        ADMIN_NUMBERS="",
        TWILIO_ACCOUNT_SID=ACCOUNT,
        TWILIO_AUTH_TOKEN="token",
        TWILIO_WHATSAPP_FROM=SENDER,
        TWILIO_API_BASE_URL=twilio_url,
        TWILIO_CONTENT_SID_REPLY="HX" + "d" * 32,  # nobody wrote: the template goes
        TWILIO_MPS="0",
        SECRET_KEY=PRODUCTION["SECRET_KEY"],
    )


# --- the pure conversation -----------------------------------------------------------------------


class User:
    """One phone's conversation, kept between messages as the database would keep it."""

    def __init__(self, ctx=None) -> None:
        from flows.model import Chat, Context

        self.chat = Chat()
        self.ctx = ctx or Context(now=NOW)
        self.effects: list = []

    def says(self, text_sent: str = "", **incoming) -> str:
        from flows.conversation import handle
        from flows.model import Incoming

        reply = handle(self.chat, Incoming(text=text_sent, **incoming), self.ctx)
        self.chat, self.last = reply.chat, reply
        self.effects.extend(reply.effects)
        return "\n".join(reply.texts)

    def taps(self, value: str) -> str:
        """Tap the option whose value is `value` on the last question's buttons or list."""
        prompt = self.last.prompt
        assert prompt is not None, "the last question has nothing to tap"
        option = next(o for o in prompt.options if o.value == value)
        return self.says(option.title, tap=prompt.option_id(option))

    @property
    def state(self) -> str:
        return self.chat.state

    @property
    def answers(self) -> dict:
        return self.chat.answers


def surveyed() -> User:
    """A number at the menu whose session EK-0001 was done yesterday and whose satisfaction
    question went out an hour ago, still unanswered."""
    from datetime import timedelta

    from flows.conversation import S
    from flows.model import BookingView, Context

    done = BookingView("EK-0001", "done", NOW - timedelta(days=1), "keuangan", "KSP A",
                       survey_at=NOW - timedelta(hours=1), case_id=1,
                       prescription="Rapat.")  # fmt: skip
    user = User(Context(now=NOW, bookings=(done,)))
    user.chat = type(user.chat)(state=S.MENU)
    return user


def booked_up_to(state: str, user: User | None = None) -> User:
    """A user who answered every question before `state`."""
    from flows.conversation import S

    user = user or User()
    script = [
        ("halo", S.MENU), ("1", S.COOP_NAME), ("Koperasi Maju Bersama", S.NIK),
        ("3603 1234 5678 0001", S.COOP_KIND), ("1", S.KECAMATAN), ("Cikupa", S.CONTACT_NAME),
        ("Siti Aminah", S.CONTACT_ROLE), ("bendahara", S.TOPIC), ("3", S.PROBLEM_AREA),
        ("3", S.PROBLEM_TEXT), ("Banyak anggota menunggak pinjaman sejak Januari.", S.WHEN),
        ("senin depan jam 10", S.SUMMARY),
    ]  # fmt: skip
    for text_sent, reached in script:
        if user.state == state:
            break
        user.says(text_sent)
        assert user.state == reached, (text_sent, user.state)
    return user


# --- the replies corpus (../shared/corpus/replies.tsv) ------------------------------------------


def understood(step: str, text_sent: str, expected: str) -> bool:
    """Did the bot read `text_sent`, sent at `step`, as the corpus expects? Each question is
    judged at the parser that reads it, with what the conversation would do next."""
    from flows.chat import plain, yes_no
    from flows.choices import COOP_KINDS, MAIN_MENU, PROBLEM_AREAS, ROLES, TOPICS
    from flows.conversation import booking as booking_steps
    from flows.conversation.aftercare import solved_in
    from flows.conversation.anytime import BACK, CANCEL, HELP, MENU, START, STOP
    from flows.conversation.parsers import (
        contact_name,
        parse_coop_name,
        parse_kecamatan,
        parse_nik,
        parse_problem_text,
    )
    from flows.conversation.steps import Accept, Confirm
    from flows.conversation.talk import Turn
    from flows.model import Context
    from flows.words import fold

    turn = Turn(text=text_sent, lang="id", ctx=Context(now=NOW), answers={})
    reject = expected == "REJECT"

    def picked(choices, judge) -> bool:
        key = choices.pick(text_sent)
        return key is None if reject else key is not None and judge(key)

    def named(choices):
        want = fold(expected)
        return lambda key: want == fold(key) or want in {fold(w) for w in choices.vocabulary[key]}

    if step == "menu":
        return picked(MAIN_MENU, lambda key: str(list(MAIN_MENU).index(key) + 1) == expected)
    if step in ("topic", "coop_type", "role"):
        choices = {"topic": TOPICS, "coop_type": COOP_KINDS, "role": ROLES}[step]
        return picked(choices, named(choices))
    if step == "problem_area":  # an area of that side, or the side alone (then its list)
        group = {"internal": "internal", "eksternal": "external"}[expected]
        key = PROBLEM_AREAS.pick(text_sent)
        return PROBLEM_AREAS.groups[key] == group if key else PROBLEM_AREAS.side(text_sent) == group
    if step == "coop_name":
        outcome = parse_coop_name(turn)
        if reject:
            return not isinstance(outcome, Accept)
        # case aside: a name typed all in lower case is stored title-cased, on purpose
        return (isinstance(outcome, Accept)
                and outcome.values["coop_name"].lower() == expected.lower())  # fmt: skip
    if step == "nik":
        outcome = parse_nik(turn)
        want = None if expected == "BELUM" else expected
        return isinstance(outcome, Accept) and outcome.values["nik"] == want
    if step == "kecamatan":
        outcome = parse_kecamatan(turn)
        if reject:
            return not isinstance(outcome, Accept | Confirm)
        values = outcome.values if isinstance(outcome, Accept | Confirm) else {}
        if expected == "OUTSIDE":
            return values.get("in_regency") is False
        return values.get("kecamatan") == expected and values.get("in_regency") is True
    if step == "name_role":
        outcome = contact_name("topic")(turn)
        if reject:
            return not isinstance(outcome, Accept)
        name, role = expected.split("|")
        role_key = ROLES.pick(role)
        return (isinstance(outcome, Accept) and outcome.values.get("contact_name") == name
                and outcome.values.get("contact_role") == role_key)  # fmt: skip
    if step == "description":
        return isinstance(parse_problem_text(turn), Accept) == (expected == "ACCEPT")
    if step == "satisfaction":
        from flows.conversation.aftercare import score_in

        score = score_in(text_sent)
        return score is None if reject else score == int(expected)
    if step == "solved":
        return solved_in(text_sent) is {"SUDAH": True, "BELUM": False}[expected]
    if step == "yesno":
        return yes_no(text_sent) is {"YA": True, "TIDAK": False}[expected]
    if step == "confirm":
        word = plain(text_sent) or fold(text_sent)
        if word in CANCEL:
            return expected == "BATAL"
        return booking_steps.summary_intent(text_sent) == expected
    if step == "global":
        word = plain(text_sent) or fold(text_sent)
        found = [name for name, words in (("STOP", STOP), ("MULAI", START), ("MENU", MENU),
                                          ("BATAL", CANCEL), ("KEMBALI", BACK),
                                          ("BANTUAN", HELP)) if word in words]  # fmt: skip
        return found == [expected]
    raise ValueError(f"no judge for the corpus step {step!r}")
