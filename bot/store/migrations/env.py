"""Alembic's environment. The app runs it on its own connection (``bot.store.schema``); in a
checkout the ``alembic`` command line runs it on the database named by ``-x url=...`` or by
``sqlalchemy.url`` in alembic.ini (a scratch SQLite file), for ``alembic revision
--autogenerate``."""

from __future__ import annotations

from alembic import context

from bot.store.schema import context_options

config = context.config
shared = config.attributes.get("connection")

if context.is_offline_mode():
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    context.configure(url=url, literal_binds=True, **context_options())
    with context.begin_transaction():
        context.run_migrations()
elif shared is not None:
    context.configure(connection=shared, **context_options())
    with context.begin_transaction():
        context.run_migrations()
else:
    from bot.store.conversations import make_engine

    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise SystemExit("name a database: alembic -x url=sqlite:///scratch.db ...")
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(connection=connection, **context_options())
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
