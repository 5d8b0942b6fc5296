"""Foundation: municipalities, networks, budget rounds and their phase plans, budgets, API tokens, audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 15:23:40.291412
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('audit_event',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('target', sa.String(length=200), nullable=False),
    sa.Column('details', JSON, nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq'),
    sa.UniqueConstraint('hash')
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_action'), ['action'], unique=False)
    _forbid_audit_changes()

    op.create_table('audit_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    # The chain's head exists from the start, so the first writers lock a row instead of racing to create it.
    op.execute(f"INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '{'0' * 64}')")
    op.create_table('municipality',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('code', sa.String(length=3), nullable=False),
    sa.Column('name', JSON, nullable=False),
    sa.Column('languages', JSON, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code'),
    sa.UniqueConstraint('slug')
    )
    op.create_table('budget_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('name', JSON, nullable=False),
    sa.Column('phase', sa.String(length=16), nullable=False),
    sa.Column('min_age', sa.Integer(), nullable=False),
    sa.Column('residence_required', sa.Boolean(), nullable=False),
    sa.Column('allow_revoting', sa.Boolean(), nullable=False),
    sa.Column('config_hash', sa.String(length=64), nullable=True),
    sa.Column('frozen_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("phase IN ('draft', 'proposals', 'deliberation', 'voting', 'tallying', 'results', 'implementation', 'closed')", name='phase_allowed'),
    sa.CheckConstraint('min_age >= 0 AND min_age <= 120', name='min_age_range'),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('municipality_id', 'slug')
    )
    with op.batch_alter_table('budget_round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budget_round_municipality_id'), ['municipality_id'], unique=False)

    op.create_table('network',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', JSON, nullable=False),
    sa.Column('description', JSON, nullable=False),
    sa.Column('postal_codes', JSON, nullable=False),
    sa.Column('districts', JSON, nullable=False),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('regional', 'theme', 'business')", name='kind_allowed'),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('municipality_id', 'slug')
    )
    with op.batch_alter_table('network', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_municipality_id'), ['municipality_id'], unique=False)

    op.create_table('api_token',
    sa.Column('jti', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=True),
    sa.Column('network_id', sa.Integer(), nullable=True),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("role IN ('admin', 'official', 'coordinator', 'resident', 'researcher', 'auditor')", name='role_allowed'),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], ),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], ),
    sa.PrimaryKeyConstraint('jti')
    )
    op.create_table('budget',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=True),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('name', JSON, nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('ballot_format', sa.String(length=16), nullable=False),
    sa.Column('min_selections', sa.Integer(), nullable=False),
    sa.Column('max_selections', sa.Integer(), nullable=True),
    sa.Column('max_cost', sa.BigInteger(), nullable=True),
    sa.Column('max_points_per_project', sa.Integer(), nullable=True),
    sa.Column('max_total_points', sa.Integer(), nullable=True),
    sa.Column('rule', sa.String(length=32), nullable=False),
    sa.Column('rule_params', JSON, nullable=False),
    sa.Column('tie_break', sa.String(length=16), nullable=False),
    sa.Column('min_age', sa.Integer(), nullable=True),
    sa.Column('area_restricted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("ballot_format IN ('approval', 'knapsack', 'cumulative', 'ranked')", name='ballot_format_allowed'),
    sa.CheckConstraint('amount >= 0', name='amount_not_negative'),
    sa.CheckConstraint('min_selections >= 0', name='min_selections_not_negative'),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], ),
    sa.ForeignKeyConstraint(['round_id'], ['budget_round.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('round_id', 'slug')
    )
    with op.batch_alter_table('budget', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budget_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_budget_round_id'), ['round_id'], unique=False)

    op.create_table('phase_transition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('from_phase', sa.String(length=16), nullable=False),
    sa.Column('to_phase', sa.String(length=16), nullable=False),
    sa.Column('trigger', sa.String(length=16), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['budget_round.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('phase_transition', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_phase_transition_round_id'), ['round_id'], unique=False)

    op.create_table('round_phase',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('phase', sa.String(length=16), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("phase IN ('draft', 'proposals', 'deliberation', 'voting', 'tallying', 'results', 'implementation', 'closed')", name='phase_allowed'),
    sa.CheckConstraint('ends_at > starts_at', name='phase_window_order'),
    sa.ForeignKeyConstraint(['round_id'], ['budget_round.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('round_id', 'phase')
    )
    with op.batch_alter_table('round_phase', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_phase_round_id'), ['round_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('round_phase', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_round_phase_round_id'))

    op.drop_table('round_phase')
    with op.batch_alter_table('phase_transition', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_phase_transition_round_id'))

    op.drop_table('phase_transition')
    with op.batch_alter_table('budget', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budget_round_id'))
        batch_op.drop_index(batch_op.f('ix_budget_network_id'))

    op.drop_table('budget')
    op.drop_table('api_token')
    with op.batch_alter_table('network', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_municipality_id'))

    op.drop_table('network')
    with op.batch_alter_table('budget_round', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budget_round_municipality_id'))

    op.drop_table('budget_round')
    op.drop_table('municipality')
    op.drop_table('audit_head')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_action'))

    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")
    op.drop_table('audit_event')


def _forbid_audit_changes() -> None:
    """Make the audit log append-only for the application: UPDATE and DELETE raise."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'audit_event is append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
            "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_event_no_{event.lower()} BEFORE {event} ON audit_event "
                "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END"
            )
