"""Cast events: the audit trail of casts and refused casts, append-only, outside the hash chain.

Casts no longer append to the hash-chained ``audit_event`` (whose single ``audit_head`` row every writer locks);
each cast or refusal inserts one row here instead: budget, action, status, problem code and the minute. No voter,
no ballot content, no receipt; a random key, so no insertion order.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 16:24:29.065569
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('cast_event',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('budget_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('status', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("action IN ('cast', 'revote', 'rejected')", name='cast_action_allowed'),
    sa.PrimaryKeyConstraint('id'),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('cast_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cast_event_budget_id'), ['budget_id'], unique=False)
    _forbid_changes()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS cast_event_append_only ON cast_event")
        op.execute("DROP FUNCTION IF EXISTS cast_event_append_only()")
    with op.batch_alter_table('cast_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cast_event_budget_id'))
    op.drop_table('cast_event')


def _forbid_changes() -> None:
    """Append-only for the application, as audit_event: UPDATE and DELETE raise."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION cast_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'cast_event is append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER cast_event_append_only BEFORE UPDATE OR DELETE ON cast_event "
            "FOR EACH ROW EXECUTE FUNCTION cast_event_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER cast_event_no_{event.lower()} BEFORE {event} ON cast_event "
                "BEGIN SELECT RAISE(ABORT, 'cast_event is append-only'); END"
            )
