"""The console's announcements: one message to a chosen group of cooperatives (all, one
kecamatan, those with an open case, those who booked in a period), previewed first — how
many get it as text, how many as the template, how many said STOP — then queued; each past
announcement shows how many of its messages were sent, delivered, read and failed."""


from flask import current_app, flash, redirect, render_template, request, url_for

from bot.console import bp
from bot.console.acting import acting, now
from bot.console.auth import login_required
from bot.console.filters import page
from bot.lifecycle.announcements import KIND, Plan, announce, plan
from flows.announcements import Audience, read_group
from flows.dates import read_day
from flows.kecamatan import KECAMATAN
from flows.kinds import MessageStatus
from flows.templates import VARIABLE_LENGTH
from storage.announcements import announcements
from storage.db import transaction
from storage.directory import person_name
from storage.roles import Role

# How a past announcement's messages are counted on the page, by their status.
PROGRESS = {
    "sent": (MessageStatus.ACCEPTED, MessageStatus.QUEUED, MessageStatus.SENT),
    "delivered": (MessageStatus.DELIVERED,),
    "read": (MessageStatus.READ,),
    "failed": (MessageStatus.FAILED, MessageStatus.UNDELIVERED, MessageStatus.HELD),
    "waiting": (MessageStatus.PENDING, MessageStatus.SENDING),
}




def _progress(counts: dict[str, int]) -> dict[str, int]:
    """Delivered and read messages were sent too; read ones were delivered."""
    shown = {key: sum(counts.get(s, 0) for s in statuses) for key, statuses in PROGRESS.items()}
    shown["delivered"] += shown["read"]
    shown["sent"] += shown["delivered"]
    return shown


def _page(form: dict, planned: Plan | None = None, problem: str | None = None):
    with transaction(current_app.extensions["engine"]) as db:
        past = [(row, _progress(counts), person_name(db, row.author))
                for row, counts in announcements(db)]  # fmt: skip
    return render_template("console/announcements.html", form=form, planned=planned,
                           problem=problem, past=past, audiences=list(Audience),
                           kecamatans=KECAMATAN, template=KIND.template,
                           longest=VARIABLE_LENGTH)  # fmt: skip


@bp.route("/announcements", methods=["GET", "POST"])
@login_required(Role.ADMIN)
def announcements_page():
    if request.method == "GET":
        return _page({"audience": Audience.ALL})
    form = {key: request.form.get(key, "") for key in
            ("text", "audience", "kecamatan", "since", "until")}  # fmt: skip
    group = read_group(form["audience"], form["kecamatan"], read_day(form["since"], now(), True),
                       read_day(form["until"], now(), True))  # fmt: skip
    if isinstance(group, str):
        return _page(form, problem=page("announcements")[group])
    sending = request.form.get("send") == "1"
    with transaction(current_app.extensions["engine"]) as db:
        planned = plan(acting(db), group, form["text"])
        count = announce(acting(db), planned).recipients if sending and not planned.problem else 0
    if planned.problem or not sending:
        return _page(form, planned, planned.problem)
    flash(page("announcements")["sent"].format(count=count))
    return redirect(url_for("console.announcements_page"))
