"""A WhatsApp message in: Twilio's webhook (routes.py), one message in one transaction
(receive.py), what the conversation needs to know (context.py) and its effects (effects.py)."""

from flask import Blueprint

bp = Blueprint("webhook", __name__)

from bot.inbound import routes  # noqa: E402,F401
