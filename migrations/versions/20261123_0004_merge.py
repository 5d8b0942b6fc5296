"""Merge the feature branches that grew side by side from 0002: sessions, voting, proposals, results.

Revision ID: 0004
Revises: 0003a, 0003b, 0003c, 0003d
Create Date: 2026-11-23
"""

from collections.abc import Sequence

revision: str = "0004"
down_revision: str | Sequence[str] | None = ("0003a", "0003b", "0003c", "0003d")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
