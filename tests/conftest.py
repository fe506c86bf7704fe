"""Shared fixtures for the web shell's tests.

- ``app``: a fresh app with empty tables; SQLite in a tmp dir, or PostgreSQL when
  QUIZBANK_TEST_DATABASE_URL is set (each test run gets its own schema, dropped at the end). The schema is
  made once per test process and emptied for each test (`tests.webapp.empty_schema`): ids start at 1.
- ``db``: a session on the app's database for arranging data (commit it before requests see it; call
  ``db.rollback()`` before reading what requests wrote since: a session keeps its snapshot and identity map).
- ``client``: a `tests.webapp.base_builders.Client` (sends the CSRF token on writes; ``client.sign_in(username)``).
- ``clock``: a settable clock the app reads (``clock.set(dt)``, ``clock.advance(minutes=5)``).
Builders live in `tests.webapp.base_builders` (make_org, make_user, make_worker, make_question_sets…).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest

TEST_DB_URL = os.environ.get("QUIZBANK_TEST_DATABASE_URL")


def pytest_configure(config):
    from tests.webapp.compiled_once import share_url_builders

    share_url_builders()  # every test's app compiles its URL rules: once per process is enough


def pytest_collection_modifyitems(config, items):
    """The tests marked slow (subprocesses, the demo's half year, the API fuzz) spread over the first half of
    the run rather than left where they fall (several sit in the last files): under `pytest -n 2` a worker
    left alone with a minute-long test at the end is a minute lost. The others keep their order."""
    slow = [item for item in items if item.get_closest_marker("slow")]
    rest = [item for item in items if not item.get_closest_marker("slow")]
    if not slow or not rest:
        return
    step = max(1, len(rest) // (2 * len(slow)))
    ordered = []
    for i, item in enumerate(rest):
        if i % step == 0 and slow:
            ordered.append(slow.pop(0))
        ordered.append(item)
    items[:] = ordered + slow


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai

    def __call__(self) -> datetime:
        return self.now

    def set(self, dt: datetime) -> None:
        self.now = dt

    def advance(self, **kwargs) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now


@pytest.fixture(scope="session")
def pg_schema():
    """A schema of its own for this test run (and this xdist worker) on the test PostgreSQL."""
    from tests.webapp.empty_schema import dispose_all
    from tests.webapp.migration_builders import scratch_schema

    with scratch_schema("t") as name:
        try:
            yield name
        finally:
            dispose_all()


def _database_config(tmp_path, pg_schema) -> dict:
    if pg_schema:
        return {
            "DATABASE_URL": TEST_DB_URL,
            "DATABASE_ENGINE_OPTIONS": {"connect_args": {"options": f"-csearch_path={pg_schema}"}},
        }
    return {"DATABASE_URL": f"sqlite:///{tmp_path / 'test.sqlite'}"}


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def app_config(tmp_path, pg_schema, clock) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # fast in tests; production uses scrypt
        "CLOCK": clock,
        **_database_config(tmp_path, pg_schema),
    }


@pytest.fixture
def app(app_config):
    from tests.webapp.base_builders import Client
    from tests.webapp.compiled_once import share_compiled_templates
    from tests.webapp.empty_schema import empty_database
    from webapp import create_app
    from webapp.infra.db import database

    empty_database(app_config)
    app = create_app(app_config)
    share_compiled_templates(app)
    app.test_client_class = Client
    yield app
    database(app).dispose()


@pytest.fixture
def db(app):
    from webapp.infra.db import database

    # No app context is held open here: requests made meanwhile must each get their own `g`.
    s = database(app).sessionmaker()
    yield s
    s.rollback()
    s.close()


@pytest.fixture
def client(app):
    return app.test_client()
