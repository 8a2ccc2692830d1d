"""Settings come from the environment (after an optional `.env`), never from code."""

import os
from pathlib import Path

from dotenv import load_dotenv

load_dotenv()

INSTANCE_DIR = Path(os.environ.get("EKLINIK_INSTANCE", Path.cwd() / "instance"))


def _list(value: str | None) -> list[str]:
    return [item.strip() for item in (value or "").split(",") if item.strip()]


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-not-secret"
    DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'eklinik.db'}"
    TWILIO_ACCOUNT_SID = os.environ.get("TWILIO_ACCOUNT_SID", "")
    TWILIO_AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN", "")
    TWILIO_WHATSAPP_FROM = os.environ.get("TWILIO_WHATSAPP_FROM", "")
    TWILIO_API_BASE_URL = os.environ.get("TWILIO_API_BASE_URL", "")
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "").rstrip("/")
    ADMIN_NUMBERS = _list(os.environ.get("ADMIN_NUMBERS"))
    CLINIC_ADDRESS = os.environ.get("CLINIC_ADDRESS", "")
    CLINIC_FIRST_START = os.environ.get("CLINIC_FIRST_START", "08:00")
    CLINIC_LAST_START = os.environ.get("CLINIC_LAST_START", "15:00")
    SESSION_MINUTES = int(os.environ.get("SESSION_MINUTES", "60"))
    BOOKING_HORIZON_DAYS = int(os.environ.get("BOOKING_HORIZON_DAYS", "60"))
    ZOOM_ACCOUNT_ID = os.environ.get("ZOOM_ACCOUNT_ID", "")
    ZOOM_CLIENT_ID = os.environ.get("ZOOM_CLIENT_ID", "")
    ZOOM_CLIENT_SECRET = os.environ.get("ZOOM_CLIENT_SECRET", "")
    ZOOM_API_BASE_URL = os.environ.get("ZOOM_API_BASE_URL", "https://api.zoom.us/v2")
    ZOOM_OAUTH_URL = os.environ.get("ZOOM_OAUTH_URL", "https://zoom.us/oauth/token")
    TWILIO_MPS = float(os.environ.get("TWILIO_MPS", "80"))
    REMINDER_DAY_BEFORE_AT = os.environ.get("REMINDER_DAY_BEFORE_AT", "09:00")
    REMINDER_MINUTES_BEFORE = int(os.environ.get("REMINDER_MINUTES_BEFORE", "60"))
    DAILY_AT = os.environ.get("DAILY_AT", "07:00")
    SURVEY_AT = os.environ.get("SURVEY_AT", "10:00")
    TWILIO_CONTENT_SIDS = {
        key.removeprefix("TWILIO_CONTENT_SID_"): value
        for key, value in os.environ.items()
        if key.startswith("TWILIO_CONTENT_SID_") and value
    }
    SEND_BATCH_SIZE = int(os.environ.get("SEND_BATCH_SIZE", "50"))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Secure cookies whenever the console is served over https (set explicitly to override).
    SESSION_COOKIE_SECURE = os.environ.get(
        "SESSION_COOKIE_SECURE", str(PUBLIC_BASE_URL.startswith("https://"))
    ).lower() in ("1", "true", "yes")
    PERMANENT_SESSION_LIFETIME = 8 * 3600
    MAX_CONTENT_LENGTH = 1024 * 1024
    TESTING = False


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test"
    TWILIO_ACCOUNT_SID = ""
    TWILIO_AUTH_TOKEN = ""
    TWILIO_WHATSAPP_FROM = ""
    TWILIO_API_BASE_URL = ""
    PUBLIC_BASE_URL = ""
    ADMIN_NUMBERS: list[str] = []
