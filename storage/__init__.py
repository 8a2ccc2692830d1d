"""Persistence: SQLModel models, the engine, repositories and Alembic migrations."""
