"""the department's year: a booking's channel and origin (walk-ins, imported past services),
the public satisfaction survey's answers, and the yearly target

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.models

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ELEMENTS = ("persyaratan", "prosedur", "waktu", "biaya", "produk", "kompetensi", "perilaku",
            "pengaduan", "sarana")  # fmt: skip


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("channel", _text(10), server_default="online", nullable=False)
        )
        batch_op.add_column(sa.Column("origin", _text(10), server_default="chat", nullable=False))
    op.create_table(
        "skmanswer",
        sa.Column("booking_id", sa.Integer(), nullable=False),
        *(sa.Column(element, sa.Integer(), nullable=True) for element in ELEMENTS),
        sa.Column("comment", _text(1000), nullable=True),
        sa.Column("answered_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["booking.id"], name=op.f("fk_skmanswer_booking_id_booking")
        ),
        sa.PrimaryKeyConstraint("booking_id", name=op.f("pk_skmanswer")),
    )
    op.create_index(op.f("ix_skmanswer_answered_at"), "skmanswer", ["answered_at"], unique=False)
    op.create_table(
        "servicetarget",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("services", sa.Integer(), nullable=False),
        sa.Column("set_by", _text(254), nullable=False),
        sa.Column("set_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_servicetarget")),
    )


def downgrade() -> None:
    op.drop_table("servicetarget")
    op.drop_index(op.f("ix_skmanswer_answered_at"), table_name="skmanswer")
    op.drop_table("skmanswer")
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.drop_column("origin")
        batch_op.drop_column("channel")
