"""The receptionist's desk: a walk-in registered (find the cooperative by name, Nomor Induk or
number, or write a new one; the expert who receives it; the time, now unless told), and the
public satisfaction survey handed over on a tablet after a face-to-face service."""

from contextlib import suppress

from flask import abort, flash, g, redirect, render_template, request, url_for

from bot.console import bp
from bot.console.acting import acting, in_transaction, now
from bot.console.auth import login_required
from bot.lifecycle.sessions import Refused
from bot.lifecycle.visits import register
from flows.calendar import format_start
from flows.catalogue import names, staff
from flows.choices import COOP_KINDS, PROBLEM_AREAS, ROLES, TOPICS
from flows.kecamatan import KECAMATAN
from flows.lifecycle import SESSIONS, Channel
from flows.services import Unreadable, read_service
from flows.skm import ELEMENTS, LEVELS
from storage.bookings import booking_by_code
from storage.directory import active_experts
from storage.models import Booking, Cooperative
from storage.roles import Role
from storage.services import find_cooperatives, open_cases
from storage.skm import AlreadyAnswered, answered, save_answers

FIELDS = ("cooperative", "nik", "kind", "kecamatan", "contact", "role", "phone", "topic",
          "area", "problem", "expert_phone", "at")  # fmt: skip
DESK = (Role.ADMIN, Role.RECEPTIONIST)


def _choices() -> dict:
    return {
        "kinds": COOP_KINDS.labels(),
        "roles": ROLES.labels(),
        "topics": TOPICS.labels(),
        "areas": PROBLEM_AREAS.labels(),
        "kecamatans": KECAMATAN,
    }


def _page(form: dict, problems: list[str] | None = None, status: int = 200):
    query = request.args.get("q", "").strip()[:100]
    chosen = request.values.get("cooperative_id", type=int)
    with in_transaction() as db:
        found = find_cooperatives(db, query) if query else []
        cooperative = db.get(Cooperative, chosen) if chosen else None
        cases = open_cases(db, cooperative.id) if cooperative else []
        experts = active_experts(db)
    if cooperative and not form.get("cooperative"):
        form = {**form, "cooperative": cooperative.name, "nik": cooperative.nik or "",
                "kind": cooperative.kind, "kecamatan": cooperative.kecamatan}  # fmt: skip
    return render_template("console/visit.html", form=form, problems=problems or [],
                           query=query, found=found, chosen=cooperative, cases=cases,
                           experts=experts, **_choices()), status  # fmt: skip


@bp.route("/visits/new", methods=["GET", "POST"])
@login_required(*DESK)
def visit_new():
    if request.method == "GET":
        return _page({"role": "", "at": ""})
    form = {key: request.form.get(key, "")[:4000] for key in FIELDS}
    cooperative_id = request.form.get("cooperative_id", type=int)
    case_id = request.form.get("case_id", type=int)
    try:
        service = read_service(form, now())
    except Unreadable as error:
        return _page(form, error.problems, 422)
    with in_transaction() as db:
        try:
            booking = register(acting(db), service, cooperative_id, case_id)
        except Refused as refused:
            problems = [str(refused)]
        else:
            code, expert = booking.code, booking.expert.name
            problems = []
    if problems:
        return _page(form, problems, 409)
    flash(staff("console.visit_registered", code=code, expert=expert))
    return redirect(url_for("console.booking_page", code=code))


def tablet_survey(booking: Booking) -> bool:
    """Whether the desk may hand this service's survey over on a tablet: a face-to-face
    session, under way or held, for an administrator or the receptionist."""
    return (booking.channel == Channel.OFFICE and booking.status in SESSIONS
            and g.user.role in DESK)  # fmt: skip


def _survey_booking(db, code: str):
    booking = booking_by_code(db, code)
    if booking is None or not tablet_survey(booking):
        abort(404)
    return booking


@bp.route("/skm/<code>", methods=["GET", "POST"])
@login_required(*DESK)
def skm_form(code: str):
    """The survey on a tablet: nine questions, each 1–4 in the regulation's words, any of
    them skipped, a comment; one questionnaire per service."""
    words = names("skm")
    with in_transaction() as db:
        booking = _survey_booking(db, code)
        done = answered(db, booking.id)
        shown = {"code": booking.code, "coop": booking.cooperative.name,
                 "start": format_start(booking.requested_start)}  # fmt: skip
        if request.method == "POST" and not done:
            levels = {element: _level(request.form.get(element, "")) for element in ELEMENTS}
            with suppress(AlreadyAnswered):  # sent twice from the tablet: kept once
                save_answers(db, booking.id, levels, request.form.get("comment", ""), now())
            done = True
            flash(staff("console.skm_saved"))
    questions = [(element, words[element]["question"],
                  list(zip(LEVELS, words[element]["levels"], strict=True)))
                 for element in ELEMENTS]  # fmt: skip
    return render_template("console/skm.html", questions=questions, done=done, shown=shown)


def _level(value: str) -> int | None:
    return int(value) if value.isdigit() and int(value) in LEVELS else None
