"""Who did what: every action taken in the console goes in the audit log with the account
that took it (what WhatsApp commands do is logged where they run: bot/inbound/receive.py and
bot/commands/expert.py), and the audit page lists the log with filters.

A console action is any form a logged-in person sends that the console acts on; its entry
names the action, what it was about (a booking code, a number, a day) and what the console
answered (the lines it flashed)."""

import logging
from datetime import datetime, timedelta

from flask import current_app, g, render_template, request, session
from flask.wrappers import Response

from bot.console import bp
from bot.console.auth import login_required
from flows.dates import WIB, read_day
from flows.pages import pages_of
from flows.phone import normalize_phone
from flows.words import number
from storage.audit import CONSOLE, AuditFilters, entries, people, record
from storage.db import transaction
from storage.directory import person_name
from storage.privacy import ERASED
from storage.roles import Role

log = logging.getLogger(__name__)

PAGE = 50

# The action each console form is, named as the matching WhatsApp command where there is one
# (flows/admin.py Verb, flows/expert.py ExpertVerb); a booking action is its <action>.
ACTIONS = {
    "console.close": "close",
    "console.prescription": "prescribe",
    "console.answer": "reply",
    "console.take": "take",
    "console.experts": "expert_saved",
    "console.expert_day_off": "day_off",
    "console.closed_days": "closed_day",
    "console.administrators": "admins",
    "console.numbers": "number_link",
    "console.privacy_export": "privacy_export",
    "console.privacy_erase": "privacy_erase",
    "console.whatsapp_refresh": "whatsapp_refresh",
    "console.announcements_page": "announce",
    "console.visit_new": "visit",
    "console.skm_form": "skm",
    "console.report_target": "target",
    "console.login": "login",
    "console.logout": "logout",
}
BOOKING_ACTIONS = {"confirm": "confirm", "move": "move", "propose": "propose",
                   "decline": "decline", "expert": "expert", "link": "link"}  # fmt: skip


def action_of(endpoint: str, view_args: dict) -> str:
    if endpoint == "console.booking_action":
        return BOOKING_ACTIONS.get(str(view_args.get("action")), "booking")
    return ACTIONS.get(endpoint, endpoint.removeprefix("console."))


def _target(form, view_args: dict) -> str:
    if code := view_args.get("code"):
        return str(code)
    if phone := normalize_phone(form.get("phone", "")):
        return phone
    if day := form.get("day"):
        return day
    if expert_id := view_args.get("expert_id") or form.get("expert_id"):
        return f"ahli #{expert_id}"
    return form.get("email", "") if request.endpoint == "console.login" else ""


@bp.before_request
def _count_flashes() -> None:
    g.flashes_before = len(session.get("_flashes", []))


@bp.after_request
def _audit(response: Response) -> Response:
    """One entry per form a logged-in person sent that the console acted on: it answered with
    a redirect (the console's way after every action) or a download; a page shown again (a
    preview, a form to correct) is no action yet. A log-in: once it succeeded."""
    acted = response.status_code in (302, 303) or "attachment" in response.headers.get(
        "Content-Disposition", "")  # fmt: skip
    if request.method != "POST" or not acted or not request.endpoint:
        return response
    if request.endpoint == "console.login":
        user_id = session.get("user_id")
        who = request.form.get("email", "").strip().lower() if user_id else None
    else:
        who = g.user.email if getattr(g, "user", None) else None
    if not who:
        return response
    told = [message for _category, message in session.get("_flashes", [])[g.flashes_before :]]
    view_args = request.view_args or {}
    target, detail = _target(request.form, view_args), "\n".join(told)
    if request.endpoint == "console.privacy_erase" and target:  # the number is gone: say so only
        target, detail = ERASED, detail.replace(target, ERASED)
    try:
        with transaction(current_app.extensions["engine"]) as db:
            record(db, current_app.extensions["clock"](), who, CONSOLE,
                   action_of(request.endpoint, view_args), target, detail)  # fmt: skip
    except Exception:  # noqa: BLE001 - the action is done; its entry is what failed
        log.exception("an audit entry could not be written (action %s)", request.endpoint)
    return response


@bp.get("/audit")
@login_required(Role.ADMIN)
def audit():
    args = request.args
    since = read_day(args.get("since", ""), current_app.extensions["clock"](), past=True)
    until = read_day(args.get("until", ""), current_app.extensions["clock"](), past=True)
    filters = AuditFilters(
        who=args.get("who", "")[:254],
        action=args.get("action", "")[:40],
        channel=args.get("channel", "") if args.get("channel") in ("console", "whatsapp") else "",
        since=datetime.combine(since, datetime.min.time(), WIB) if since else None,
        until=datetime.combine(until, datetime.min.time(), WIB) + timedelta(days=1)
        if until else None,
        search=args.get("q", "")[:100],
    )  # fmt: skip
    page = max(number(args.get("page", "1")) or 1, 1)
    with transaction(current_app.extensions["engine"]) as db:
        count, rows = entries(db, filters, PAGE, (page - 1) * PAGE)
        everyone = {who: person_name(db, who) for who in people(db)}
    pages = pages_of(count, PAGE)
    chosen = {key: args.get(key, "") for key in ("who", "action", "channel", "since", "until", "q")}
    return render_template("console/audit.html", rows=rows, count=count, current=min(page, pages),
                           pages=pages, everyone=everyone, chosen=chosen)  # fmt: skip
