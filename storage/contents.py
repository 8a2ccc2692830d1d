"""The Content resources kept at Twilio (questions to tap, templates) and which can be used."""

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


def content_row(session: Session, name: str, kind: str, now: datetime) -> WhatsAppContent:
    row = session.get(WhatsAppContent, name)
    if row is None:
        row = WhatsAppContent(name=name, kind=kind, updated_at=now)
        session.add(row)
    return row
