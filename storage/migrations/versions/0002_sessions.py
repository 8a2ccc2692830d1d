"""sessions: expert, link, proposal, history; no double booking

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.models

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "bookingevent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("detail", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["booking.id"], name=op.f("fk_bookingevent_booking_id_booking")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bookingevent")),
    )
    with op.batch_alter_table("bookingevent", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_bookingevent_booking_id"), ["booking_id"], unique=False
        )

    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("ends_at", storage.models.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("meeting_link", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True)
        )
        batch_op.add_column(
            sa.Column("proposed_start", storage.models.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("decline_reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "updated_at",
                storage.models.UTCDateTime(timezone=True),
                nullable=False,
                server_default=sa.text("CURRENT_TIMESTAMP"),
            )
        )
        batch_op.create_index(
            "uq_booking_confirmed_expert_start",
            ["expert_id", "requested_start"],
            unique=True,
            sqlite_where=sa.text("status = 'confirmed'"),
            postgresql_where=sa.text("status = 'confirmed'"),
        )

    if op.get_bind().dialect.name == "postgresql":
        # Overlapping time ranges, not only equal starts, can never both be confirmed for one
        # expert, whatever the concurrency. btree_gist lets a GiST index compare expert ids.
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute(
            "ALTER TABLE booking ADD CONSTRAINT ex_booking_expert_overlap EXCLUDE USING gist "
            "(expert_id WITH =, tstzrange(requested_start, ends_at) WITH &&) "
            "WHERE (status = 'confirmed')"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE booking DROP CONSTRAINT ex_booking_expert_overlap")
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_booking_confirmed_expert_start",
            sqlite_where=sa.text("status = 'confirmed'"),
            postgresql_where=sa.text("status = 'confirmed'"),
        )
        batch_op.drop_column("updated_at")
        batch_op.drop_column("decline_reason")
        batch_op.drop_column("proposed_start")
        batch_op.drop_column("meeting_link")
        batch_op.drop_column("ends_at")

    with op.batch_alter_table("bookingevent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bookingevent_booking_id"))

    op.drop_table("bookingevent")
