"""People's ids at rest: the users table holds each id encrypted deterministically
(``Cipher.user_key``: AES-SIV under a key derived from the main key), never in plain text
beside the turns' safety levels, their times and the consent choices.

Rows written before this change hold plain ids. Converting them needs the key, which an Alembic
migration never sees, so it is a data step run when the stores open with the key
(``open_stores``): each plain id is replaced by its encrypted form, once, in one transaction.
No schema changes (the column keeps its type and unique constraint). ``anchor doctor`` reports
any row still in plain text."""

from __future__ import annotations

import logging

from sqlalchemy import Engine, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from bot.store.crypto import USER_KEY_PREFIX, Cipher
from bot.store.tables import UserRow

log = logging.getLogger("anchor.store.identity")


def pseudonymise_users(engine: Engine, cipher: Cipher) -> int:
    """Encrypt every plain id in the users table; how many rows changed (0 once done, and
    cheap: one indexed query at each start)."""
    sessions = sessionmaker(engine, expire_on_commit=False)
    with sessions() as session:
        rows = session.execute(
            select(UserRow.id, UserRow.external_id).where(
                UserRow.external_id.not_like(f"{USER_KEY_PREFIX}%")
            )
        ).all()
        changed = 0
        for user_id, external_id in rows:
            try:
                with session.begin_nested():
                    result = session.execute(
                        update(UserRow)
                        .where(UserRow.id == user_id, UserRow.external_id == external_id)
                        .values(external_id=cipher.user_key(external_id))
                    )
                    changed += int(getattr(result, "rowcount", 0) or 0)
            except IntegrityError:  # an older release running beside this one made a twin
                log.warning("a person has rows under both a plain and an encrypted id")
        session.commit()
    if changed:
        log.info("encrypted %d people's ids stored in plain text", changed)
    return changed


def plain_user_ids(engine: Engine) -> int:
    """How many users rows still hold an id in plain text."""
    with sessionmaker(engine)() as session:
        count = session.scalar(
            select(func.count())
            .select_from(UserRow)
            .where(UserRow.external_id.not_like(f"{USER_KEY_PREFIX}%"))
        )
    return int(count or 0)
