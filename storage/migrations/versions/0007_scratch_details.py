"""conversation scratch beside the answers; booking details for answers without a column

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01

The conversation kept its control state inside the user's answers under keys starting with
"_" (_history, _offer, _confirm, _draft, _code, _resep, …). They move to `scratch`, under the
names flows.model.Scratch reads, so a conversation in progress carries on after the upgrade.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

conversation = sa.table(
    "conversation",
    sa.column("phone", sa.String),
    sa.column("answers", sa.JSON),
    sa.column("scratch", sa.JSON),
)


def scratch_of(answers: dict) -> tuple[dict, dict]:
    """(answers without control keys, the scratch made of them)."""
    kept = {key: value for key, value in answers.items() if not key.startswith("_")}
    scratch: dict = {}
    if "_history" in answers:
        scratch["history"] = answers["_history"]
    if answers.get("_offer"):
        scratch["offer"] = {"starts": answers["_offer"], "day": answers.get("_offer_day"),
                            "wanted": answers.get("_offer_wanted"),
                            "skip": answers.get("_offer_skip") or 0}  # fmt: skip
    if isinstance(answers.get("_confirm"), dict):
        scratch["pending"] = answers["_confirm"]
    for old, new in (("_edit_until", "edit_until"), ("_code", "code"), ("_topic", "topic")):
        if answers.get(old):
            scratch[new] = answers[old]
    if isinstance(answers.get("_draft"), dict):
        draft_answers, draft_scratch = scratch_of(answers["_draft"].get("answers", {}))
        scratch["draft"] = {"state": answers["_draft"].get("state", "menu"),
                            "answers": draft_answers, "scratch": draft_scratch}  # fmt: skip
    if isinstance(answers.get("_resep"), dict):
        scratch["prescription"] = answers["_resep"]
    return kept, scratch


def upgrade() -> None:
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scratch", sa.JSON(), nullable=True))
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.add_column(sa.Column("details", sa.JSON(), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(sa.select(conversation.c.phone, conversation.c.answers)).all()
    for phone, answers in rows:
        kept, scratch = scratch_of(answers or {})
        connection.execute(
            conversation.update()
            .where(conversation.c.phone == phone)
            .values(answers=kept, scratch=scratch)
        )
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.alter_column("scratch", existing_type=sa.JSON(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.drop_column("details")
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.drop_column("scratch")
