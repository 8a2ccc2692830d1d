"""The registry of message kinds: every kind complete, and the README's table its copy."""

import string
from datetime import datetime, timedelta

import pytest

from flows.calendar import ClinicCalendar
from flows.catalogue import LANGUAGES, STAFF, catalogue
from flows.dates import WIB
from flows.kinds import (
    KINDS,
    KINDS_IN_ORDER,
    Moment,
    To,
    before_the_start,
    day_before,
    sent_on,
    split_message,
    template_table,
)
from flows.lifecycle import TRANSITIONS
from tests.helpers import ROOT

EXPERT_RECIPIENTS = {To.EXPERT, To.NEW_EXPERT, To.SAME_EXPERT, To.PREVIOUS_EXPERT}


def placeholders(text: str) -> set[str]:
    return {field for _lit, field, _spec, _conv in string.Formatter().parse(text) if field}


@pytest.mark.parametrize("kind", KINDS_IN_ORDER, ids=lambda kind: kind.name)
def test_every_kind_is_complete(kind) -> None:
    assert kind.template and kind.describe
    texts = [{"text"}] if kind.text is None else [
        placeholders(catalogue(lang)[kind.text])
        for lang in ((STAFF,) if kind.staff else LANGUAGES)
    ]  # fmt: skip
    for fields in texts:
        said = set(kind.variables) - kind.template_only
        assert said <= fields, "a template variable the text does not say"
    for step, to in kind.on.items():
        assert step in {row.name for row in TRANSITIONS}, f"{kind.name}: no step {step}"
        if kind.audience == To.COOPERATIVE:
            assert to == To.COOPERATIVE
        elif kind.audience == To.EXPERT:
            assert to in EXPERT_RECIPIENTS
        else:
            assert to == To.ADMINISTRATORS
    if kind.with_session:
        assert kind.while_status, "a message about a session time says which statuses it needs"


def test_kinds_sharing_a_template_pass_the_same_variables() -> None:
    by_template: dict[str, set[tuple[str, ...]]] = {}
    for kind in KINDS_IN_ORDER:
        by_template.setdefault(kind.template, set()).add(kind.variables)
    assert all(len(variables) == 1 for variables in by_template.values()), by_template


def test_the_readme_template_table_is_the_registry() -> None:
    """Regenerate it with: python -c "from flows.kinds import template_table as t; print(t())"."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert template_table() in readme


def test_no_show_has_a_template_now() -> None:
    assert KINDS["no_show"].template == "NO_SHOW" and KINDS["no_show"].variables


def test_what_each_step_sends() -> None:
    def kinds(step: str) -> list[tuple[str, To]]:
        return [(kind.name, to) for kind, to in sent_on(step)]

    assert kinds("confirm") == [
        ("confirmation", To.COOPERATIVE), ("reminder_day_before", To.COOPERATIVE),
        ("reminder_hour_before", To.COOPERATIVE), ("expert_notice", To.EXPERT),
    ]  # fmt: skip
    moved = kinds("move")
    assert ("session_moved", To.COOPERATIVE) in moved and ("confirmation", To.COOPERATIVE) \
        not in moved  # fmt: skip
    assert ("expert_moved", To.SAME_EXPERT) in moved
    assert ("expert_cancelled", To.PREVIOUS_EXPERT) in moved  # when the expert changed
    assert ("expert_notice", To.NEW_EXPERT) in moved
    assert kinds("reschedule") == [("expert_move_asked", To.PREVIOUS_EXPERT),
                                   ("admin_rescheduled", To.ADMINISTRATORS)]  # fmt: skip
    assert kinds("hold") == []


def test_reminder_times() -> None:
    calendar = ClinicCalendar()
    start = datetime(2026, 11, 30, 10, tzinfo=WIB)  # a Monday
    friday = datetime(2026, 11, 27, 10, tzinfo=WIB)
    moment = Moment(now=friday, start=start, calendar=calendar)
    assert day_before(moment) is None  # Friday 09:00 has passed
    earlier = Moment(now=friday - timedelta(days=1), start=start, calendar=calendar)
    assert day_before(earlier) == datetime(2026, 11, 27, 9, tzinfo=WIB)
    assert before_the_start(moment) == datetime(2026, 11, 30, 9, tzinfo=WIB)
    late = Moment(now=start - timedelta(minutes=10), start=start, calendar=calendar)
    assert before_the_start(late) == late.now
    assert before_the_start(Moment(now=start, start=start, calendar=calendar)) is None


def test_long_texts_go_in_numbered_parts() -> None:
    parts = split_message("kata " * 700)
    assert len(parts) == 3 and parts[0].startswith("(1/3) ") and all(len(p) <= 1510 for p in parts)
    assert split_message("pendek") == ["pendek"]


def test_every_kind_status_and_action_has_a_name_people_read() -> None:
    """The console shows names, never codes (`admin_notice`, `pending`, `confirmed`)."""
    from flows.catalogue import STAFF, names
    from flows.kinds import KINDS, MessageStatus
    from flows.lifecycle import Event, Note

    assert set(names("message_kind", STAFF)) == set(KINDS)
    assert set(names("message_status", STAFF)) == {status.value for status in MessageStatus}
    assert set(names("action", STAFF)) == {e.value for e in Event} | {n.value for n in Note}
    from storage.roles import Role

    assert set(names("console_role", STAFF)) == {role.value for role in Role}
