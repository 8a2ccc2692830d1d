"""administrators answer cooperatives: threads waiting for an answer, who took them, and
which number a staff notice is about

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.models

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _ts(name: str) -> sa.Column:
    return sa.Column(name, storage.models.UTCDateTime(timezone=True), nullable=True)


def upgrade() -> None:
    op.create_table(
        "adminthread",
        sa.Column("phone", _text(20), nullable=False),
        _ts("waiting_since"),
        sa.Column("taken_by", _text(254), nullable=True),
        _ts("taken_at"),
        sa.Column("answered_by", _text(254), nullable=True),
        _ts("answered_at"),
        sa.PrimaryKeyConstraint("phone", name=op.f("pk_adminthread")),
    )
    op.create_index(op.f("ix_adminthread_waiting_since"), "adminthread", ["waiting_since"])
    with op.batch_alter_table("outboundmessage", schema=None) as batch_op:
        batch_op.add_column(sa.Column("about_phone", _text(20), nullable=True))
        batch_op.add_column(sa.Column("author", _text(254), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outboundmessage", schema=None) as batch_op:
        batch_op.drop_column("author")
        batch_op.drop_column("about_phone")
    op.drop_index(op.f("ix_adminthread_waiting_since"), table_name="adminthread")
    op.drop_table("adminthread")
