"""The console's pages. Every action runs the same code as the matching WhatsApp command, so
it sends exactly the same messages."""

from datetime import date, datetime, timedelta

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from sqlmodel import Session, col, select

from bot import administration
from bot.console import bp
from bot.console.auth import login_required
from bot.expert_actions import save_prescription
from flows.admin import Command, is_https_url
from flows.calendar import ClinicCalendar, ClinicHours, format_day, format_start
from flows.catalogue import name, names, staff
from flows.choices import PROBLEM_AREAS, ROLES, TOPICS
from flows.dates import WIB, parse_when
from flows.kecamatan import KECAMATAN
from flows.phone import normalize_phone
from storage.bookings import booking_by_code, history
from storage.db import transaction
from storage.directory import PhoneTaken, UnknownTopics, add_admin, save_expert
from storage.models import (
    Administrator,
    Booking,
    Case,
    Cooperative,
    Expert,
    ExpertDayOff,
    ExpertTopic,
    OutboundMessage,
    Topic,
)
from storage.schedule import add_closed_day, list_closed_days, remove_closed_day, set_day_off


def _db():
    return transaction(current_app.extensions["engine"])


def _now() -> datetime:
    return current_app.extensions["clock"]()


def _own_only(query):
    """Experts see their own sessions only."""
    if g.user.role == "expert":
        return query.where(Booking.expert_id == (g.user.expert_id or -1))
    return query


@bp.app_template_filter("when")
def _when(value: datetime | None) -> str:
    return format_start(value) if value else "-"


@bp.app_template_filter("topic")
def _topic(key: str) -> str:
    return TOPICS.label(key)


@bp.app_template_filter("status")
def _status(value: str) -> str:
    return name("status", value)


@bp.get("/")
@login_required()
def inbox():
    status = request.args.get("status", "")
    topic = request.args.get("topic", "")
    kecamatan = request.args.get("kecamatan", "")
    day = request.args.get("date", "")
    query = (
        select(Booking, Cooperative, Topic)
        .join(Cooperative, col(Booking.cooperative_id) == Cooperative.id)
        .join(Topic, col(Booking.topic_key) == Topic.key)
        .order_by(col(Booking.updated_at).desc(), col(Booking.id).desc())
    )
    if status:
        query = query.where(Booking.status == status)
    if topic:
        query = query.where(Booking.topic_key == topic)
    if kecamatan:
        query = query.where(Cooperative.kecamatan == kecamatan)
    if day:
        try:
            start = datetime.combine(date.fromisoformat(day), datetime.min.time(), WIB)
        except ValueError:
            flash(staff("console.bad_date"))
        else:
            end = start + timedelta(days=1)
            query = query.where(col(Booking.requested_start).between(start, end))
    with _db() as db:
        rows = db.exec(_own_only(query).limit(200)).all()
    return render_template(
        "console/inbox.html",
        rows=rows,
        statuses=names("status"),
        topics={key: TOPICS.label(key) for key in TOPICS},
        kecamatans=KECAMATAN,
        chosen={"status": status, "topic": topic, "kecamatan": kecamatan, "date": day},
    )


def _booking_or_404(db: Session, code: str) -> Booking:
    booking = booking_by_code(db, code)
    if booking is None:
        abort(404)
    if g.user.role == "expert" and booking.expert_id != g.user.expert_id:
        abort(404)  # nothing leaks about other experts' sessions
    return booking


@bp.get("/booking/<code>")
@login_required()
def booking_page(code: str):
    with _db() as db:
        booking = _booking_or_404(db, code)
        context = {
            "booking": booking,
            "cooperative": db.get(Cooperative, booking.cooperative_id),
            "topic": TOPICS.label(booking.topic_key),
            "expert": db.get(Expert, booking.expert_id) if booking.expert_id else None,
            "events": history(db, booking.id),
            "messages": db.exec(
                select(OutboundMessage)
                .where(OutboundMessage.booking_id == booking.id)
                .order_by(col(OutboundMessage.id))
            ).all(),
            "experts": db.exec(select(Expert).where(col(Expert.active).is_(True))).all(),
            "area": PROBLEM_AREAS.label(booking.problem_area),
            "case": db.get(Case, booking.case_id) if booking.case_id else None,
            "case_sessions": db.exec(
                select(Booking)
                .where(Booking.case_id == booking.case_id)
                .order_by(col(Booking.requested_start))
            ).all()
            if booking.case_id
            else [],
            "role": ROLES.label(booking.contact_role),
        }
    return render_template("console/booking.html", **context)


def _parse_time(text: str) -> datetime | None | str:
    """A time typed like on WhatsApp; None when left empty, or the error to show."""
    if not text.strip():
        return None
    when = parse_when(text, _now())
    if when is None or when.time is None:
        return staff("console.bad_time", text=text)
    return datetime.combine(when.date, when.time, WIB)


@bp.post("/booking/<code>/<action>")
@login_required("admin")
def booking_action(code: str, action: str):
    form = request.form
    start = _parse_time(form.get("start", ""))
    if isinstance(start, str):
        flash(start)
        return redirect(url_for("console.booking_page", code=code))
    expert_id = int(form["expert_id"]) if form.get("expert_id", "").isdigit() else None
    commands = {
        "confirm": lambda: Command(
            "confirm", code, start=start, url=form.get("url") or None, expert_id=expert_id
        ),  # fmt: skip
        "propose": lambda: Command("propose", code, start=start),
        "decline": lambda: Command("decline", code, reason=form.get("reason", "").strip()),
    }
    actor = g.user.email
    with _db() as db:
        settings = current_app.extensions["settings"]
        if action in commands:
            command = commands[action]()
            if action == "propose" and start is None or action == "decline" and not command.reason:
                lines = [staff("console.incomplete")]
            else:
                lines = administration.run(db, command, actor, _now(), settings)
        elif action in ("expert", "link"):
            booking = _booking_or_404(db, code)
            url = form.get("url") or None
            if action == "link" and (not url or not is_https_url(url)):
                lines = [staff("console.bad_link")]
            else:
                lines = administration.update_session(db, booking, actor, _now(), settings,
                                                      expert_id=expert_id, url=url)  # fmt: skip
        else:
            abort(404)
    for line in lines:
        flash(line)
    return redirect(url_for("console.booking_page", code=code))


@bp.post("/booking/<code>/prescription")
@login_required("admin", "expert")
def prescription(code: str):
    """The same as the expert's RESEP command, from a text area."""
    text = request.form.get("text", "").strip()
    with _db() as db:
        booking = _booking_or_404(db, code)
        if not text:
            flash(staff("console.no_prescription"))
        elif booking.status not in ("confirmed", "done") or booking.expert_id is None:
            flash(staff("console.cannot_prescribe", code=code, status=_status(booking.status)))
        else:
            expert = db.get(Expert, booking.expert_id)
            settings = current_app.extensions["settings"]
            flash(save_prescription(db, booking, expert, text, _now(), settings))
    return redirect(url_for("console.booking_page", code=code))


@bp.post("/booking/<code>/close")
@login_required("admin")
def close(code: str):
    reason = request.form.get("reason", "").strip()
    with _db() as db:
        booking = _booking_or_404(db, code)
        if not reason:
            flash(staff("console.no_close_reason"))
        else:
            flash(administration.close_case(db, booking, reason, g.user.email, _now()))
    return redirect(url_for("console.booking_page", code=code))


@bp.get("/calendar")
@login_required()
def calendar():
    try:
        chosen = date.fromisoformat(request.args.get("week", ""))
    except ValueError:
        chosen = _now().astimezone(WIB).date()
    monday = chosen - timedelta(days=chosen.weekday())
    start = datetime.combine(monday, datetime.min.time(), WIB)
    with _db() as db:
        experts = db.exec(select(Expert).where(col(Expert.active).is_(True))).all()
        if g.user.role == "expert":
            experts = [e for e in experts if e.id == g.user.expert_id]
        sessions = db.exec(
            _own_only(
                select(Booking, Cooperative)
                .join(Cooperative, col(Booking.cooperative_id) == Cooperative.id)
                .where(
                    Booking.status == "confirmed",
                    col(Booking.requested_start) >= start,
                    col(Booking.requested_start) < start + timedelta(days=7),
                )  # fmt: skip
            )
        ).all()
    cells: dict[tuple[str, int], list] = {}
    for booking, cooperative in sessions:
        local = booking.requested_start.astimezone(WIB)
        key = (f"{format_day(local.date())} {local:%H.%M}", booking.expert_id)
        cells.setdefault(key, []).append((booking, cooperative))
    hours = current_app.extensions["settings"].hours
    rows = [
        f"{format_day(monday + timedelta(days=d))} {slot:%H.%M}"
        for d in range(5)
        for slot in _day_slots(monday + timedelta(days=d), hours)
    ]
    return render_template("console/calendar.html", experts=experts, rows=rows, cells=cells,
                           monday=monday, previous=monday - timedelta(days=7),
                           following=monday + timedelta(days=7))  # fmt: skip


def _day_slots(day: date, hours: ClinicHours) -> list[datetime]:
    return ClinicCalendar(hours).day_starts(day)


@bp.route("/experts", methods=["GET", "POST"])
@login_required("admin")
def experts():
    if request.method == "POST":
        _save_expert(request.form)
        return redirect(url_for("console.experts"))
    with _db() as db:
        everyone = db.exec(select(Expert).order_by(col(Expert.name))).all()
        topics = {e.id: [] for e in everyone}
        for link in db.exec(select(ExpertTopic)):
            topics.setdefault(link.expert_id, []).append(link.topic_key)
        today = _now().astimezone(WIB).date()
        days_off = db.exec(
            select(ExpertDayOff)
            .where(col(ExpertDayOff.day) >= today)
            .order_by(col(ExpertDayOff.day))
        ).all()
    return render_template("console/experts.html", experts=everyone, topics=topics,
                           all_topics={key: TOPICS.label(key) for key in TOPICS},
                           days_off=days_off)  # fmt: skip


def _save_expert(form) -> None:
    """The add form (no expert_id) or an expert's own edit form."""
    phone = normalize_phone(form.get("phone", ""))
    name = form.get("name", "").strip()
    link = form.get("link", "").strip() or None
    topics = form.getlist("topics")
    if not phone or not name or not topics:
        flash(staff("console.expert_incomplete"))
        return
    if link and not is_https_url(link):
        flash(staff("console.bad_link"))
        return
    active = "active" not in form or "on" in form.getlist("active")
    with _db() as db:
        expert_id = form.get("expert_id", "")
        expert = Expert(name=name, phone=phone)
        if expert_id.isdigit():
            expert = db.get(Expert, int(expert_id))
        if expert is None:
            abort(404)
        try:
            save_expert(db, expert, name, phone, topics, link, active)
        except PhoneTaken as taken:
            why = staff("console.phone_taken", phone=taken.phone, name=taken.owner)
            flash(staff("console.not_saved", why=why))
            return
        except UnknownTopics as unknown:
            why = staff("console.unknown_topics", topics=", ".join(unknown.topics))
            flash(staff("console.not_saved", why=why))
            return
    flash(staff("console.expert_saved", name=name))


@bp.post("/experts/<int:expert_id>/day-off")
@login_required("admin")
def expert_day_off(expert_id: int):
    try:
        day = date.fromisoformat(request.form.get("day", ""))
    except ValueError:
        flash(staff("console.invalid_day"))
        return redirect(url_for("console.experts"))
    off = request.form.get("off", "1") == "1"
    with _db() as db:
        set_day_off(db, expert_id, day, request.form.get("reason", ""), off=off)
    flash(staff("console.day_off" if off else "console.day_on", day=format_day(day)))
    return redirect(url_for("console.experts"))


@bp.route("/closed", methods=["GET", "POST"])
@login_required("admin")
def closed_days():
    if request.method == "POST":
        try:
            day = date.fromisoformat(request.form.get("day", ""))
        except ValueError:
            flash(staff("console.invalid_day"))
            return redirect(url_for("console.closed_days"))
        with _db() as db:
            if request.form.get("remove"):
                remove_closed_day(db, day)
                flash(staff("console.reopened", day=format_day(day)))
            elif reason := request.form.get("reason", "").strip():
                add_closed_day(db, day, reason)
                flash(staff("console.closed", day=format_day(day), reason=reason))
            else:
                flash(staff("console.closed_no_reason"))
        return redirect(url_for("console.closed_days"))
    with _db() as db:
        days = list_closed_days(db, _now().astimezone(WIB).date())
    return render_template("console/closed.html", days=days)


@bp.route("/admins", methods=["GET", "POST"])
@login_required("admin")
def administrators():
    if request.method == "POST":
        phone = normalize_phone(request.form.get("phone", ""))
        with _db() as db:
            if phone is None:
                flash(staff("console.bad_phone"))
            elif request.form.get("remove"):
                found = db.exec(select(Administrator).where(Administrator.phone == phone)).first()
                if found:
                    db.delete(found)
                flash(staff("console.admin_removed", phone=phone))
            else:
                add_admin(db, phone, request.form.get("name", "").strip())
                flash(staff("console.admin_added", phone=phone))
        return redirect(url_for("console.administrators"))
    with _db() as db:
        admins = db.exec(select(Administrator).order_by(col(Administrator.phone))).all()
    configured = current_app.extensions["settings"].admin_numbers
    return render_template("console/admins.html", admins=admins, configured=configured)
