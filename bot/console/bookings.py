"""The console's bookings: the inbox, a booking's file with its actions, the week calendar.

Every action runs the same code as the matching WhatsApp command, so it sends exactly the
same messages; which actions a page offers is read from the lifecycle table.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from sqlmodel import Session

from bot.commands import admin
from bot.commands.expert import prescribe
from bot.console import bp
from bot.console.acting import acting, in_transaction, now
from bot.console.auth import login_required
from bot.console.threads import waiting_banner
from bot.console.visits import tablet_survey
from bot.lifecycle import refusal
from bot.lifecycle.facts import case_line
from bot.lifecycle.sessions import Refused, change
from bot.meetings import with_meetings
from flows.admin import Command, Mistyped, Verb, with_reason
from flows.calendar import Refusal, format_clock, format_date, format_start
from flows.catalogue import names, staff
from flows.choices import COOP_KINDS, PROBLEM_AREAS, ROLES, TOPICS
from flows.dates import WIB, iso_day, parse_when, read_day
from flows.kecamatan import KECAMATAN
from flows.lifecycle import Actor, CaseStatus, NotAllowed, allowed
from flows.links import is_meeting_link
from flows.words import number
from storage.agenda import requests_between, sessions_between
from storage.bookings import booking_by_code
from storage.console import Filters, booking_file, read_inbox
from storage.directory import active_experts
from storage.models import Booking
from storage.roles import CLINIC_ROLES, Role
from storage.schedule import lock_schedule, working_calendar

INBOX_PAGE = 50


def _own(expert_id: int | None = None) -> int | None:
    """Experts see their own sessions only."""
    return (g.user.expert_id or -1) if g.user.role == Role.EXPERT else expert_id


@bp.get("/")
@login_required(*CLINIC_ROLES)
def inbox():
    chosen = {key: request.args.get(key, "") for key in ("status", "topic", "kecamatan", "date")}
    between = None
    if chosen["date"]:
        if (day := read_day(chosen["date"], now())) is None:
            flash(staff("console.bad_date"))
        else:
            start = datetime.combine(day, datetime.min.time(), WIB)
            between = (start, start + timedelta(days=1))
    filters = Filters(chosen["status"], chosen["topic"], chosen["kecamatan"], between)
    current = max(number(request.args.get("page", "1")) or 1, 1)
    with in_transaction() as db:
        page = read_inbox(db, filters, _own(), INBOX_PAGE, (current - 1) * INBOX_PAGE)
        banner = waiting_banner(db) if g.user.role == Role.ADMIN else None
    return render_template("console/inbox.html", rows=page.rows, statuses=names("status"),
                           waiting_banner=banner,
                           topics=TOPICS.labels(), waiting=page.waiting, current=current,
                           more=page.more,
                           kecamatans=KECAMATAN, chosen=chosen)  # fmt: skip


def _booking_or_404(db: Session, code: str):
    booking = booking_by_code(db, code)
    if booking is None:
        abort(404)
    if g.user.role == Role.EXPERT and booking.expert_id != g.user.expert_id:
        abort(404)  # nothing leaks about other experts' sessions
    return booking


@bp.get("/booking/<code>")
@login_required(*CLINIC_ROLES)
def booking_page(code: str):
    with in_transaction() as db:
        booking = _booking_or_404(db, code)
        file = booking_file(db, booking)
        experts = active_experts(db)
        actor = acting(db).actor
        can = allowed(booking.status, actor, booking.requested_start, now())
        follow_up = case_line(db, booking, "admin_follow_up").strip()
    return render_template(
        "console/booking.html",
        booking=booking,
        file=file,
        cooperative=booking.cooperative,
        expert=booking.expert,
        case=booking.case,
        open_case=booking.case is not None and booking.case.status == CaseStatus.OPEN,
        experts=experts,
        allowed=can,
        topic=TOPICS.label(booking.topic_key),
        area=PROBLEM_AREAS.label(booking.problem_area),
        role=ROLES.label(booking.contact_role),
        coop_kind=COOP_KINDS.label(booking.cooperative.kind) if booking.cooperative.kind else "-",
        follow_up=follow_up,
        tablet_survey=tablet_survey(booking),
    )


def _parse_time(text: str) -> datetime | None | str:
    """A time typed like on WhatsApp; None when left empty, or the error to show."""
    if not text.strip():
        return None
    when = parse_when(text, now())
    if when is None or when.time is None:
        return staff("console.bad_time", text=text)
    return datetime.combine(when.date, when.time, WIB)


def _expert_id() -> int | None:
    """The expert a form picked (none: the usual choice)."""
    chosen = request.form.get("expert_id", "")
    return number(chosen)


def _command(action: str, code: str, start: datetime | None) -> Command | Mistyped | None:
    """The WhatsApp command a form is; None when the form lacks what it needs."""
    form = request.form
    expert_id = _expert_id()
    reason = form.get("reason", "").strip()
    if action in ("confirm", "move"):
        if action == "move" and start is None:
            return None
        return Command(Verb.CONFIRM, code, start=start, url=form.get("url") or None,
                       expert_id=expert_id)  # fmt: skip
    if action == "propose":
        return Command(Verb.PROPOSE, code, start=start) if start else None
    if action == "decline":
        return with_reason(Verb.DECLINE, code, reason) if reason else None
    abort(404)


@bp.post("/booking/<code>/<action>")
@login_required(Role.ADMIN)
def booking_action(code: str, action: str):
    start = _parse_time(request.form.get("start", ""))
    if isinstance(start, str):
        flash(start)
        return redirect(url_for("console.booking_page", code=code))
    if action in ("expert", "link"):
        lines = _change_session(code, action)
    elif (command := _command(action, code, start)) is None:
        lines = [staff("console.incomplete")]
    else:
        settings = current_app.extensions["settings"]
        lines = with_meetings(current_app.extensions["engine"], settings.meetings,
                              lambda db, meetings: admin.run(acting(db, meetings), command))
    for line in lines:
        flash(line)
    return redirect(url_for("console.booking_page", code=code))


def _change_session(code: str, action: str) -> list[str]:
    form = request.form
    url = form.get("url") or None
    hosts = current_app.extensions["settings"].link_hosts
    if action == "link" and (not url or not is_meeting_link(url, hosts)):
        return [staff("console.bad_link", hosts=", ".join(hosts))]
    expert_id = _expert_id()
    with in_transaction() as db:
        lock_schedule(db)  # another expert for the session: checked and taken under the lock
        booking = _booking_or_404(db, code)
        act = acting(db)
        try:
            change(act, booking, expert_id=expert_id, url=url)
        except NotAllowed as error:
            return [refusal(booking, error, act.actor)]
        except Refused as why:
            return [str(why)]
        return [staff("admin_confirmed", code=booking.code,
                      start=format_start(booking.requested_start), expert=booking.expert.name,
                      link=booking.meeting_link)]  # fmt: skip


@bp.post("/booking/<code>/prescription")
@login_required(Role.ADMIN, Role.EXPERT)
def prescription(code: str):
    """The same as the expert's RESEP command, from a text area."""
    text = request.form.get("text", "").strip()
    with in_transaction() as db:
        booking = _booking_or_404(db, code)
        act = acting(db)
        if not text:
            flash(staff("console.no_prescription"))
        else:
            try:
                flash(prescribe(act, booking, text))
            except NotAllowed as error:
                flash(refusal(booking, error, Actor.EXPERT))
    return redirect(url_for("console.booking_page", code=code))


@bp.post("/booking/<code>/close")
@login_required(Role.ADMIN)
def close(code: str):
    reason = request.form.get("reason", "").strip()
    with in_transaction() as db:
        _booking_or_404(db, code)
        if not reason:
            flash(staff("console.no_close_reason"))
        else:  # the same reading as TUTUP on WhatsApp
            for line in admin.run(acting(db), with_reason(Verb.CLOSE, code, reason)):
                flash(line)
    return redirect(url_for("console.booking_page", code=code))


def opening_week(today: date) -> date:
    """The Monday the calendar opens on: this week's, or on a weekend the next one's."""
    monday = today - timedelta(days=today.weekday())
    return monday + timedelta(days=7) if today.weekday() >= 5 else monday


@dataclass(frozen=True)
class CalendarDay:
    day: date
    closed: str | None  # why the clinic is closed (a holiday, a closed day)
    slots: list[tuple[str, list[Booking], list[Booking]]]  # time, sessions, waiting requests


@bp.get("/calendar")
@login_required(*CLINIC_ROLES)
def calendar():
    today = now().astimezone(WIB).date()
    chosen = iso_day(request.args.get("week", ""))
    monday = chosen - timedelta(days=chosen.weekday()) if chosen else opening_week(today)
    days = [monday + timedelta(days=n) for n in range(5)]
    picked = iso_day(request.args.get("day", ""))
    shown = picked if picked in days else (today if today in days else days[0])
    start = datetime.combine(monday, datetime.min.time(), WIB)
    end = start + timedelta(days=7)
    hours = current_app.extensions["settings"].hours
    with in_transaction() as db:
        sessions = sessions_between(db, start, end, _own())
        waiting = requests_between(db, start, end) if g.user.role == Role.ADMIN else []
        working = working_calendar(db, now(), hours)
    by_slot: dict[datetime, tuple[list, list]] = {}
    for booking in sessions:
        by_slot.setdefault(booking.requested_start.astimezone(WIB), ([], []))[0].append(booking)
    for booking in waiting:
        by_slot.setdefault(booking.requested_start.astimezone(WIB), ([], []))[1].append(booking)
    plan = []
    for day in days:
        closed = None if working.is_working_day(day) else (
            working.day_refusal(day, day) or Refusal("closed")).detail or "-"  # fmt: skip
        starts = working.day_starts(day)
        extra = [at for at in by_slot if at.date() == day and at not in starts]  # off-grid ones
        slots = [(format_clock(at), *by_slot.get(at, ([], []))) for at in sorted(starts + extra)]
        plan.append(CalendarDay(day, closed, slots))
    return render_template("console/calendar.html", plan=plan, shown=shown, monday=monday,
                           previous=monday - timedelta(days=7),
                           following=monday + timedelta(days=7),
                           week=f"{format_date(days[0])} – {format_date(days[-1])}")  # fmt: skip
