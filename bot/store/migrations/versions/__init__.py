"""Alembic revisions, oldest first: r0001_baseline is the schema the stores made with
``create_all`` before migrations; every later change to the tables is a revision here."""
