"""The console's WhatsApp page: each question to tap and each template at Twilio, and its
approval; an administrator can ask Twilio for the latest approvals."""

import logging

from flask import current_app, flash, redirect, render_template, url_for

from bot.console import bp
from bot.console.auth import login_required
from bot.outbound.messenger import TwilioMessenger
from bot.whatsapp import ContentApi, refresh
from flows.catalogue import staff
from storage.contents import every_content
from storage.db import transaction
from storage.roles import Role

log = logging.getLogger(__name__)


@bp.get("/whatsapp")
@login_required(Role.ADMIN)
def whatsapp():
    with transaction(current_app.extensions["engine"]) as session:
        rows = every_content(session)
    return render_template("console/whatsapp.html", rows=rows)


@bp.post("/whatsapp/refresh")
@login_required(Role.ADMIN)
def whatsapp_refresh():
    messenger = current_app.extensions["messenger"]
    if not isinstance(messenger, TwilioMessenger):
        flash(staff("page.whatsapp.no_twilio"))
        return redirect(url_for("console.whatsapp"))
    try:
        refresh(current_app.extensions["engine"], ContentApi(messenger.client),
                current_app.extensions["clock"]())  # fmt: skip
    except Exception:  # noqa: BLE001 - Twilio down or refusing: say so, keep the page
        log.exception("refreshing the WhatsApp approvals failed")
        flash(staff("page.whatsapp.failed"))
    else:
        flash(staff("page.whatsapp.refreshed"))
    return redirect(url_for("console.whatsapp"))
