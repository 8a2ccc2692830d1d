"""The Content resources kept at Twilio (questions to tap, templates) and which can be used."""

from collections.abc import Mapping
from datetime import datetime

from sqlmodel import Session, select

from storage.models import WhatsAppContent

APPROVED = "approved"
PROMPT, TEMPLATE = "prompt", "template"


def every_content(session: Session) -> list[WhatsAppContent]:
    return list(session.exec(select(WhatsAppContent).order_by(WhatsAppContent.name)).all())


def usable_sid(session: Session, name: str) -> str | None:
    """The SID to send `name` with: a question to tap as soon as it exists, a template only once
    WhatsApp approved it."""
    row = session.get(WhatsAppContent, name)
    if row is None or row.sid is None:
        return None
    return row.sid if row.kind == PROMPT or row.status == APPROVED else None


def template_sid(session: Session, configured: Mapping[str, str], name: str) -> str | None:
    """The template to send `name` with outside the 24-hour window: TWILIO_CONTENT_SID_<name>,
    else the one `eklinik whatsapp sync` had approved."""
    return configured.get(name) or usable_sid(session, name)


def content_row(session: Session, name: str, kind: str, now: datetime) -> WhatsAppContent:
    row = session.get(WhatsAppContent, name)
    if row is None:
        row = WhatsAppContent(name=name, kind=kind, updated_at=now)
        session.add(row)
    return row
