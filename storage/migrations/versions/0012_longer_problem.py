"""a problem may be told at length: up to 4,000 characters (WhatsApp allows 4,096 per message)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlmodel
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("booking", "clinic_case")


def _resize(length: int, was: int) -> None:
    # SQLite never enforces a VARCHAR's length: rebuilding its tables would change nothing.
    if op.get_context().dialect.name == "sqlite":
        return
    for table in TABLES:
        op.alter_column(table, "problem_text",
                        type_=sqlmodel.sql.sqltypes.AutoString(length=length),
                        existing_type=sqlmodel.sql.sqltypes.AutoString(length=was),
                        existing_nullable=False)  # fmt: skip


def upgrade() -> None:
    _resize(4000, was=1000)


def downgrade() -> None:
    op.execute("UPDATE booking SET problem_text = LEFT(problem_text, 1000)")
    op.execute("UPDATE clinic_case SET problem_text = LEFT(problem_text, 1000)")
    _resize(1000, was=4000)
