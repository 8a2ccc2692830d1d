"""The console's template filters and globals: names from the catalogue, never codes."""

from datetime import datetime

from bot.console import bp
from flows.calendar import format_start
from flows.catalogue import STAFF, name, names
from flows.choices import TOPICS
from flows.lifecycle import Event
from storage.users import Role


@bp.app_template_filter("when")
def _when(value: datetime | None) -> str:
    return format_start(value) if value else "-"


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


def page(name: str):
    """The words of one console page (staff.toml's [page.<name>])."""
    return names(f"page.{name}", STAFF)


@bp.app_context_processor
def _names() -> dict:
    """The declared names templates compare with, instead of copies of their values, and
    the words of each page."""
    return {"Role": Role, "Event": Event, "page": page}
