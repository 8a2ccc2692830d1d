"""questions to tap and templates as Content resources at Twilio; a reply row names its Content

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.models

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        "whatsappcontent",
        sa.Column("name", _text(60), nullable=False),
        sa.Column("kind", _text(10), nullable=False),
        sa.Column("sid", _text(34), nullable=True),
        sa.Column("digest", _text(64), nullable=False),
        sa.Column("status", _text(30), nullable=False),
        sa.Column("rejection", _text(500), nullable=True),
        sa.Column("pending_sid", _text(34), nullable=True),
        sa.Column("pending_digest", _text(64), nullable=True),
        sa.Column("pending_status", _text(30), nullable=True),
        sa.Column("updated_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_whatsappcontent")),
    )
    with op.batch_alter_table("outboundmessage", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content", _text(60), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outboundmessage", schema=None) as batch_op:
        batch_op.drop_column("content")
    op.drop_table("whatsappcontent")
