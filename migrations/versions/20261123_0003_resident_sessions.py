"""Resident sign-in: login attempts in flight and resident sessions (no national id, no name).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 15:31:10.579545
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('login_attempt',
    sa.Column('state_hash', sa.String(length=64), nullable=False),
    sa.Column('browser_hash', sa.String(length=64), nullable=False),
    sa.Column('nonce', sa.String(length=128), nullable=False),
    sa.Column('code_verifier', sa.String(length=128), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('state_hash')
    )
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_attempt_expires_at'), ['expires_at'], unique=False)

    op.create_table('resident_session',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('person_key', sa.String(length=64), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('municipality_code', sa.String(length=8), nullable=True),
    sa.Column('postal_code', sa.String(length=16), nullable=True),
    sa.Column('acr', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('resident_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resident_session_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_resident_session_person_key'), ['person_key'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('resident_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resident_session_person_key'))
        batch_op.drop_index(batch_op.f('ix_resident_session_expires_at'))
    op.drop_table('resident_session')
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_attempt_expires_at'))
    op.drop_table('login_attempt')
