"""What every console view starts from: a transaction, the app's clock, and who acts (the
logged-in account, as an administrator or an expert), for the code the WhatsApp commands
share."""

from datetime import datetime

from flask import current_app, g
from sqlmodel import Session

from bot.lifecycle import Acting
from bot.meetings import Prepared
from flows.lifecycle import Actor
from storage.db import transaction
from storage.roles import Role


def in_transaction():
    return transaction(current_app.extensions["engine"])


def now() -> datetime:
    return current_app.extensions["clock"]()


def acting(session: Session, meetings: Prepared | None = None) -> Acting:
    actor = Actor.EXPERT if g.user.role == Role.EXPERT else Actor.ADMINISTRATOR
    settings = current_app.extensions["settings"]
    meetings = meetings or Prepared(settings.meetings)
    return Acting(session, actor, g.user.email, now(), settings, meetings)
