"""Ballot projects: what residents vote on, with official costs.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 15:28:04.778715
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('ballot_project',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('budget_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('title', JSON, nullable=False),
    sa.Column('description', JSON, nullable=False),
    sa.Column('cost', sa.BigInteger(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('cost > 0', name='cost_positive'),
    sa.ForeignKeyConstraint(['budget_id'], ['budget.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('budget_id', 'code')
    )
    with op.batch_alter_table('ballot_project', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballot_project_budget_id'), ['budget_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ballot_project_proposal_id'), ['proposal_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('ballot_project', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ballot_project_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_ballot_project_budget_id'))

    op.drop_table('ballot_project')
