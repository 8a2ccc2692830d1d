"""The running service: Flask app factory, webhook, simulator, scheduler and CLI."""

from collections.abc import Mapping
from datetime import UTC, datetime, time
from typing import Any

from flask import Flask, redirect, url_for
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from bot.config import Config
from bot.inbound import Settings
from bot.meetings import make_meeting_links
from bot.messenger import LocalOutbox, make_messenger
from bot.reminders import ReminderTimes
from bot.sender import SendPolicy, Throttle
from flows.calendar import ClinicHours
from flows.phone import normalize_phone
from storage.db import make_engine


def clinic_hours(config: Mapping[str, Any]) -> ClinicHours:
    """Opening hours from the configuration, e.g. CLINIC_FIRST_START=08:00."""
    return ClinicHours(
        first_start=time.fromisoformat(config["CLINIC_FIRST_START"]),
        last_start=time.fromisoformat(config["CLINIC_LAST_START"]),
        session_minutes=int(config["SESSION_MINUTES"]),
        horizon_days=int(config["BOOKING_HORIZON_DAYS"]),
    )


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_object(Config)
    if test_config:
        app.config.from_mapping(test_config)
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]

    app.extensions["clock"] = lambda: datetime.now(UTC)
    app.extensions["engine"] = make_engine(app.config["DATABASE_URL"])
    app.extensions["messenger"] = make_messenger(app.config)
    admins = [normalize_phone(number) for number in app.config["ADMIN_NUMBERS"]]
    app.extensions["settings"] = Settings(
        admin_numbers=tuple(phone for phone in admins if phone),
        address=app.config.get("CLINIC_ADDRESS") or None,
        hours=clinic_hours(app.config),
        meetings=make_meeting_links(app.config),
        reminders=ReminderTimes(
            time.fromisoformat(app.config["REMINDER_DAY_BEFORE_AT"]),
            int(app.config["REMINDER_MINUTES_BEFORE"]),
        ),
        daily_at=time.fromisoformat(app.config["DAILY_AT"]),
        survey_at=time.fromisoformat(app.config["SURVEY_AT"]),
    )
    app.extensions["send_policy"] = SendPolicy(
        templates=dict(app.config["TWILIO_CONTENT_SIDS"]),
        admin_numbers=app.extensions["settings"].admin_numbers,
        throttle=Throttle(float(app.config["TWILIO_MPS"]) or None),
    )
    app.config.setdefault("SIMULATOR", isinstance(app.extensions["messenger"], LocalOutbox))

    from bot.console import bp as console_bp
    from bot.webhook import bp as webhook_bp

    csrf = CSRFProtect(app)
    csrf.exempt(webhook_bp)  # Twilio signs its requests instead
    app.register_blueprint(webhook_bp)
    app.register_blueprint(console_bp)
    if app.config["SIMULATOR"]:
        from bot.simulator import bp as simulator_bp

        app.register_blueprint(simulator_bp)

    @app.get("/")
    def home() -> Response:
        if app.config["SIMULATOR"]:
            return redirect(url_for("simulator.page"))
        return redirect(url_for("console.inbox"))

    return app
