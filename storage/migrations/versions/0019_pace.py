"""the calendar's partial indexes on the bookings holding a time, the waiting requests'
order, and who sends from a sender number (one scheduler process at a time)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.models

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The statuses that hold a time (flows.lifecycle.HOLDS_A_TIME) on the day this was written.
HOLDING = sa.text("status IN ('confirmed', 'move_proposed', 'proposed', 'waiting')")


def upgrade() -> None:
    for column in ("requested_start", "proposed_start"):
        op.create_index(f"ix_booking_holding_{column}", "booking", [column], unique=False,
                        sqlite_where=HOLDING, postgresql_where=HOLDING)  # fmt: skip
    op.create_index("ix_booking_status_created_at", "booking", ["status", "created_at"])
    op.create_table(
        "sendlease",
        sa.Column("sender", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("until", storage.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sender", name=op.f("pk_sendlease")),
    )


def downgrade() -> None:
    op.drop_table("sendlease")
    op.drop_index("ix_booking_status_created_at", table_name="booking")
    for column in ("proposed_start", "requested_start"):
        op.drop_index(f"ix_booking_holding_{column}", table_name="booking")
