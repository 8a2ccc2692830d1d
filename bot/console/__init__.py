from flask import Blueprint

bp = Blueprint("console", __name__, url_prefix="/admin")

from bot.console import auth, pages  # noqa: E402,F401
