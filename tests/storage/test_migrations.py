"""Migration 0007 moves the conversation's control state out of the answers into its scratch,
so a conversation in progress on the day of the upgrade carries on where it was."""

import json

from alembic import command
from sqlalchemy import text

from flows.conversation import handle
from flows.model import Context, Incoming
from storage.db import make_engine, transaction
from storage.migrate import alembic_config
from storage.models import Conversation
from tests.helpers import NOW

LEGACY = {
    "coop_name": "KSP Lama", "nik": None, "coop_kind": "ksp", "kecamatan": "Cikupa",
    "in_regency": True, "contact_name": "Siti", "contact_role": "ketua", "topic": "keuangan",
    "problem_area": "keuangan", "problem_text": "Tunggakan anggota meningkat.",
    "_history": ["coop_name", "nik"],
    "_offer": ["2026-11-30T08:00:00+07:00", "2026-11-30T09:00:00+07:00"],
    "_offer_day": "2026-11-30", "_offer_wanted": None, "_offer_skip": 0,
}  # fmt: skip
LEGACY_DRAFT = {"_draft": {"state": "topic", "answers": {"coop_name": "KSP Draf",
                                                         "_history": ["coop_name"]}}}  # fmt: skip
EXPERT_DRAFT = {"_resep": {"code": "EK-0001", "parts": ["1. Data anggota."]}}


def test_control_keys_move_to_the_scratch(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    config = alembic_config(url)
    command.upgrade(config, "0006")
    engine = make_engine(url)
    with engine.begin() as connection:
        for phone, state, answers in [("+6281200000001", "when", LEGACY),
                                      ("+6281200000002", "menu", LEGACY_DRAFT),
                                      ("+6281100000003", "menu", EXPERT_DRAFT)]:  # fmt: skip
            connection.execute(
                text("INSERT INTO conversation (phone, state, answers, lang, opted_out, "
                     "updated_at) VALUES (:phone, :state, :answers, 'id', 0, :at)"),  # fmt: skip
                {"phone": phone, "state": state, "answers": json.dumps(answers),
                 "at": NOW.isoformat()},  # fmt: skip
            )
    command.upgrade(config, "head")
    with transaction(engine) as session:
        booking_one = session.get(Conversation, "+6281200000001")
        draft = session.get(Conversation, "+6281200000002")
        expert = session.get(Conversation, "+6281100000003")
    assert not any(key.startswith("_") for key in booking_one.answers)
    assert booking_one.scratch["history"] == ["coop_name", "nik"]
    assert booking_one.scratch["offer"]["day"] == "2026-11-30"
    assert draft.answers == {} and draft.scratch["draft"]["answers"] == {"coop_name": "KSP Draf"}
    assert draft.scratch["draft"]["scratch"]["history"] == ["coop_name"]
    assert expert.scratch == {"prescription": EXPERT_DRAFT["_resep"]}

    # ... and the conversation carries on: "2" picks the second time offered before
    from storage.conversations import load_chat

    reply = handle(load_chat(booking_one), Incoming(text="2"), Context(now=NOW))
    assert reply.chat.state == "summary" and reply.chat.answers["start"] == LEGACY["_offer"][1]
    engine.dispose()


def test_the_migrations_make_exactly_the_tables_the_models_declare(db_url) -> None:
    """Every table, column, index and constraint of storage/models.py has its migration (SQLite
    does not keep a text column's length, which 0012 widens on PostgreSQL only)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    engine = make_engine(db_url)
    with engine.connect() as connection:
        found = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    engine.dispose()
    if db_url.startswith("sqlite"):
        found = [d for d in found if not (isinstance(d, list) and d[0][0] == "modify_type")]
    assert found == []



def test_the_partial_indexes_cover_the_statuses_that_hold_a_time_today() -> None:
    """Migration 0019 wrote the holding statuses out; a new one must come with a migration."""
    import importlib.util
    from pathlib import Path

    import storage
    from storage.models import HOLDING

    file = Path(storage.__file__).parent / "migrations" / "versions" / "0019_pace.py"
    spec = importlib.util.spec_from_file_location("migration_0019", file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert str(module.HOLDING) == str(HOLDING)
