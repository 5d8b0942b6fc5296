"""Proposals and deliberation: versions, discussion, support, reviews, advancement, volunteers, moderation.

Full-text search is dialect-specific: PostgreSQL gets GIN expression indexes with the finnish, swedish and
english configurations; SQLite gets an FTS5 table kept in step by triggers.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 15:31:29.905573
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Each language's text is searched with its own stemming configuration; search.py uses the same expressions.
FTS_LANGUAGES = {"fi": "finnish", "sv": "swedish", "en": "english"}


def _pg_document(language: str, config: str) -> str:
    return (
        f"to_tsvector('{config}', coalesce(title->>'{language}', '') || ' ' || "
        f"coalesce(description->>'{language}', ''))"
    )


def _sqlite_document(row: str, language: str) -> str:
    return (
        f"coalesce(json_extract({row}.title, '$.{language}'), '') || ' ' || "
        f"coalesce(json_extract({row}.description, '$.{language}'), '')"
    )


def _sqlite_fts_row(row: str) -> str:
    documents = ", ".join(_sqlite_document(row, language) for language in FTS_LANGUAGES)
    return f"INSERT INTO proposal_fts(rowid, fi, sv, en) VALUES ({row}.id, {documents});"


def create_search() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for language, config in FTS_LANGUAGES.items():
            op.execute(
                f"CREATE INDEX ix_proposal_fts_{language} ON proposal USING gin ({_pg_document(language, config)})"
            )
        return
    # SQLite: FTS5 has no stemmers for these languages; search.py turns each word into a prefix query.
    # A later batch_alter_table on "proposal" recreates the table and drops these triggers: recreate them then.
    op.execute(
        "CREATE VIRTUAL TABLE proposal_fts USING fts5(fi, sv, en, tokenize = 'unicode61 remove_diacritics 2')"
    )
    op.execute(
        f"CREATE TRIGGER proposal_fts_insert AFTER INSERT ON proposal BEGIN {_sqlite_fts_row('new')} END"
    )
    op.execute(
        "CREATE TRIGGER proposal_fts_update AFTER UPDATE OF title, description ON proposal BEGIN "
        f"DELETE FROM proposal_fts WHERE rowid = old.id; {_sqlite_fts_row('new')} END"
    )
    op.execute(
        "CREATE TRIGGER proposal_fts_delete AFTER DELETE ON proposal BEGIN "
        "DELETE FROM proposal_fts WHERE rowid = old.id; END"
    )


def drop_search() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for language in FTS_LANGUAGES:
            op.execute(f"DROP INDEX IF EXISTS ix_proposal_fts_{language}")
        return
    for trigger in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS proposal_fts_{trigger}")
    op.execute("DROP TABLE IF EXISTS proposal_fts")


def upgrade() -> None:
    op.create_table(
        "deliberation_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name", JSON, nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rule", sa.String(length=32), nullable=False),
        sa.Column("rule_params", JSON, nullable=False),
        sa.Column("is_last", sa.Boolean(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name="deliberation_window_order"),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["budget_round.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id", "number"),
    )
    with op.batch_alter_table("deliberation_round", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deliberation_round_round_id"), ["round_id"], unique=False)

    op.create_table(
        "proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("budget_id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", JSON, nullable=False),
        sa.Column("description", JSON, nullable=False),
        sa.Column("theme", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("own_cost", sa.BigInteger(), nullable=True),
        sa.Column("feasibility", sa.String(length=32), nullable=True),
        sa.Column("official_cost", sa.BigInteger(), nullable=True),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("split_from_id", sa.Integer(), nullable=True),
        sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hidden_reason", sa.String(length=1000), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('submitted', 'advanced', 'not_advanced', 'merged', 'on_ballot')",
            name="status_allowed",
        ),
        sa.CheckConstraint("lat IS NULL OR (lat >= -90 AND lat <= 90)", name="lat_range"),
        sa.CheckConstraint("lon IS NULL OR (lon >= -180 AND lon <= 180)", name="lon_range"),
        sa.CheckConstraint("official_cost IS NULL OR official_cost > 0", name="official_cost_positive"),
        sa.CheckConstraint("own_cost IS NULL OR own_cost >= 0", name="own_cost_not_negative"),
        sa.ForeignKeyConstraint(
            ["budget_id"],
            ["budget.id"],
        ),
        sa.ForeignKeyConstraint(
            ["merged_into_id"],
            ["proposal.id"],
        ),
        sa.ForeignKeyConstraint(
            ["network_id"],
            ["network.id"],
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["budget_round.id"],
        ),
        sa.ForeignKeyConstraint(
            ["split_from_id"],
            ["proposal.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proposal_budget_id"), ["budget_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_proposal_network_id"), ["network_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_proposal_round_id"), ["round_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_proposal_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_proposal_theme"), ["theme"], unique=False)

    op.create_table(
        "advancement_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deliberation_round_id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("budget_id", sa.Integer(), nullable=False),
        sa.Column("advanced", sa.Boolean(), nullable=False),
        sa.Column("supports", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("feasibility", sa.String(length=32), nullable=True),
        sa.Column("rule", sa.String(length=32), nullable=False),
        sa.Column("rule_params", JSON, nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("ballot_project_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["budget_id"],
            ["budget.id"],
        ),
        sa.ForeignKeyConstraint(
            ["deliberation_round_id"],
            ["deliberation_round.id"],
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposal.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("deliberation_round_id", "proposal_id"),
    )
    with op.batch_alter_table("advancement_decision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_advancement_decision_deliberation_round_id"),
            ["deliberation_round_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_advancement_decision_proposal_id"), ["proposal_id"], unique=False
        )

    op.create_table(
        "proposal_author",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("author_key", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("can_edit", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposal.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("proposal_id", "author_key"),
    )
    with op.batch_alter_table("proposal_author", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proposal_author_proposal_id"), ["proposal_id"], unique=False)

    op.create_table(
        "proposal_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author_key", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("official", sa.Boolean(), nullable=False),
        sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hidden_reason", sa.String(length=1000), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('comment', 'question', 'answer')", name="kind_allowed"),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["proposal_comment.id"],
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposal.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("proposal_comment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proposal_comment_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_proposal_comment_proposal_id"), ["proposal_id"], unique=False)

    op.create_table(
        "proposal_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=32), nullable=False),
        sa.Column("reasons", JSON, nullable=False),
        sa.Column("cost", sa.BigInteger(), nullable=True),
        sa.Column("reviewer", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "decision IN ('feasible', 'feasible_with_changes', 'not_feasible', 'out_of_scope')",
            name="decision_allowed",
        ),
        sa.CheckConstraint("cost IS NULL OR cost > 0", name="review_cost_positive"),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposal.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("proposal_review", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proposal_review_proposal_id"), ["proposal_id"], unique=False)

    op.create_table(
        "proposal_support",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("supporter_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposal.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("proposal_id", "supporter_key"),
    )
    with op.batch_alter_table("proposal_support", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proposal_support_proposal_id"), ["proposal_id"], unique=False)

    op.create_table(
        "proposal_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", JSON, nullable=False),
        sa.Column("description", JSON, nullable=False),
        sa.Column("theme", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("own_cost", sa.BigInteger(), nullable=True),
        sa.Column("editor_label", sa.String(length=200), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposal.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("proposal_id", "version"),
    )
    with op.batch_alter_table("proposal_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proposal_version_proposal_id"), ["proposal_id"], unique=False)

    op.create_table(
        "volunteer_offer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("volunteer_key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("show_name", sa.Boolean(), nullable=False),
        sa.Column("offers", JSON, nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposal.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("volunteer_offer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_volunteer_offer_proposal_id"), ["proposal_id"], unique=False)

    op.create_table(
        "content_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=True),
        sa.Column("reporter_key", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["proposal_comment.id"],
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposal.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("content_report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_content_report_proposal_id"), ["proposal_id"], unique=False)

    create_search()


def downgrade() -> None:
    drop_search()
    with op.batch_alter_table("content_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_content_report_proposal_id"))

    op.drop_table("content_report")
    with op.batch_alter_table("volunteer_offer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_volunteer_offer_proposal_id"))

    op.drop_table("volunteer_offer")
    with op.batch_alter_table("proposal_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposal_version_proposal_id"))

    op.drop_table("proposal_version")
    with op.batch_alter_table("proposal_support", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposal_support_proposal_id"))

    op.drop_table("proposal_support")
    with op.batch_alter_table("proposal_review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposal_review_proposal_id"))

    op.drop_table("proposal_review")
    with op.batch_alter_table("proposal_comment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposal_comment_proposal_id"))
        batch_op.drop_index(batch_op.f("ix_proposal_comment_parent_id"))

    op.drop_table("proposal_comment")
    with op.batch_alter_table("proposal_author", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposal_author_proposal_id"))

    op.drop_table("proposal_author")
    with op.batch_alter_table("advancement_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_advancement_decision_proposal_id"))
        batch_op.drop_index(batch_op.f("ix_advancement_decision_deliberation_round_id"))

    op.drop_table("advancement_decision")
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposal_theme"))
        batch_op.drop_index(batch_op.f("ix_proposal_status"))
        batch_op.drop_index(batch_op.f("ix_proposal_round_id"))
        batch_op.drop_index(batch_op.f("ix_proposal_network_id"))
        batch_op.drop_index(batch_op.f("ix_proposal_budget_id"))

    op.drop_table("proposal")
    with op.batch_alter_table("deliberation_round", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deliberation_round_round_id"))

    op.drop_table("deliberation_round")
