"""Alembic migrations for Anchor's database (run by `bot.store.schema`; see the README's
"Upgrades")."""
