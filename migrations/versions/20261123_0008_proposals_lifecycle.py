"""Proposals lifecycle: the history of hides and unhides, and the outcome of resolved reports.

``moderation_action`` keeps every hide and unhide of a proposal or comment with its reason (authors see it);
content hidden before this revision gets its hide entry from ``hidden_at``/``hidden_reason``.
``content_report`` gains the outcome (``hidden``/``no_action``) and the official's note.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 16:27:09.985281
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "moderation_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("action IN ('hide', 'unhide')", name="action_allowed"),
        sa.ForeignKeyConstraint(["comment_id"], ["proposal_comment.id"]),
        sa.ForeignKeyConstraint(["proposal_id"], ["proposal.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("moderation_action", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_moderation_action_proposal_id"), ["proposal_id"], unique=False)
    op.execute(
        "INSERT INTO moderation_action (proposal_id, comment_id, action, reason, created_at) "
        "SELECT id, NULL, 'hide', coalesce(hidden_reason, ''), hidden_at FROM proposal "
        "WHERE hidden_at IS NOT NULL"
    )
    op.execute(
        "INSERT INTO moderation_action (proposal_id, comment_id, action, reason, created_at) "
        "SELECT proposal_id, id, 'hide', coalesce(hidden_reason, ''), hidden_at FROM proposal_comment "
        "WHERE hidden_at IS NOT NULL"
    )

    with op.batch_alter_table("content_report", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outcome", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("resolution", sa.String(length=1000), nullable=True))
        batch_op.create_check_constraint("outcome_allowed", "outcome IN ('hidden', 'no_action')")


def downgrade() -> None:
    with op.batch_alter_table("content_report", schema=None) as batch_op:
        batch_op.drop_constraint("outcome_allowed", type_="check")
        batch_op.drop_column("resolution")
        batch_op.drop_column("outcome")

    with op.batch_alter_table("moderation_action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_moderation_action_proposal_id"))

    op.drop_table("moderation_action")
