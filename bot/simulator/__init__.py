from flask import Blueprint

bp = Blueprint("simulator", __name__, url_prefix="/simulator")

from bot.simulator import routes  # noqa: E402,F401
