"""an index on the numbers linked to a cooperative by number: every message reads the
number's history through it (without it, each message scanned every linked number)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(op.f("ix_cooperativenumber_phone"), "cooperativenumber", ["phone"])


def downgrade() -> None:
    op.drop_index(op.f("ix_cooperativenumber_phone"), table_name="cooperativenumber")
