"""Schema migrations (Alembic, in webapp/migrations/). The app migrates on start; tests use create_all.

To add a migration after changing models: ``.venv/bin/python -m webapp.migrate revision "what changed"``
(autogenerates against a scratch SQLite database at head; review the file it writes).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command
from alembic.config import Config
from flask import Flask

from webapp.db import database

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(app: Flask, revision: str = "head") -> None:
    cfg = alembic_config(app.config["DATABASE_URL"])
    with database(app).engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def _revision(message: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cfg = alembic_config(f"sqlite:///{tmp}/scratch.sqlite")
        command.upgrade(cfg, "head")
        command.revision(cfg, message=message, autogenerate=True)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "revision":
        _revision(sys.argv[2])
    else:
        print('usage: python -m webapp.migrate revision "message"', file=sys.stderr)
        sys.exit(2)
