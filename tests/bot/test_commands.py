"""The staff's commands are tables: every verb the parser reads has a row, a help line and an
example, and a verb without a row is an error, never a default action."""

import pytest

from bot.commands import UnknownVerb, admin, expert
from bot.lifecycle import Acting
from bot.meetings import Prepared
from flows.admin import VERBS, Command, Verb
from flows.catalogue import STAFF, names
from flows.expert import ExpertCommand, ExpertVerb
from flows.lifecycle import Actor
from storage.db import transaction
from storage.directory import expert_by_phone
from storage.models import Conversation
from tests.helpers import ADMIN, NOW, SRI, WhatsApp, request


def test_every_admin_verb_has_a_row_a_help_line_and_an_example() -> None:
    assert set(admin.COMMANDS) == set(Verb) == set(VERBS.values())
    assert set(names("help.admin", STAFF)) == set(Verb)
    assert set(names("example.admin", STAFF)) == set(Verb) - {Verb.HELP}


def test_every_expert_verb_has_a_row_a_help_line_and_an_example() -> None:
    assert set(expert.COMMANDS) == set(ExpertVerb)
    assert set(names("help.expert", STAFF)) == set(ExpertVerb)
    assert set(names("example.expert", STAFF)) == set(ExpertVerb) - {ExpertVerb.HELP}


def test_a_verb_without_a_row_is_an_error_and_changes_nothing(app, engine, monkeypatch) -> None:
    code = request(engine, "+6281200000001", "2026-12-01 10:00")
    monkeypatch.delitem(admin.COMMANDS, Verb.DECLINE)
    with transaction(engine) as session:
        act = Acting(session, Actor.ADMINISTRATOR, ADMIN, NOW, app.extensions["settings"],
                     Prepared())  # fmt: skip
        with pytest.raises(UnknownVerb):
            admin.run(act, Command(Verb.DECLINE, code, reason="tidak ada barisnya"))
    from tests.helpers import messages_to

    assert messages_to(engine, "+6281200000001") == []


def test_an_expert_verb_without_a_row_is_an_error(app, engine, monkeypatch) -> None:
    monkeypatch.setattr("bot.commands.expert.read_expert_command",
                        lambda *_args: ExpertCommand("arsip", "EK-0001"))  # fmt: skip
    with transaction(engine) as session:
        act = Acting(session, Actor.EXPERT, SRI, NOW, app.extensions["settings"], Prepared())
        conversation = Conversation(phone=SRI)
        with pytest.raises(UnknownVerb):
            expert.run(act, conversation, expert_by_phone(session, SRI), "ARSIP EK-0001")


def test_bantuan_is_read_off_the_table(app) -> None:
    app.extensions["clock"] = lambda: NOW
    reply = "\n".join(WhatsApp(app.test_client()).send(ADMIN, "BANTUAN"))
    for line in names("help.admin", STAFF).values():
        assert f"• {line}" in reply
    assert "TUTUP EK-0042" in reply
