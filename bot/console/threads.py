"""The console's conversations: every number's WhatsApp thread (what it sent, what it got and
whether that arrived), searchable, with its bookings and cases beside it; an administrator
answers from here or takes the thread. Answering and taking run the same code as BALAS and
TANGANI on WhatsApp."""

from dataclasses import dataclass
from datetime import datetime

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from bot.commands import admin
from bot.console import bp
from bot.console.acting import acting, in_transaction, now
from bot.console.auth import login_required
from bot.console.filters import page
from bot.lifecycle.threads import KIND, Route, way_to
from flows.admin import Command, Verb
from flows.calendar import format_start, format_waited
from flows.phone import normalize_phone
from flows.templates import VARIABLE_LENGTH, bodies
from storage.bookings import history_of_cooperatives
from storage.conversations import WINDOW
from storage.directory import admin_phones, person_name
from storage.models import Case
from storage.roles import Role
from storage.threads import find_threads, standing_of, thread, waiting_threads


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
    waited = format_waited(now() - oldest[0].waiting_since)
    return page("threads")["inbox_waiting"].format(count=count, waited=waited)


@bp.get("/threads")
@login_required(Role.ADMIN)
def threads():
    search, waiting = request.args.get("q", "")[:100], request.args.get("waiting") == "1"
    settings = current_app.extensions["settings"]
    with in_transaction() as db:
        staff_numbers = tuple(admin_phones(db, settings.admin_numbers))
        rows = find_threads(db, search, waiting, not_staff=staff_numbers)
        takers = {row.phone: person_name(db, row.standing.taken_by)
                  for row in rows if row.standing and row.standing.taken_by}  # fmt: skip
    moment = now()
    waited = {row.phone: format_waited(moment - row.standing.waiting_since)
              for row in rows if row.standing and row.standing.waiting_since}  # fmt: skip
    return render_template("console/threads.html", rows=rows, search=search, waiting=waiting,
                           waited=waited, takers=takers)  # fmt: skip


def _phone() -> str:
    phone = normalize_phone(request.values.get("phone", ""))
    if phone is None:
        abort(404)
    return phone


def _window_note(db, phone: str) -> tuple[str, bool]:
    """How an answer would go now (the same decision as BALAS), and whether it can go."""
    words, template = page("thread"), KIND.template
    way = way_to(acting(db), phone)
    if way.route == Route.TEXT:
        return words["inside"].format(until=format_start(way.last_written + WINDOW)), True
    if way.route == Route.TEMPLATE:
        body = bodies()[template].replace("{{1}}", "…")
        return words["outside"].format(template=template, body=body,
                                       longest=VARIABLE_LENGTH), True  # fmt: skip
    if way.route == Route.NO_TEMPLATE:
        return words["outside_no_template"].format(template=template), False
    return words["stopped"], False  # an unknown number has no thread to show


@bp.get("/thread")
@login_required(Role.ADMIN)
def thread_page():
    phone = _phone()
    with in_transaction() as db:
        inbound, outbound = thread(db, phone)
        if not inbound and not outbound:
            abort(404)
        authors = {m.author: person_name(db, m.author) for m in outbound if m.author}
        entries = _in_order(inbound, outbound, authors)
        bookings = [booking for booking, _coop in history_of_cooperatives(db, phone)]
        cooperatives = list(dict.fromkeys(b.cooperative.name for b in bookings))
        cases = [db.get(Case, key) for key in dict.fromkeys(b.case_id for b in bookings) if key]
        standing = standing_of(db, phone)
        taker = person_name(db, standing.taken_by) if standing and standing.taken_by else None
        note, can_answer = _window_note(db, phone)
    waited = (format_waited(now() - standing.waiting_since)
              if standing and standing.waiting_since else None)  # fmt: skip
    return render_template("console/thread.html", phone=phone, entries=entries,
                           bookings=bookings, cooperatives=cooperatives, cases=cases,
                           standing=standing, taker=taker, waited=waited, note=note,
                           can_answer=can_answer)  # fmt: skip


def _run(command: Command) -> list[str]:
    with in_transaction() as db:
        return admin.run(acting(db), command)


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
