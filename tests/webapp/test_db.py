"""The database layer: migrations match the models, SQLite pragmas, one commit per request, UTC storage."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Blueprint, abort

from tests.webapp.migration_builders import empty_database_app
from webapp.infra.db import Base, database, keep_changes_on_error, session
from webapp.infra.security import public
from webapp.org.models import Organisation

TEST_DB_URL = os.environ.get("QUIZBANK_TEST_DATABASE_URL")


def test_migrations_build_the_schema_the_models_describe(app_config, tmp_path):
    from webapp.infra.migrate import upgrade

    with empty_database_app(app_config, tmp_path) as app:
        upgrade(app)
        with database(app).engine.connect() as c:
            diff = compare_metadata(
                MigrationContext.configure(c, opts={"compare_type": False}), Base.metadata
            )
        assert diff == [], (
            f"models and migrations differ; add a migration (python -m webapp.infra.migrate revision …): {diff}"
        )
        upgrade(app)  # a second start is a no-op


def test_upgrading_a_database_holding_referenced_rows_keeps_them_and_foreign_keys_stay_on(
    app_config, tmp_path
):
    """A batch migration on SQLite rebuilds a table (e.g. 0006 departments): with rows pointing at it (a
    demo seeded before that migration existed), the rebuild must not fail on the foreign keys."""
    from webapp.infra.migrate import upgrade

    with empty_database_app(app_config, tmp_path) as app:
        upgrade(app, "0005_people_phone")
        with database(app).engine.begin() as c:
            c.exec_driver_sql(
                "INSERT INTO organisations (id, name, kind, high_risk, policy) VALUES (1, '甲', 'enterprise', false, '{}')"
            )
            c.exec_driver_sql("INSERT INTO departments (id, organisation_id, name) VALUES (1, 1, '一车间')")
            c.exec_driver_sql(
                "INSERT INTO departments (id, organisation_id, name, parent_id) VALUES (2, 1, '一班', 1)"
            )
            c.exec_driver_sql(
                "INSERT INTO people (organisation_id, employee_no, name, department_id, employment_type, active)"
                " VALUES (1, 'E1', '张三', 2, '正式', true)"
            )
        upgrade(app)
        with database(app).engine.connect() as c:
            assert c.exec_driver_sql("SELECT count(*) FROM departments").scalar() == 2
            assert c.exec_driver_sql("SELECT department_id FROM people").scalar() == 2
            if database(app).is_sqlite:
                assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_migration_0014_fills_the_report_facts_from_the_attempts_and_its_triggers_keep_them(
    app_config, tmp_path
):
    from webapp.infra.migrate import upgrade
    from webapp.reports.models import facts_sql

    def attempt(c, id, day, passed, submitted=True):
        at = f"'2025-{day} 02:00:00'"
        c.exec_driver_sql(
            "INSERT INTO attempts (id, organisation_id, person_id, post_id, kind, started_at, submitted_at, seed,"
            f" layout, blueprint, passed) VALUES ({id}, 1, 1, 1, 'periodic', {at}, {at if submitted else 'NULL'},"
            f" 1, '[]', '{{}}', {'true' if passed else 'false'})"
        )

    def every_post(c):  # (period, sittings, passes) of the rows on every post
        sql = "SELECT period, sittings, passes FROM pass_rate_facts WHERE post_id = 0 ORDER BY period"
        return [tuple(r) for r in c.exec_driver_sql(sql)]

    with empty_database_app(app_config, tmp_path) as app:
        upgrade(app, "0013_sealed_channel_secrets")
        with database(app).engine.begin() as c:
            c.exec_driver_sql(
                "INSERT INTO organisations (id, name, kind, high_risk, policy) VALUES (1, '甲', 'enterprise', false, '{}')"
            )
            c.exec_driver_sql(
                "INSERT INTO posts (id, code, name, risk, special_operation) VALUES (1, 'weld', '电焊工', 'normal', false)"
            )
            c.exec_driver_sql(
                "INSERT INTO people (id, organisation_id, employee_no, name, employment_type, active)"
                " VALUES (1, 1, 'E1', '张三', '正式', true)"
            )
            attempt(c, 1, "01-10", False)
            attempt(c, 2, "01-15", True)
            attempt(c, 3, "02-03", True)
        upgrade(app)
        dialect = database(app).engine.dialect.name
        recompute = facts_sql(dialect)
        with database(app).engine.begin() as c:
            assert every_post(c) == [
                ("*", 3, 2),
                ("2025", 3, 2),
                ("2025-01", 2, 1),
                ("2025-02", 1, 1),
            ]
            attempt(c, 4, "02-20", False, submitted=False)
            c.exec_driver_sql("UPDATE attempts SET submitted_at = started_at WHERE id = 4")
            c.exec_driver_sql("UPDATE attempts SET passed = false WHERE id = 2")
            c.exec_driver_sql(
                "INSERT INTO events (organisation_id, person_id, kind, occurred_on, data, recorded_at)"
                " VALUES (1, 1, 'violation', '2025-02-21', '{}', '2025-02-21 02:00:00')"
            )
        with database(app).engine.connect() as c:
            facts = {tuple(r) for r in c.exec_driver_sql("SELECT * FROM pass_rate_facts")}
            assert facts == {tuple(r) for r in c.exec_driver_sql(recompute)}
            assert every_post(c) == [
                ("*", 4, 1),
                ("2025", 4, 1),
                ("2025-01", 2, 0),
                ("2025-02", 2, 1),
            ]
            assert c.exec_driver_sql("SELECT version FROM standing_versions").scalar() == 1


@pytest.mark.skipif(bool(TEST_DB_URL), reason="SQLite pragmas")
def test_every_sqlite_connection_has_wal_foreign_keys_and_full_sync(app):
    with database(app).engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert c.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def _app_with_probe_routes(app):
    bp = Blueprint("probe", __name__)

    @bp.post("/probe/ok/<name>")
    @public
    def ok(name):
        session.add(Organisation(name=name, policy={}))
        return "", 204

    @bp.post("/probe/abort/<name>")
    @public
    def aborts(name):
        session.add(Organisation(name=name, policy={}))
        session.flush()
        abort(409)

    @bp.post("/probe/keep/<name>")
    @public
    def keeps(name):
        session.add(Organisation(name=name, policy={}))
        keep_changes_on_error()
        abort(401)

    @bp.post("/probe/raise/<name>")
    @public
    def raises(name):
        session.add(Organisation(name=name, policy={}))
        session.flush()
        raise RuntimeError("boom")

    app.register_blueprint(bp)
    app.config["WTF_CSRF_ENABLED"] = False
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


def test_a_request_commits_on_success_and_keeps_nothing_on_error(app, db):
    client = _app_with_probe_routes(app).test_client()
    assert client.post("/probe/ok/a", csrf=False).status_code == 204
    assert client.post("/probe/abort/b", csrf=False).status_code == 409
    assert client.post("/probe/keep/c", csrf=False).status_code == 401
    assert client.post("/probe/raise/d", csrf=False).status_code == 500
    names = set(db.scalars(sa.select(Organisation.name)))
    assert names == {"a", "c"}


def test_datetimes_are_stored_in_utc_and_read_back_aware(app, db):
    from webapp.org.models import LoginThrottle

    shanghai = timezone(timedelta(hours=8))
    db.add(LoginThrottle(key="k", window_start=datetime(2025, 1, 1, 8, 0, tzinfo=shanghai), count=1))
    db.commit()
    db.expire_all()
    row = db.get(LoginThrottle, "k")
    assert row.window_start == datetime(2025, 1, 1, 0, 0, tzinfo=UTC)
    assert row.window_start.tzinfo is not None


def test_two_cli_transactions_writing_at_once_both_succeed(app, db):
    """Each reads, then writes (a CLI seeding or import does): with a deferred BEGIN on SQLite the second
    writer's lock upgrade fails with "database is locked"; BEGIN IMMEDIATE makes it wait its turn."""
    import threading
    import time

    from webapp.infra.db import transaction

    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            barrier.wait()
            with transaction(app) as s:
                s.scalar(sa.select(sa.func.count(Organisation.id)))
                time.sleep(0.3)  # both would now hold a read snapshot under a deferred BEGIN
                s.add(Organisation(name=name, kind="enterprise", high_risk=False, policy={}))
        except BaseException as e:  # noqa: BLE001 — reported below
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(f"企业{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    db.rollback()
    assert set(db.scalars(sa.select(Organisation.name))) >= {"企业0", "企业1"}


def test_a_read_only_transaction_does_not_take_the_write_lock(app, db):
    from webapp.infra.db import transaction

    with transaction(app) as writer, transaction(app, write=False) as reader:
        writer.add(Organisation(name="甲", kind="enterprise", high_risk=False, policy={}))
        writer.flush()
        assert reader.scalar(sa.select(sa.func.count(Organisation.id))) is not None


@pytest.mark.skipif(bool(TEST_DB_URL), reason="the write gate is SQLite's")
def test_writers_of_one_process_queue_on_the_gate_which_commit_rollback_and_close_open(app):
    """A writing transaction holds the engine's gate from BEGIN IMMEDIATE to its end, so a second writer
    of the process waits on the gate (woken as the first ends), not in SQLite's sleeping busy handler."""
    import threading

    engine = database(app).engine
    for end in ("commit", "rollback", "close"):
        holder = engine.connect().execution_options(quizbank_write=True)
        holder.begin()
        gated = holder.connection.dbapi_connection
        assert gated.holds_gate and gated.gate.locked()
        entered = threading.Event()

        def second_writer(entered=entered) -> None:
            with engine.connect().execution_options(quizbank_write=True) as conn, conn.begin():
                entered.set()

        waiter = threading.Thread(target=second_writer)
        waiter.start()
        assert not entered.wait(0.2)  # queued behind the holder
        if end != "close":
            getattr(holder, end)()
        holder.close()
        assert entered.wait(5), end
        waiter.join(5)
        assert not gated.gate.locked(), end
    with engine.connect() as reader, reader.begin():  # a read never takes the gate
        assert not reader.connection.dbapi_connection.holds_gate
