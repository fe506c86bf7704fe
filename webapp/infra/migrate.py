"""Schema migrations (Alembic, in webapp/migrations/). The app migrates on start; tests use create_all.

To add a migration after changing models: ``.venv/bin/python -m webapp.infra.migrate revision "what changed"``
(autogenerates against a scratch SQLite database at head; review the file it writes).
"""

from __future__ import annotations

import ast
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from webapp.infra.db import WRITE_INTENT, Database, database
from webapp.infra.sealing import secret_keys

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported where a migration runs, not with this module: `quizbank import` only asks `at_head`,
# and importing alembic (every dialect's DDL) cost a third of a second of its start.
MIGRATIONS = Path(__file__).parent.parent / "migrations"
VERSION_TABLE = "alembic_version"  # alembic's default; env.py keeps it


def alembic_config(url: str | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(app: Flask, revision: str = "head") -> None:
    from alembic import command

    _run(database(app), command.upgrade, revision, secret_keys(app.config))


def downgrade(app: Flask, revision: str) -> None:
    from alembic import command

    _run(database(app), command.downgrade, revision, secret_keys(app.config))


def _run(db: Database, step, revision: str, keys) -> None:
    cfg = alembic_config(db.url)
    cfg.attributes["secret_keys"] = keys  # a migration that seals or opens secrets
    with db.engine.connect() as connection, migrating(connection):
        cfg.attributes["connection"] = connection
        step(cfg, revision)


def at_head(db: Database) -> bool:
    """Whether the database's schema is the latest revision, read without running the migration environment
    (which imports every feature's tables) nor importing alembic: the revision files' heads (`head_revisions`)
    against the database's alembic_version rows."""
    heads = head_revisions()
    with db.engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return False
        current = connection.exec_driver_sql(f"SELECT version_num FROM {VERSION_TABLE}").scalars().all()
    return set(current) == heads


def head_revisions() -> set[str]:
    """The revisions no other revision file names as its down_revision (alembic's heads), read from the
    files' `revision` and `down_revision` assignments as written, without importing them. A file these
    cannot be read from is an error (a test holds this equal to alembic's own reading)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        found: dict[str, object] = {}
        for node in ast.parse(path.read_text(encoding="utf-8"), str(path)).body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                target, value = node.target, node.value
            else:
                continue
            if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
                found[target.id] = ast.literal_eval(value)
        if not isinstance(found.get("revision"), str):
            raise RuntimeError(f'{path.name}: no revision = "…" to read')
        revisions.add(found["revision"])  # type: ignore[arg-type]
        down = found.get("down_revision")
        parents.update(down if isinstance(down, tuple | list) else () if down is None else (down,))  # type: ignore[arg-type]
    return revisions - parents


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
    from alembic import command

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
