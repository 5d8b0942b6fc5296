"""Alembic migrations for pb's database."""
