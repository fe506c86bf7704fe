"""Apps on databases of their own, with no tables yet, for tests of the migrations."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from webapp import create_app
from webapp.infra.db import database

TEST_DB_URL = os.environ.get("QUIZBANK_TEST_DATABASE_URL")


@contextmanager
def scratch_schema(prefix: str) -> Iterator[str | None]:
    """A new schema on the test PostgreSQL, dropped afterwards (None when the tests run on SQLite)."""
    if not TEST_DB_URL:
        yield None
        return
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(TEST_DB_URL)
    with engine.begin() as c:
        c.execute(sa.text(f'CREATE SCHEMA "{name}"'))
    try:
        yield name
    finally:
        with engine.begin() as c:
            c.execute(sa.text(f'DROP SCHEMA "{name}" CASCADE'))
        engine.dispose()


@contextmanager
def empty_database_app(app_config, tmp_path) -> Iterator:
    """An app on a database of its own with no tables (a new PostgreSQL schema, dropped afterwards)."""
    config = dict(app_config)
    with scratch_schema("m") as schema:
        if schema:
            config["DATABASE_ENGINE_OPTIONS"] = {"connect_args": {"options": f"-csearch_path={schema}"}}
        else:
            config["DATABASE_URL"] = f"sqlite:///{tmp_path / 'migrated.sqlite'}"
        app = create_app(config)
        try:
            yield app
        finally:
            database(app).dispose()
