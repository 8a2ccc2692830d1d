"""The console's privacy pages: numbers that gave another number's Nomor Induk (link them to
the cooperative, or keep them apart), and a person's data (export, erase)."""

import json

from flask import Response, current_app, flash, g, redirect, render_template, request, url_for

from bot.console import bp
from bot.console.acting import in_transaction
from bot.console.auth import login_required
from flows.catalogue import staff
from flows.phone import normalize_phone
from flows.words import number
from storage.bookings import decide_link, pending_links
from storage.models import Link
from storage.privacy import erase, export
from storage.roles import Role


@bp.route("/numbers", methods=["GET", "POST"])
@login_required(Role.ADMIN)
def numbers():
    if request.method == "POST":
        phone = normalize_phone(request.form.get("phone", ""))
        cooperative_id = number(request.form.get("cooperative_id", ""))
        choice = {"link": Link.LINKED, "apart": Link.APART}.get(request.form.get("choice", ""))
        if phone is None or cooperative_id is None or choice is None:
            flash(staff("console.incomplete"))
            return redirect(url_for("console.numbers"))
        with in_transaction() as db:
            decided = decide_link(db, cooperative_id, phone, choice, g.user.email,
                                  current_app.extensions["clock"]())  # fmt: skip
        flash(staff(f"console.number_{choice}", phone=phone) if decided
              else staff("console.incomplete"))  # fmt: skip
        return redirect(url_for("console.numbers"))
    with in_transaction() as db:
        waiting = pending_links(db)
    return render_template("console/numbers.html", waiting=waiting)


@bp.get("/privacy")
@login_required(Role.ADMIN)
def privacy():
    return render_template("console/privacy.html")


def _phone_or_back() -> str | None:
    phone = normalize_phone(request.form.get("phone", ""))
    if phone is None:
        flash(staff("console.bad_phone"))
    return phone


@bp.post("/privacy/export")  # a POST: the number stays out of URLs and access logs
@login_required(Role.ADMIN)
def privacy_export():
    if (phone := _phone_or_back()) is None:
        return redirect(url_for("console.privacy"))
    with in_transaction() as db:
        data = export(db, phone)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="eklinik-{phone.lstrip("+")}.json"',
        "Cache-Control": "no-store",
    })  # fmt: skip


@bp.post("/privacy/erase")
@login_required(Role.ADMIN)
def privacy_erase():
    if (phone := _phone_or_back()) is None:
        return redirect(url_for("console.privacy"))
    if request.form.get("confirm") != phone:
        flash(staff("console.erase_unconfirmed"))
        return redirect(url_for("console.privacy"))
    with in_transaction() as db:
        counts = erase(db, phone)
    flash(staff("console.erased", phone=phone, bookings=counts["bookings"],
                messages=counts["messages_received"] + counts["messages_sent"]))  # fmt: skip
    return redirect(url_for("console.privacy"))
