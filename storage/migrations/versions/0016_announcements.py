"""announcements: one message from the administrators to a group of cooperatives

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.models

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        "announcement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("author", _text(254), nullable=False),
        sa.Column("text", _text(4096), nullable=False),
        sa.Column("audience", _text(20), nullable=False),
        sa.Column("audience_value", _text(80), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("skipped_stop", sa.Integer(), nullable=False),
        sa.Column("skipped_window", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcement")),
    )
    with op.batch_alter_table("outboundmessage", schema=None) as batch_op:
        batch_op.add_column(sa.Column("announcement_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            op.f("ix_outboundmessage_announcement_id"), ["announcement_id"], unique=False
        )
        batch_op.create_foreign_key(
            op.f("fk_outboundmessage_announcement_id_announcement"),
            "announcement",
            ["announcement_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("outboundmessage", schema=None) as batch_op:
        batch_op.drop_constraint(
            op.f("fk_outboundmessage_announcement_id_announcement"), type_="foreignkey"
        )
        batch_op.drop_index(op.f("ix_outboundmessage_announcement_id"))
        batch_op.drop_column("announcement_id")
    op.drop_table("announcement")
