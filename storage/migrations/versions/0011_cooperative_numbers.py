"""which numbers speak for a cooperative; every number that booked for one is linked to it

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.models

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cooperativenumber",
        sa.Column("cooperative_id", sa.Integer(), nullable=False),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("created_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
        sa.Column("decided_at", storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["cooperative_id"], ["cooperative.id"],
                                name=op.f("fk_cooperativenumber_cooperative_id_cooperative")),
        sa.PrimaryKeyConstraint("cooperative_id", "phone", name=op.f("pk_cooperativenumber")),
    )
    # Before this, every number that booked for a cooperative shared its history: keep that.
    op.execute(
        "INSERT INTO cooperativenumber (cooperative_id, phone, status, created_at) "
        "SELECT cooperative_id, phone, 'linked', MIN(created_at) FROM booking "
        "GROUP BY cooperative_id, phone"
    )


def downgrade() -> None:
    op.drop_table("cooperativenumber")
