from flask import Blueprint

bp = Blueprint("console", __name__, url_prefix="/admin")

from bot.console import (  # noqa: E402,F401
    announcements,
    audit,
    auth,
    bookings,
    directory,
    filters,
    privacy,
    reports,
    threads,
    visits,
    whatsapp,
)
