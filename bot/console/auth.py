"""Log-in for the web console: hashed passwords (werkzeug's scrypt), roles, session cookies."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from werkzeug.security import check_password_hash, generate_password_hash

from bot.console import bp
from flows.catalogue import staff
from storage.db import transaction
from storage.models import User
from storage.users import user_by_email

# A hash to compare against when the e-mail is unknown, so both cases take the same time.
_NOBODY = generate_password_hash("not a password")


def hash_password(password: str) -> str:
    return generate_password_hash(password)


@bp.before_app_request
def load_user() -> None:
    g.user = None
    user_id = session.get("user_id")
    if user_id is None:
        return
    with transaction(current_app.extensions["engine"]) as db:
        user = db.get(User, user_id)
    g.user = user if user and user.active else None


def login_required(*roles: str) -> Callable:
    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any):
            if g.user is None:
                return redirect(url_for("console.login", next=request.path))
            if roles and g.user.role not in roles:
                return render_template("console/forbidden.html"), 403
            return view(*args, **kwargs)

        return wrapped

    return decorate


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        email = request.form.get("email", "").strip().lower()
        password = request.form.get("password", "")
        with transaction(current_app.extensions["engine"]) as db:
            user = user_by_email(db, email)
        stored = user.password_hash if user and user.active else _NOBODY
        if check_password_hash(stored, password) and user and user.active:
            session.clear()
            session["user_id"] = user.id
            target = request.args.get("next", "")
            return redirect(target if target.startswith("/admin") else url_for("console.inbox"))
        flash(staff("console.wrong_login"))
    return render_template("console/login.html")


@bp.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("console.login"))
