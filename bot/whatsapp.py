"""`eklinik whatsapp sync` and `eklinik whatsapp status`: the Content resources at Twilio.

Every question that can be tapped (flows/prompts.py, per language) and every template for
outside the 24-hour window (flows/catalogue/templates.toml) is a Content resource. Sync
creates the missing ones, updates a question whose options changed, and submits each template
to WhatsApp (category UTILITY); a template that changed is created anew and submitted, and the
approved one goes on being used until WhatsApp approves the new one. Their SIDs are stored
(table whatsappcontent), so the sender finds them without any TWILIO_CONTENT_SID_… setting.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from twilio.rest import Client
from twilio.rest.content.v1.content import ContentList
from twilio.rest.content.v1.content.approval_create import ApprovalCreateList

from flows.kinds import template_samples
from flows.prompts import content_types, every_prompt
from flows.templates import bodies
from storage.contents import APPROVED, PROMPT, TEMPLATE, content_row, every_content
from storage.db import transaction

CATEGORY = "UTILITY"
READY = "ready"  # a question to tap: usable at once, no approval


@dataclass(frozen=True)
class Definition:
    name: str
    kind: str
    language: str
    types: dict
    variables: dict[str, str]  # samples

    @property
    def digest(self) -> str:
        data = {"language": self.language, "types": self.types, "variables": self.variables}
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()

    def request(self) -> dict:
        return {"friendly_name": f"eklinik_{self.name.lower()}", "language": self.language,
                "variables": self.variables, "types": self.types}  # fmt: skip

    def approval_name(self) -> str:
        """WhatsApp's name for the template: unique per version (lower case, digits, _)."""
        return f"eklinik_{self.name.lower()}_{self.digest[:8]}"


def definitions() -> list[Definition]:
    found = []
    for prompt in every_prompt():
        found.append(Definition(prompt.content, PROMPT, prompt.lang, content_types(prompt),
                                prompt.variables))  # fmt: skip
    samples = template_samples()
    for name, body in bodies().items():
        found.append(Definition(name, TEMPLATE, "id", {"twilio/text": {"body": body}},
                                samples[name]))  # fmt: skip
    return found


class ContentApi:
    """Twilio's Content API through the twilio library (its base URL as the messenger's)."""

    def __init__(self, client: Client) -> None:
        self.contents = client.content.v1.contents

    def create(self, definition: Definition) -> str:
        request = ContentList.ContentCreateRequest(definition.request())
        return self.contents.create(request).sid

    def update(self, sid: str, definition: Definition) -> None:
        self.contents(sid).update(ContentList.ContentUpdateRequest(definition.request()))

    def submit(self, sid: str, definition: Definition) -> str:
        request = ApprovalCreateList.ContentApprovalRequest(
            {"name": definition.approval_name(), "category": CATEGORY})
        return self.contents(sid).approval_create.create(request).status or "received"

    def approval(self, sid: str) -> tuple[str, str | None]:
        whatsapp = self.contents(sid).approval_fetch().fetch().whatsapp or {}
        status = str(whatsapp.get("status") or "unsubmitted")
        return status, whatsapp.get("rejection_reason") or None


@dataclass(frozen=True)
class Report:
    name: str
    kind: str
    sid: str | None
    status: str
    pending: str | None  # a newer version waiting for approval: its status


def sync(engine: Engine, api: ContentApi, now: datetime) -> list[Report]:
    """Create, update and submit what is missing or changed; then refresh the approvals.
    One transaction per resource: a failure half-way keeps every SID already made."""
    for definition in definitions():
        with transaction(engine) as session:
            row = content_row(session, definition.name, definition.kind, now)
            if row.sid is None:
                row.sid, row.digest = api.create(definition), definition.digest
                row.status = (api.submit(row.sid, definition) if definition.kind == TEMPLATE
                              else READY)  # fmt: skip
            elif definition.digest not in (row.digest, row.pending_digest):
                if definition.kind == PROMPT:  # no approval: changed in place
                    api.update(row.sid, definition)
                    row.digest = definition.digest
                else:
                    row.pending_sid = api.create(definition)
                    row.pending_digest = definition.digest
                    row.pending_status = api.submit(row.pending_sid, definition)
            row.updated_at = now
    return refresh(engine, api, now)


def refresh(engine: Engine, api: ContentApi, now: datetime) -> list[Report]:
    """Each template's approval as WhatsApp has it now; a newly approved version replaces the
    one in use."""
    with transaction(engine) as session:
        names = [row.name for row in every_content(session) if row.kind == TEMPLATE]
    for name in names:
        with transaction(engine) as session:
            row = content_row(session, name, TEMPLATE, now)
            if row.sid:
                row.status, row.rejection = api.approval(row.sid)
            if row.pending_sid:
                row.pending_status, rejection = api.approval(row.pending_sid)
                if row.pending_status == APPROVED:
                    row.sid, row.digest, row.status = row.pending_sid, row.pending_digest, APPROVED
                    row.pending_sid = row.pending_digest = row.pending_status = None
                    row.rejection = None
                else:
                    row.rejection = rejection or row.rejection
            row.updated_at = now
    return reports(engine)


def reports(engine: Engine) -> list[Report]:
    with transaction(engine) as session:
        return [Report(row.name, row.kind, row.sid, row.status, row.pending_status)
                for row in every_content(session)]  # fmt: skip
