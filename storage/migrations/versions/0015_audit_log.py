"""the audit log: who of the staff did what, from the console or by WhatsApp command

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.models

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        "auditentry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("who", _text(254), nullable=False),
        sa.Column("channel", _text(10), nullable=False),
        sa.Column("action", _text(40), nullable=False),
        sa.Column("target", _text(60), nullable=False),
        sa.Column("detail", _text(1000), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auditentry")),
    )
    op.create_index("ix_auditentry_at", "auditentry", ["at"])
    op.create_index(op.f("ix_auditentry_who"), "auditentry", ["who"])
    op.create_index(op.f("ix_auditentry_action"), "auditentry", ["action"])


def downgrade() -> None:
    op.drop_index(op.f("ix_auditentry_action"), table_name="auditentry")
    op.drop_index(op.f("ix_auditentry_who"), table_name="auditentry")
    op.drop_index("ix_auditentry_at", table_name="auditentry")
    op.drop_table("auditentry")
