"""The console's directory: experts (topics, standing links, days off), the department's
closed days, the administrators' numbers."""


from flask import abort, current_app, flash, redirect, render_template, request, url_for

from bot.console import bp
from bot.console.acting import in_transaction, now
from bot.console.auth import login_required
from flows.calendar import format_day
from flows.catalogue import staff
from flows.choices import TOPICS
from flows.dates import WIB, read_day
from flows.links import is_meeting_link
from flows.model import NAME_LENGTH
from flows.phone import normalize_phone
from flows.words import number
from storage.console import experts_page
from storage.directory import (
    PhoneTaken,
    UnknownTopics,
    add_admin,
    administrators,
    remove_admin,
    save_expert,
)
from storage.models import DAY_REASON_LENGTH, Expert
from storage.roles import Role
from storage.schedule import add_closed_day, list_closed_days, remove_closed_day, set_day_off


@bp.route("/experts", methods=["GET", "POST"])
@login_required(Role.ADMIN)
def experts():
    if request.method == "POST":
        _save_expert(request.form)
        return redirect(url_for("console.experts"))
    with in_transaction() as db:
        page = experts_page(db, now().astimezone(WIB).date())
    return render_template("console/experts.html", experts=page.experts, topics=page.topics,
                           all_topics=TOPICS.labels(),
                           days_off=page.days_off)  # fmt: skip


def _save_expert(form) -> None:
    """The add form (no expert_id) or an expert's own edit form."""
    phone = normalize_phone(form.get("phone", ""))
    name = form.get("name", "").strip()
    link = form.get("link", "").strip() or None
    topics = form.getlist("topics")
    if not phone or not name or not topics:
        flash(staff("console.expert_incomplete"))
        return
    hosts = current_app.extensions["settings"].link_hosts
    if len(name) > NAME_LENGTH:
        flash(staff("console.too_long_name", longest=NAME_LENGTH))
        return
    if link and not is_meeting_link(link, hosts):
        flash(staff("console.bad_link", hosts=", ".join(hosts)))
        return
    active = "active" not in form or "on" in form.getlist("active")
    with in_transaction() as db:
        expert_id = form.get("expert_id", "")
        expert = Expert(name=name, phone=phone)
        if number(expert_id) is not None:
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
@login_required(Role.ADMIN)
def expert_day_off(expert_id: int):
    day = read_day(request.form.get("day", ""), now())
    reason = request.form.get("reason", "").strip()
    if day is None:
        flash(staff("console.invalid_day"))
        return redirect(url_for("console.experts"))
    if len(reason) > DAY_REASON_LENGTH:
        flash(staff("console.too_long", longest=DAY_REASON_LENGTH))
        return redirect(url_for("console.experts"))
    off = request.form.get("off", "1") == "1"
    with in_transaction() as db:
        set_day_off(db, expert_id, day, reason, off=off)
    flash(staff("console.day_off" if off else "console.day_on", day=format_day(day)))
    return redirect(url_for("console.experts"))


@bp.route("/closed", methods=["GET", "POST"])
@login_required(Role.ADMIN)
def closed_days():
    if request.method == "POST":
        day = read_day(request.form.get("day", ""), now())
        reason = request.form.get("reason", "").strip()
        if day is None or len(reason) > DAY_REASON_LENGTH:
            flash(staff("console.invalid_day") if day is None
                  else staff("console.too_long", longest=DAY_REASON_LENGTH))  # fmt: skip
            return redirect(url_for("console.closed_days"))
        with in_transaction() as db:
            if request.form.get("remove"):
                remove_closed_day(db, day)
                flash(staff("console.reopened", day=format_day(day)))
            elif reason:
                add_closed_day(db, day, reason)
                flash(staff("console.closed", day=format_day(day), reason=reason))
            else:
                flash(staff("console.closed_no_reason"))
        return redirect(url_for("console.closed_days"))
    with in_transaction() as db:
        days = list_closed_days(db, now().astimezone(WIB).date())
    return render_template("console/closed.html", days=days)


@bp.route("/admins", methods=["GET", "POST"], endpoint="administrators")
@login_required(Role.ADMIN)
def admins():
    if request.method == "POST":
        phone = normalize_phone(request.form.get("phone", ""))
        with in_transaction() as db:
            if phone is None:
                flash(staff("console.bad_phone"))
            elif request.form.get("remove"):
                remove_admin(db, phone)
                flash(staff("console.admin_removed", phone=phone))
            elif len(name := request.form.get("name", "").strip()) > NAME_LENGTH:
                flash(staff("console.too_long_name", longest=NAME_LENGTH))
            else:
                add_admin(db, phone, name)
                flash(staff("console.admin_added", phone=phone))
        return redirect(url_for("console.administrators"))
    with in_transaction() as db:
        numbers = administrators(db)
    configured = current_app.extensions["settings"].admin_numbers
    return render_template("console/admins.html", admins=numbers, configured=configured)
