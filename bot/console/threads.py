"""The console's conversations: every number's WhatsApp thread (what it sent, what it got and
whether that arrived), searchable, with its bookings and cases beside it; an administrator
answers from here or takes the thread. Answering and taking run the same code as BALAS and
TANGANI on WhatsApp."""

from dataclasses import dataclass
from datetime import datetime

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for

from bot.commands import admin
from bot.console import bp
from bot.console.auth import login_required
from bot.console.filters import page
from bot.lifecycle import Acting
from bot.meetings import Prepared
from flows.admin import Command, Verb
from flows.calendar import format_start, format_waited
from flows.kinds import KINDS
from flows.lifecycle import Actor
from flows.phone import normalize_phone
from flows.templates import VARIABLE_LENGTH, bodies
from storage.bookings import history_of_cooperatives
from storage.contents import template_sid
from storage.conversations import WINDOW, is_opted_out, last_inbound_at
from storage.db import transaction
from storage.directory import admin_phones, person_name
from storage.models import Case
from storage.threads import find_threads, standing_of, thread, waiting_threads
from storage.users import Role


def _db():
    return transaction(current_app.extensions["engine"])


def _now() -> datetime:
    return current_app.extensions["clock"]()


@dataclass(frozen=True)
class Entry:
    """One message of a thread, either way."""

    at: datetime
    inbound: bool
    body: str
    kind: str = ""
    status: str = ""
    by: str = ""  # the administrator who wrote an answer


def _in_order(inbound, outbound, authors: dict[str, str]) -> list[Entry]:
    """Both ways in the order they happened: each reply right after the message it answers
    (they may carry the same second)."""
    asked = {m.sid: (m.received_at, n) for n, m in enumerate(inbound)}
    keyed = [((m.received_at, n, 0, 0), Entry(m.received_at, True, m.body))
             for n, m in enumerate(inbound)]  # fmt: skip
    last = len(inbound)
    for m in outbound:
        at, n = asked.get(m.reply_to or "", (m.created_at, last))
        entry = Entry(m.created_at, False, m.body, m.kind, m.status, authors.get(m.author, ""))
        keyed.append(((at, n, 1, m.id), entry))
    return [entry for _key, entry in sorted(keyed, key=lambda pair: pair[0])]


def waiting_banner(db) -> str | None:
    """The inbox's line about "Hubungi admin" messages that wait for an answer."""
    count, oldest = waiting_threads(db, limit=1)
    if not count:
        return None
    waited = format_waited(_now() - oldest[0].waiting_since)
    return page("threads")["inbox_waiting"].format(count=count, waited=waited)


@bp.get("/threads")
@login_required(Role.ADMIN)
def threads():
    search, waiting = request.args.get("q", "")[:100], request.args.get("waiting") == "1"
    settings = current_app.extensions["settings"]
    with _db() as db:
        staff_numbers = tuple(admin_phones(db, settings.admin_numbers))
        rows = find_threads(db, search, waiting, not_staff=staff_numbers)
        takers = {row.phone: person_name(db, row.standing.taken_by)
                  for row in rows if row.standing and row.standing.taken_by}  # fmt: skip
    now = _now()
    waited = {row.phone: format_waited(now - row.standing.waiting_since)
              for row in rows if row.standing and row.standing.waiting_since}  # fmt: skip
    return render_template("console/threads.html", rows=rows, search=search, waiting=waiting,
                           waited=waited, takers=takers)  # fmt: skip


def _phone() -> str:
    phone = normalize_phone(request.values.get("phone", ""))
    if phone is None:
        abort(404)
    return phone


def _window_note(db, phone: str) -> tuple[str, bool]:
    """How an answer would go now, and whether it can go at all."""
    words, now = page("thread"), _now()
    if is_opted_out(db, phone):
        return words["stopped"], False
    last = last_inbound_at(db, phone)
    if last is not None and now - last < WINDOW:
        return words["inside"].format(until=format_start(last + WINDOW)), True
    template = KINDS["admin_reply"].template
    if not template_sid(db, current_app.extensions["settings"].templates, template):
        return words["outside_no_template"].format(template=template), False
    body = bodies()[template].replace("{{1}}", "…")
    return words["outside"].format(template=template, body=body, longest=VARIABLE_LENGTH), True


@bp.get("/thread")
@login_required(Role.ADMIN)
def thread_page():
    phone = _phone()
    with _db() as db:
        inbound, outbound = thread(db, phone)
        if not inbound and not outbound:
            abort(404)
        authors = {m.author: person_name(db, m.author) for m in outbound if m.author}
        entries = _in_order(inbound, outbound, authors)
        bookings = [booking for booking, _coop, _topic in history_of_cooperatives(db, phone)]
        cooperatives = list(dict.fromkeys(b.cooperative.name for b in bookings))
        cases = [db.get(Case, key) for key in dict.fromkeys(b.case_id for b in bookings) if key]
        standing = standing_of(db, phone)
        taker = person_name(db, standing.taken_by) if standing and standing.taken_by else None
        note, can_answer = _window_note(db, phone)
    waited = (format_waited(_now() - standing.waiting_since)
              if standing and standing.waiting_since else None)  # fmt: skip
    return render_template("console/thread.html", phone=phone, entries=entries,
                           bookings=bookings, cooperatives=cooperatives, cases=cases,
                           standing=standing, taker=taker, waited=waited, note=note,
                           can_answer=can_answer)  # fmt: skip


def _run(command: Command) -> list[str]:
    settings = current_app.extensions["settings"]
    with _db() as db:
        act = Acting(db, Actor.ADMINISTRATOR, g.user.email, _now(), settings,
                     Prepared(settings.meetings))  # fmt: skip
        return admin.run(act, command)


@bp.post("/thread/answer")
@login_required(Role.ADMIN)
def answer():
    phone, text = _phone(), request.form.get("text", "").strip()
    if not text:
        flash(page("thread")["no_text"])
    else:
        for line in _run(Command(Verb.REPLY, phone=phone, text=text)):
            flash(line)
    return redirect(url_for("console.thread_page", phone=phone))


@bp.post("/thread/take")
@login_required(Role.ADMIN)
def take():
    phone = _phone()
    for line in _run(Command(Verb.TAKE, phone=phone)):
        flash(line)
    return redirect(url_for("console.thread_page", phone=phone))


