"""results: budget results (immutable once published), results policy, implementation progress, volunteer notices

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 12:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "budget_result",
        sa.Column("budget_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=32), nullable=False),
        sa.Column("parameters", JSON, nullable=False),
        sa.Column("tie_break", sa.String(length=16), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("config_hash", sa.String(length=64), nullable=False),
        sa.Column("ballot_count", sa.Integer(), nullable=False),
        sa.Column("ballot_set_hash", sa.String(length=64), nullable=False),
        sa.Column("pb_version", sa.String(length=32), nullable=False),
        sa.Column("outcome", JSON, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("tallied_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('draft', 'confirmed', 'published')", name="status_allowed"),
        sa.ForeignKeyConstraint(["budget_id"], ["budget.id"]),
        sa.ForeignKeyConstraint(["round_id"], ["budget_round.id"]),
        sa.PrimaryKeyConstraint("budget_id"),
    )
    with op.batch_alter_table("budget_result", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_budget_result_round_id"), ["round_id"], unique=False)

    op.create_table(
        "results_policy",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("public_exports", sa.Boolean(), nullable=False),
        sa.Column("min_ballot_class", sa.Integer(), nullable=False),
        sa.Column("min_table_cell", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("min_ballot_class >= 2 AND min_table_cell >= 2", name="minimums_at_least_two"),
        sa.ForeignKeyConstraint(["round_id"], ["budget_round.id"]),
        sa.PrimaryKeyConstraint("round_id"),
    )

    op.create_table(
        "implementation_update",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("budget_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.Column("note", JSON, nullable=False),
        sa.Column("cancel_reason", JSON, nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('planned', 'in_progress', 'done', 'cancelled')", name="progress_status_allowed"
        ),
        sa.CheckConstraint("percent >= 0 AND percent <= 100", name="percent_range"),
        sa.ForeignKeyConstraint(["budget_id"], ["budget.id"]),
        sa.ForeignKeyConstraint(["project_id"], ["ballot_project.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("implementation_update", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_implementation_update_budget_id"), ["budget_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_implementation_update_project_id"), ["project_id"], unique=False)

    op.create_table(
        "volunteer_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("update_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("volunteer_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["project_id"], ["ballot_project.id"]),
        sa.ForeignKeyConstraint(["update_id"], ["implementation_update.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("volunteer_notice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_volunteer_notice_update_id"), ["update_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_volunteer_notice_volunteer_key"), ["volunteer_key"], unique=False)

    _freeze_published_results()


def _freeze_published_results() -> None:
    """A published result can be neither updated nor deleted, whatever the application does."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION budget_result_frozen() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN IF OLD.status = 'published' THEN RAISE EXCEPTION 'a published budget_result never changes'; "
            "END IF; IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$"
        )
        op.execute(
            "CREATE TRIGGER budget_result_frozen BEFORE UPDATE OR DELETE ON budget_result "
            "FOR EACH ROW EXECUTE FUNCTION budget_result_frozen()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER budget_result_frozen_{event.lower()} BEFORE {event} ON budget_result "
                "WHEN OLD.status = 'published' "
                "BEGIN SELECT RAISE(ABORT, 'a published budget_result never changes'); END"
            )


def downgrade() -> None:
    with op.batch_alter_table("volunteer_notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_volunteer_notice_volunteer_key"))
        batch_op.drop_index(batch_op.f("ix_volunteer_notice_update_id"))
    op.drop_table("volunteer_notice")
    with op.batch_alter_table("implementation_update", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_implementation_update_project_id"))
        batch_op.drop_index(batch_op.f("ix_implementation_update_budget_id"))
    op.drop_table("implementation_update")
    op.drop_table("results_policy")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS budget_result_frozen ON budget_result")
        op.execute("DROP FUNCTION IF EXISTS budget_result_frozen()")
    with op.batch_alter_table("budget_result", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_budget_result_round_id"))
    op.drop_table("budget_result")
