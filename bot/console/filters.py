"""The console's template filters and globals: names from the catalogue, never codes."""

import re
from datetime import date, datetime
from functools import partial

from markupsafe import Markup, escape

from bot.console import bp
from bot.reports import percent_text, shown_cell
from flows.calendar import format_day, format_start
from flows.catalogue import STAFF, name, names
from flows.choices import TOPICS
from flows.lifecycle import Channel, Event, Origin
from storage.roles import Role


@bp.app_template_filter("when")
def _when(value: datetime | None) -> str:
    return format_start(value) if value else "-"


@bp.app_template_filter("long_day")
def _long_day(value: date) -> str:
    return format_day(value)


@bp.app_template_filter("short_day")
def _short_day(value: date) -> str:
    """"Sen 30/11": a day tab."""
    short = names("calendar")["days_short"][value.weekday()]
    return f"{short} {value.day}/{value.month}"


@bp.app_template_filter("topic")
def _topic(key: str) -> str:
    return TOPICS.label(key)


@bp.app_template_filter("answer")
def _answer(key: str) -> str:
    """The label of a booking answer kept in booking.details (its summary label)."""
    return name("summary_label", key)


@bp.app_template_filter("status")
def _status(value: str) -> str:
    return name("status", value)


_FORMATTED = re.compile(r"\*([^*\n]+)\*|_([^_\n]+)_")


bp.add_app_template_filter(shown_cell, "report_cell")
bp.add_app_template_filter(percent_text, "percent")


@bp.app_template_filter("whatsapp")
def _whatsapp(text: str | None) -> Markup:
    """A message as WhatsApp shows it: *bold* and _italic_, never the asterisks; everything
    else escaped."""
    parts, at = [], 0
    for found in _FORMATTED.finditer(text or ""):
        parts.append(escape(found.string[at : found.start()]))
        tag = "strong" if found[1] is not None else "em"
        parts.append(Markup(f"<{tag}>{escape(found[1] or found[2])}</{tag}>"))
        at = found.end()
    parts.append(escape((text or "")[at:]))
    return Markup("").join(parts)


# Codes shown by name, each a filter of the same name over its staff.toml table: a console
# role, a history action, an audit action, a message kind, a message status.
STAFF_NAMES = ("console_role", "action", "audit_action", "message_kind", "message_status",
               "channel")
for _table in STAFF_NAMES:
    bp.add_app_template_filter(partial(name, _table, lang=STAFF), _table)


def page(name: str):
    """The words of one console page (staff.toml's [page.<name>])."""
    return names(f"page.{name}", STAFF)


@bp.app_context_processor
def _names() -> dict:
    """The declared names templates compare with, instead of copies of their values, and
    the words of each page."""
    return {"Role": Role, "Event": Event, "Channel": Channel, "Origin": Origin, "page": page,
            "case_status": lambda value: name("case", value),
            "audit_actions": names("audit_action", STAFF)}
