"""Settings come from the environment (after an optional `.env`), never from code.

`Config` is what Flask reads; `Settings` is the part the bot's own code is handed, built once
by the app factory (`settings_from`).
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any

from dotenv import load_dotenv

from bot.meetings import MeetingLinks, make_meeting_links
from flows.calendar import ClinicHours, read_breaks
from flows.kinds import MessageTimes
from flows.links import DEFAULT_HOSTS, allowed_hosts
from flows.phone import normalize_phone

load_dotenv()

INSTANCE_DIR = Path(os.environ.get("EKLINIK_INSTANCE", Path.cwd() / "instance"))


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def _list(value: str | None) -> list[str]:
    return [item.strip() for item in (value or "").split(",") if item.strip()]


DEMO_SECRET_KEY = "demo-only-not-secret"  # noqa: S105 - used only with EKLINIK_DEMO=1
TWILIO_CREDENTIALS = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_WHATSAPP_FROM")
MIN_SECRET_KEY = 32


class Config:
    # EKLINIK_DEMO=1 (make run): the local outbox, the simulator and a development key.
    DEMO = _flag("EKLINIK_DEMO")
    # In the simulator, WhatsApp's 24-hour rule as Twilio applies it: outside the window every
    # message goes as its template (each one taken as approved), and a message without one is
    # held. On with EKLINIK_DEMO=1; EKLINIK_SIMULATE_WINDOW=0 turns it off.
    SIMULATE_WINDOW = _flag("EKLINIK_SIMULATE_WINDOW") if "EKLINIK_SIMULATE_WINDOW" in os.environ \
        else DEMO
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'eklinik.db'}"
    TWILIO_ACCOUNT_SID = os.environ.get("TWILIO_ACCOUNT_SID", "")
    TWILIO_AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN", "")
    TWILIO_WHATSAPP_FROM = os.environ.get("TWILIO_WHATSAPP_FROM", "")
    TWILIO_API_BASE_URL = os.environ.get("TWILIO_API_BASE_URL", "")
    TWILIO_CONTENT_BASE_URL = os.environ.get("TWILIO_CONTENT_BASE_URL", "")
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "").rstrip("/")
    ADMIN_NUMBERS = _list(os.environ.get("ADMIN_NUMBERS"))
    MEETING_LINK_HOSTS = _list(os.environ.get("MEETING_LINK_HOSTS"))
    # Inbound messages kept while the database is unreachable (bot/inbound/spool.py).
    SPOOL_DIR = os.environ.get("SPOOL_DIR") or str(INSTANCE_DIR / "spool")
    # Raw payloads and message texts are emptied after this many days (0: kept).
    RETENTION_DAYS = int(os.environ.get("RETENTION_DAYS", "365"))
    CLINIC_ADDRESS = os.environ.get("CLINIC_ADDRESS", "")
    CLINIC_FIRST_START = os.environ.get("CLINIC_FIRST_START", "08:00")
    CLINIC_LAST_START = os.environ.get("CLINIC_LAST_START", "15:00")
    CLINIC_BREAKS = os.environ.get("CLINIC_BREAKS", "")  # e.g. 12:00-13:00 (lunch)
    SESSION_MINUTES = int(os.environ.get("SESSION_MINUTES", "60"))
    BOOKING_HORIZON_DAYS = int(os.environ.get("BOOKING_HORIZON_DAYS", "60"))
    ZOOM_ACCOUNT_ID = os.environ.get("ZOOM_ACCOUNT_ID", "")
    ZOOM_CLIENT_ID = os.environ.get("ZOOM_CLIENT_ID", "")
    ZOOM_CLIENT_SECRET = os.environ.get("ZOOM_CLIENT_SECRET", "")
    ZOOM_API_BASE_URL = os.environ.get("ZOOM_API_BASE_URL", "https://api.zoom.us/v2")
    ZOOM_OAUTH_URL = os.environ.get("ZOOM_OAUTH_URL", "https://zoom.us/oauth/token")
    TWILIO_MPS = float(os.environ.get("TWILIO_MPS", "80"))
    SEND_BATCH_SIZE = int(os.environ.get("SEND_BATCH_SIZE", "50"))
    TWILIO_HTTP_TIMEOUT = float(os.environ.get("TWILIO_HTTP_TIMEOUT", "10"))
    SEND_RETRY_HOURS = float(os.environ.get("SEND_RETRY_HOURS", "24"))
    REMINDER_DAY_BEFORE_AT = os.environ.get("REMINDER_DAY_BEFORE_AT", "09:00")
    REMINDER_MINUTES_BEFORE = int(os.environ.get("REMINDER_MINUTES_BEFORE", "60"))
    DAILY_AT = os.environ.get("DAILY_AT", "07:00")
    SURVEY_AT = os.environ.get("SURVEY_AT", "10:00")
    TWILIO_CONTENT_SIDS = {
        key.removeprefix("TWILIO_CONTENT_SID_"): value
        for key, value in os.environ.items()
        if key.startswith("TWILIO_CONTENT_SID_") and value
    }
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Secure cookies whenever the console is served over https (set explicitly to override).
    SESSION_COOKIE_SECURE = os.environ.get(
        "SESSION_COOKIE_SECURE", str(PUBLIC_BASE_URL.startswith("https://"))
    ).lower() in ("1", "true", "yes")
    PERMANENT_SESSION_LIFETIME = 8 * 3600
    MAX_CONTENT_LENGTH = 1024 * 1024
    TESTING = False


class UnsafeSettings(SystemExit):
    """The service refuses to start: one line that names what is missing. Its exit status,
    3, tells gunicorn and systemd (RestartPreventExitStatus) that a restart will not help."""

    EXIT_STATUS = 3


def _weak_key(key: str) -> bool:
    return len(key) < MIN_SECRET_KEY or len(set(key)) < 12 or key == DEMO_SECRET_KEY


def refuse_unsafe(config: dict[str, Any]) -> None:
    """Production is safe by default; demo mode must be asked for (EKLINIK_DEMO=1).

    Outside demo mode every Twilio credential and a strong SECRET_KEY are required (so the
    webhook always checks Twilio's signature, and messages really leave). In demo mode a
    half-configured Twilio account is still refused: it would mark messages delivered that
    never reached Twilio."""
    missing = [name for name in TWILIO_CREDENTIALS if not config.get(name)]
    if config.get("DEMO"):
        if config.get("TWILIO_ACCOUNT_SID") and missing:
            raise UnsafeSettings(
                f"E-Klinik refuses to start: TWILIO_ACCOUNT_SID is set but {', '.join(missing)} "
                "is not (set all three, or none for the local outbox)."
            )
        config["SECRET_KEY"] = config.get("SECRET_KEY") or DEMO_SECRET_KEY
        return
    if _weak_key(config.get("SECRET_KEY") or ""):
        missing.append(f"SECRET_KEY (at least {MIN_SECRET_KEY} random characters)")
    if missing:
        raise UnsafeSettings(
            f"E-Klinik refuses to start: {', '.join(missing)} not set. "
            "For a local demo without Twilio, set EKLINIK_DEMO=1 (make run does)."
        )


@dataclass(frozen=True)
class Settings:
    admin_numbers: tuple[str, ...] = ()  # ADMIN_NUMBERS, beside those registered in the database
    address: str | None = None  # CLINIC_ADDRESS; None: the catalogue's clinic_address
    hours: ClinicHours = field(default_factory=ClinicHours)
    meetings: MeetingLinks = field(default_factory=MeetingLinks)
    link_hosts: tuple[str, ...] = DEFAULT_HOSTS  # MEETING_LINK_HOSTS: where meeting links may point
    times: MessageTimes = field(default_factory=MessageTimes)  # reminders and the survey
    daily_at: time = time(7, 0)  # DAILY_AT: experts' schedules and the administrators' digest
    # TWILIO_CONTENT_SID_<template>: the templates configured by hand (see storage.contents)
    templates: Mapping[str, str] = field(default_factory=dict)


def clinic_hours(config: Mapping[str, Any]) -> ClinicHours:
    """Opening hours from the configuration, e.g. CLINIC_FIRST_START=08:00."""
    return ClinicHours(
        first_start=time.fromisoformat(config["CLINIC_FIRST_START"]),
        last_start=time.fromisoformat(config["CLINIC_LAST_START"]),
        session_minutes=int(config["SESSION_MINUTES"]),
        horizon_days=int(config["BOOKING_HORIZON_DAYS"]),
        breaks=read_breaks(config.get("CLINIC_BREAKS") or ""),
    )


def settings_from(config: Mapping[str, Any]) -> Settings:
    admins = [normalize_phone(number) for number in config["ADMIN_NUMBERS"]]
    return Settings(
        admin_numbers=tuple(phone for phone in admins if phone),
        address=config.get("CLINIC_ADDRESS") or None,
        hours=clinic_hours(config),
        meetings=make_meeting_links(config),
        link_hosts=allowed_hosts(config.get("MEETING_LINK_HOSTS") or ()),
        times=MessageTimes(
            day_before_at=time.fromisoformat(config["REMINDER_DAY_BEFORE_AT"]),
            minutes_before=int(config["REMINDER_MINUTES_BEFORE"]),
            survey_at=time.fromisoformat(config["SURVEY_AT"]),
        ),
        daily_at=time.fromisoformat(config["DAILY_AT"]),
        templates=dict(config.get("TWILIO_CONTENT_SIDS") or {}),
    )
