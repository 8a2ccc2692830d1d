"""Log-in for the web console: hashed passwords (werkzeug's scrypt), roles, session cookies
that can be revoked, and a log-in throttle shared by every worker (storage.users)."""

from collections.abc import Callable
from functools import cache, wraps
from typing import Any

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from werkzeug.security import check_password_hash, generate_password_hash

from bot.console import bp
from flows.catalogue import staff
from storage.db import transaction
from storage.models import User
from storage.roles import Role
from storage.users import (
    end_sessions,
    login_blocked,
    login_failed,
    login_succeeded,
    throttle_keys,
    user_by_email,
)

MIN_PASSWORD = 12


def hash_password(password: str) -> str:
    return generate_password_hash(password)


@cache
def _nobody() -> str:
    """A hash to compare against when the e-mail is unknown, so both cases take the same time
    (made on first use: a scrypt hash costs ~80 ms, too much for every `eklinik` start)."""
    return generate_password_hash("not a password")


def password_problem(password: str) -> str | None:
    """Why a new password is refused: shorter than 12 characters, or common or guessable
    (zxcvbn's dictionaries: 30,000 common passwords, names, words, keyboard patterns)."""
    if len(password) < MIN_PASSWORD:
        return staff("console.password_short", length=MIN_PASSWORD)
    from zxcvbn import zxcvbn  # imported here: it loads its dictionaries (~0.3 s)

    if zxcvbn(password[:100])["score"] < 3:
        return staff("console.password_common")
    return None


@bp.before_app_request
def load_user() -> None:
    g.user = None
    user_id = session.get("user_id")
    if user_id is None:
        return
    with transaction(current_app.extensions["engine"]) as db:
        user = db.get(User, user_id)
    if user and user.active and session.get("epoch") == user.session_epoch:
        g.user = user
    else:
        session.clear()  # revoked (log-out elsewhere, a new password, deactivated)


def home_of(role: str) -> str:
    """Where an account lands after logging in: the report for leaders, else the inbox."""
    return "console.report" if role == Role.LEADERSHIP else "console.inbox"


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


def _wait_text(seconds: float) -> str:
    if seconds < 60:
        return staff("console.wait_seconds", seconds=max(1, round(seconds)))
    return staff("console.wait_minutes", minutes=round(seconds / 60 + 0.49))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        email = request.form.get("email", "").strip().lower()[:254]
        password = request.form.get("password", "")[:200]
        keys = throttle_keys(email, request.remote_addr)
        now = current_app.extensions["clock"]()
        engine = current_app.extensions["engine"]
        with transaction(engine) as db:
            wait = login_blocked(db, keys, now)
            user = None if wait else user_by_email(db, email)
        if wait:
            flash(staff("console.login_blocked", wait=_wait_text(wait.total_seconds())))
            return render_template("console/login.html"), 429
        stored = user.password_hash if user and user.active else _nobody()
        if check_password_hash(stored, password) and user and user.active:
            with transaction(engine) as db:
                login_succeeded(db, email)
            session.clear()
            session["user_id"], session["epoch"] = user.id, user.session_epoch
            target = request.args.get("next", "")
            safe = target.startswith("/admin") and not target.startswith("/admin//")
            return redirect(target if safe else url_for(home_of(user.role)))
        with transaction(engine) as db:
            login_failed(db, keys, now)
        flash(staff("console.wrong_login"))
    return render_template("console/login.html")


@bp.post("/logout")
def logout():
    if g.user is not None:  # every session of the account ends, on every device
        with transaction(current_app.extensions["engine"]) as db:
            end_sessions(db, g.user.id)
    session.clear()
    return redirect(url_for("console.login"))
