"""A UTC column reads back as an aware datetime in UTC, the instant that was written, on both
backends (SQLite keeps naive text, and its reader adds the offset)."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, literal_column, null, select, type_coerce

from storage.conversations import record_inbound
from storage.db import transaction
from storage.models import InboundMessage, UTCDateTime
from tests.helpers import at


def test_a_time_reads_back_as_the_same_instant_in_utc(engine) -> None:
    written = at("2026-11-27 10:00:00.123456")
    with transaction(engine) as session:
        record_inbound(session, sid="SMdates", phone="+6281234567890", body="", kind="text",
                       payload={}, received_at=written)  # fmt: skip
    with transaction(engine) as session:
        read = session.connection().execute(select(InboundMessage.received_at)).scalar_one()
        missing = session.connection().execute(select(type_coerce(null(), UTCDateTime())))
        assert missing.scalar_one() is None
    assert read == written
    assert read.tzinfo is UTC
    assert (read.hour, read.microsecond) == (3, 123456)


def test_a_naive_time_is_refused_on_write(engine) -> None:
    with pytest.raises(Exception, match="naive datetime"), transaction(engine) as session:
        record_inbound(session, sid="SMnaive", phone="+6281234567890", body="", kind="text",
                       payload={}, received_at=datetime(2026, 11, 27, 10))  # fmt: skip


@pytest.mark.parametrize(
    ("stored", "instant"),
    [
        ("2026-11-27 03:00:00.000000", at("2026-11-27 10:00")),  # as SQLAlchemy writes it
        ("2026-11-27 03:00:00", at("2026-11-27 10:00")),  # CURRENT_TIMESTAMP's
        ("2026-11-27T10:00:00+07:00", at("2026-11-27 10:00")),  # written elsewhere, with WIB
    ],
)
def test_sqlite_text_reads_as_the_instant_it_says(stored: str, instant: datetime) -> None:
    engine = create_engine("sqlite://")
    with engine.connect() as conn:
        text_read = type_coerce(literal_column(f"'{stored}'"), UTCDateTime())
        read = conn.execute(select(text_read)).scalar_one()
    engine.dispose()
    assert read == instant
    assert read.tzinfo is UTC
