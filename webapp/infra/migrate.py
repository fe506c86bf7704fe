"""Schema migrations (Alembic, in webapp/migrations/). The app migrates on start; tests use create_all.

To add a migration after changing models: ``.venv/bin/python -m webapp.infra.migrate revision "what changed"``
(autogenerates against a scratch SQLite database at head; review the file it writes).
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from flask import Flask
from sqlalchemy.engine import Connection

from webapp.infra.db import WRITE_INTENT, Database, database
from webapp.infra.sealing import secret_keys

MIGRATIONS = Path(__file__).parent.parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(app: Flask, revision: str = "head") -> None:
    _run(database(app), command.upgrade, revision, secret_keys(app.config))


def downgrade(app: Flask, revision: str) -> None:
    _run(database(app), command.downgrade, revision, secret_keys(app.config))


def _run(db: Database, step, revision: str, keys) -> None:
    cfg = alembic_config(db.url)
    cfg.attributes["secret_keys"] = keys  # a migration that seals or opens secrets
    with db.engine.connect() as connection, migrating(connection):
        cfg.attributes["connection"] = connection
        step(cfg, revision)


def at_head(db: Database) -> bool:
    """Whether the database's schema is the latest revision, read without running the migration environment
    (which imports every feature's tables): the revision files' heads against the database's alembic_version."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    with db.engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads()) == heads


@contextmanager
def migrating(connection: Connection) -> Iterator[None]:
    """One transaction around the migrations. On SQLite: foreign keys off meanwhile, because a batch
    migration rebuilds a table (create a copy, DROP the old one, rename), and with foreign keys on that DROP
    fails ("FOREIGN KEY constraint failed") once other rows reference the table; `PRAGMA foreign_key_check`
    then proves the result consistent before the commit. The pragma only takes effect outside a
    transaction, so it is set on the raw connection before BEGIN (IMMEDIATE: one migrator at a time)."""
    sqlite = connection.dialect.name == "sqlite"
    raw = connection.connection.driver_connection if sqlite else None
    if raw is not None:
        raw.execute("PRAGMA foreign_keys=OFF")
    try:
        with connection.execution_options(**{WRITE_INTENT: True}).begin():
            yield
            if raw is not None:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration left rows whose foreign keys point nowhere: {broken[:5]}")
    finally:
        if raw is not None:
            raw.execute("PRAGMA foreign_keys=ON")


def _revision(message: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cfg = alembic_config(f"sqlite:///{tmp}/scratch.sqlite")
        command.upgrade(cfg, "head")
        command.revision(cfg, message=message, autogenerate=True)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "revision":
        _revision(sys.argv[2])
    else:
        print('usage: python -m webapp.infra.migrate revision "message"', file=sys.stderr)
        sys.exit(2)
