"""Voting: participation and ballots stored apart, and the bulletin board's publications.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 15:34:33.846834
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # No timestamps, no sequences, no reference between the two tables; on SQLite no rowid (rows are kept in
    # primary-key order: a random UUID, a keyed hash).
    op.create_table('ballot',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('budget_id', sa.Integer(), nullable=False),
    sa.Column('config_hash', sa.String(length=64), nullable=False),
    sa.Column('selections', JSON, nullable=False),
    sa.Column('receipt', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['budget_id'], ['budget.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('receipt'),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('ballot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballot_budget_id'), ['budget_id'], unique=False)

    op.create_table('participation',
    sa.Column('budget_id', sa.Integer(), nullable=False),
    sa.Column('voter_key', sa.String(length=64), nullable=False),
    sa.Column('sealed_ballot', sa.String(length=200), nullable=False),
    sa.Column('idempotency_tag', sa.String(length=64), nullable=True),
    sa.Column('request_tag', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['budget_id'], ['budget.id'], ),
    sa.PrimaryKeyConstraint('budget_id', 'voter_key'),
    sqlite_with_rowid=False
    )

    op.create_table('board_publication',
    sa.Column('budget_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('config_hash', sa.String(length=64), nullable=False),
    sa.Column('ballot_count', sa.Integer(), nullable=False),
    sa.Column('set_hash', sa.String(length=64), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['budget_id'], ['budget.id'], ),
    sa.ForeignKeyConstraint(['round_id'], ['budget_round.id'], ),
    sa.PrimaryKeyConstraint('budget_id')
    )
    with op.batch_alter_table('board_publication', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_board_publication_round_id'), ['round_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('board_publication', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_board_publication_round_id'))
    op.drop_table('board_publication')
    op.drop_table('participation')
    with op.batch_alter_table('ballot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ballot_budget_id'))
    op.drop_table('ballot')
