"""The Flask app factory: configuration, the database, the messenger, the send policy and every
part of the service (webhook, console, simulator) registered on one app."""

import sys
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask, redirect, request, url_for
from flask_wtf.csrf import CSRFProtect
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from bot.config import Config, UnsafeSettings, refuse_unsafe, settings_from
from bot.inbound.spool import Spool
from bot.outbound.messenger import LOCAL_TEMPLATE, LocalOutbox, make_messenger
from bot.outbound.sender import SendPolicy, Throttle
from flows.templates import bodies
from flows.words import clean_text
from storage.db import make_engine

# Every page: scripts and styles only from our own files, no framing, no sniffing, no
# referrer sent to other sites. (HSTS is added when the request came over https.)
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def _cleaned(values: MultiDict) -> ImmutableMultiDict:
    return ImmutableMultiDict(
        [(clean_text(key), clean_text(value)) for key, value in values.items(multi=True)]
    )


def app_or_exit() -> Flask:
    """The app from the environment, or the process ends with why (one line) and exit status
    3: gunicorn's "worker failed to boot" (the master stops instead of retrying for ever),
    systemd's RestartPreventExitStatus, and the CLI's commands alike."""
    try:
        return create_app()
    except UnsafeSettings as refused:
        print(refused, file=sys.stderr)
        raise SystemExit(UnsafeSettings.EXIT_STATUS) from None


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask("bot")  # the package: its templates, static files and logger
    app.config.from_object(Config)
    if test_config:
        app.config.from_mapping(test_config)
    refuse_unsafe(app.config)
    if app.config["DEMO"]:
        app.logger.warning(
            "DEMO MODE (EKLINIK_DEMO=1): local outbox, /simulator, development key. "
            "Never with real cooperatives' data."
        )
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]

    app.extensions["clock"] = lambda: datetime.now(UTC)
    app.extensions["engine"] = make_engine(app.config["DATABASE_URL"])
    app.extensions["messenger"] = make_messenger(app.config)
    app.extensions["settings"] = settings = settings_from(app.config)
    app.extensions["spool"] = Spool(Path(app.config["SPOOL_DIR"]))
    app.extensions["send_policy"] = SendPolicy(
        templates=settings.templates,
        admin_numbers=settings.admin_numbers,
        throttle=Throttle(float(app.config["TWILIO_MPS"]) or None),
        retry_for=timedelta(hours=float(app.config["SEND_RETRY_HOURS"])),
        batch=max(1, int(app.config["SEND_BATCH_SIZE"])),
        sender=app.config.get("TWILIO_WHATSAPP_FROM") or "whatsapp",
    )
    # The simulator shows every number's messages: only in demo mode, without Twilio.
    app.config["SIMULATOR"] = app.config["DEMO"] and isinstance(
        app.extensions["messenger"], LocalOutbox
    )
    if app.config["SIMULATOR"] and app.config.get("SIMULATE_WINDOW"):
        app.extensions["messenger"] = LocalOutbox(window=True)
        local = {**dict.fromkeys(bodies(), LOCAL_TEMPLATE), **settings.templates}
        app.extensions["settings"] = settings = replace(settings, templates=local)
        app.extensions["send_policy"].templates = local

    from bot.console import bp as console_bp
    from bot.inbound import bp as webhook_bp

    csrf = CSRFProtect(app)
    csrf.exempt(webhook_bp)  # Twilio signs its requests instead
    app.register_blueprint(webhook_bp)
    app.register_blueprint(console_bp)
    if app.config["SIMULATOR"]:
        from bot.simulator import bp as simulator_bp

        app.register_blueprint(simulator_bp)

    @app.before_request
    def clean_input() -> None:
        """No NUL or control character from a form or a query string reaches the database or a
        page. (The webhook cleans its form itself, after checking Twilio's signature over it.)"""
        if request.blueprint == "webhook":
            return
        request.form = _cleaned(request.form)  # type: ignore[misc]
        request.args = _cleaned(request.args)  # type: ignore[misc]

    @app.after_request
    def security_headers(response: Response) -> Response:
        for header, value in SECURITY_HEADERS.items():
            response.headers.setdefault(header, value)
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response

    @app.get("/")
    def home() -> Response:
        if app.config["SIMULATOR"]:
            return redirect(url_for("simulator.page"))
        return redirect(url_for("console.inbox"))

    return app
