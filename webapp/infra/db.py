"""The database: one engine per app, one session per request, one commit per request.

Use ``from webapp.infra.db import session`` inside a request (or an app context) and never commit in a
service: the request commits when the view returns a response with status < 400 and rolls back
otherwise (so a view that aborts leaves nothing half-done). A view that must keep what it wrote even
though it answers with an error (e.g. a failed-login counter) calls ``keep_changes_on_error()``.

Outside a request (CLI commands, tests) use ``with transaction(app) as s: ...``.

SQLite (the embedded default, in the instance folder) gets WAL, foreign keys and synchronous=FULL on
every connection; PostgreSQL comes through ``DATABASE_URL=postgresql+psycopg://…``.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import NullPool
from sqlalchemy.types import TypeDecorator
from werkzeug.local import LocalProxy

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out; stored as naive UTC (SQLite has no time zones)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; pass an aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def instance_home() -> Path:
    return Path(os.environ.get("QUIZBANK_HOME") or "instance").resolve()


def default_database_url(home: Path | None = None) -> str:
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    home = home or instance_home()
    return f"sqlite:///{home / 'quizbank.sqlite'}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # pysqlite's own transaction handling would defer BEGIN; let SQLAlchemy emit it (see SQLAlchemy docs,
    # "Serializable isolation / Savepoints / Transactional DDL").
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute(f"PRAGMA busy_timeout={BUSY_SECONDS * 1000}")
    cur.close()


WRITE_INTENT = "quizbank_write"  # execution option: this connection's transaction will write
BUSY_SECONDS = 15  # how long a writer waits for the write lock before "database is locked"


class _GatedConnection(sqlite3.Connection):
    """A SQLite connection whose writing transactions queue on the process's write gate first.

    SQLite lets one writer in at a time; the others wait in its busy handler, which sleeps 1, 2, 5 … 100 ms
    between tries. Under a room of tablets saving at once the write lock then sits idle while its next
    taker sleeps. Threads of one process queue on a lock instead, each woken the moment the previous
    writer's COMMIT or ROLLBACK returns; other processes still meet at SQLite's own lock."""

    gate: threading.Lock
    holds_gate = False

    def enter_gate(self) -> None:
        # Not acquired in time: BEGIN IMMEDIATE is tried once, and fails as it did after the busy timeout.
        self.holds_gate = self.gate.acquire(timeout=BUSY_SECONDS)

    def leave_gate(self) -> None:
        if self.holds_gate:
            self.holds_gate = False
            self.gate.release()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.leave_gate()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.leave_gate()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.leave_gate()


def _sqlite_begin(conn) -> None:
    # A request that may write (POST/PUT/…) and a `transaction()` (CLI writes: demo, import, report) take
    # the write lock up front (IMMEDIATE): two writers then queue on busy_timeout instead of one failing
    # with "database is locked" on a lock upgrade mid-way. Reads (GET) and other work stay deferred, so
    # they never hold the write lock while reading.
    writing = has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")
    immediate = bool(writing or conn.get_execution_options().get(WRITE_INTENT))
    if not immediate:
        conn.exec_driver_sql("BEGIN")
    else:
        begin_immediate(conn.connection.dbapi_connection, conn.exec_driver_sql)
    conn.info[_HOLDS_WRITE_LOCK] = immediate


def begin_immediate(dbapi_connection: _GatedConnection, execute: Callable[[str], object]) -> None:
    """Queue on the process's write gate, then BEGIN IMMEDIATE through `execute` (SQLAlchemy's, or the
    driver's own for the lean exam path); the gate is left again if BEGIN fails."""
    dbapi_connection.enter_gate()
    try:
        if dbapi_connection.holds_gate:
            execute("BEGIN IMMEDIATE")
        else:  # waited the whole busy time at the gate already: no second wait in the busy handler
            execute("PRAGMA busy_timeout=0")
            try:
                execute("BEGIN IMMEDIATE")
            finally:
                execute(f"PRAGMA busy_timeout={BUSY_SECONDS * 1000}")
    except BaseException:
        dbapi_connection.leave_gate()
        raise


_HOLDS_WRITE_LOCK = "quizbank_immediate"


def take_write_lock(s: Session) -> None:
    """About to write in what may have begun as a read (a GET that grades an expired attempt): on SQLite a
    deferred transaction that has read cannot upgrade once another writer has committed ("database is
    locked" at once, whatever busy_timeout says). So end the read and begin again with BEGIN IMMEDIATE,
    queuing for the write lock; objects in the session reload on next access. Nothing to do on PostgreSQL,
    in a transaction that began IMMEDIATE, or when this session has unflushed changes (never in a GET)."""
    if s.get_bind().dialect.name != "sqlite":
        return
    if s.in_transaction():
        if s.connection().info.get(_HOLDS_WRITE_LOCK) or s.new or s.dirty or s.deleted:
            return
        s.rollback()
    s.connection(execution_options={WRITE_INTENT: True})


def make_engine(url: str, **options) -> Engine:
    if url.startswith("sqlite"):
        gate = type("GatedConnection", (_GatedConnection,), {"gate": threading.Lock()})  # one per engine
        connect_args = {"check_same_thread": False, "timeout": BUSY_SECONDS, "factory": gate}
        engine = create_engine(url, connect_args=connect_args, **options)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if url.startswith("postgresql"):
        options.setdefault("pool_size", 10)
        options.setdefault("max_overflow", 10)
        # No pre-ping (a SELECT 1 on every checkout): connections are replaced after half an hour instead,
        # before a server or firewall idle timeout closes them; a connection lost anyway fails one request.
        options.setdefault("pool_recycle", 1800)
    return create_engine(url, **options)


# The driver's own connection, for the few statements on the exam path that run thousands of times a minute
# (a save, a submit's writes): SQLAlchemy's per-statement work (compiling or finding the compiled statement,
# binding through the types, building a result, its events) costs several times what SQLite spends on the
# statement itself. The SQL is written once with :name parameters, turned into the driver's style, and values
# are passed as each database stores them (`Driver.when`, `Driver.day`, JSON as text).
_NAMED = re.compile(r"(?<![:\w]):(\w+)")


def driver_sql(sql_for: Callable[[str], str]) -> dict[str, str]:
    """`sql_for(dialect)` for SQLite and PostgreSQL, in each driver's parameter style (:name, %(name)s)."""
    return {"sqlite": sql_for("sqlite"), "postgresql": _NAMED.sub(r"%(\1)s", sql_for("postgresql"))}


def _sqlite_when(value: datetime) -> str:
    # As SQLAlchemy's SQLite DATETIME stores it (and compares it: as text)
    v = value.astimezone(UTC)
    return "%04d-%02d-%02d %02d:%02d:%02d.%06d" % (  # noqa: UP031 — the fastest way, on the hot path
        v.year, v.month, v.day, v.hour, v.minute, v.second, v.microsecond,
    )  # fmt: skip


class Driver:
    """A connection's driver connection (sqlite3 or psycopg), in whatever transaction it is in. `execute` runs
    one statement of `driver_sql` and tells the engine's `before_cursor_execute` listeners, as SQLAlchemy
    would (the statement counts of the tests see it). Nothing here begins, commits or rolls back."""

    __slots__ = ("connection", "sqlite", "_engine")

    def __init__(self, dbapi_connection, engine: Engine) -> None:
        self.connection = dbapi_connection
        self.sqlite = engine.dialect.name == "sqlite"
        self._engine = engine

    @classmethod
    def of(cls, conn: Connection) -> Driver:
        """The driver under a SQLAlchemy connection, in its transaction."""
        return cls(conn.connection.driver_connection, conn.engine)

    def execute(self, statement: dict[str, str], params: dict | list[dict], *, many: bool = False):
        sql = statement["sqlite" if self.sqlite else "postgresql"]
        cursor = self.connection.cursor()
        listeners = self._engine.dispatch.before_cursor_execute
        if listeners:
            for listener in listeners:
                listener(None, cursor, sql, params, None, many)
        if many:
            cursor.executemany(sql, params)
        else:
            cursor.execute(sql, params)
        return cursor

    def when(self, value: datetime | None):
        """An aware datetime as a UTCDateTime column stores it."""
        if value is None:
            return None
        if self.sqlite:
            return _sqlite_when(value)
        return value.astimezone(UTC).replace(tzinfo=None)

    def read_when(self, value) -> datetime | None:
        """A UTCDateTime column's value as read by the driver, aware."""
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC)

    def day(self, value: date):
        return value.isoformat() if self.sqlite else value


class Database:
    """What the app keeps in `app.extensions["db"]`: the engine and its session factory."""

    def __init__(self, url: str, **engine_options) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_options)
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False, future=True)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(url: str, **engine_options) -> Database:
    """The database at `url`; an SQLite file's folder is made first."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    return Database(url, **engine_options)


def database(app: Flask | None = None) -> Database:
    return (app or current_app).extensions["db"]


def get_session() -> Session:
    """The session of the current request/app context, opened on first use."""
    if "db_session" not in g:
        g.db_session = database().sessionmaker()
    return g.db_session


session: Session = LocalProxy(get_session)  # type: ignore[assignment]


def keep_changes_on_error() -> None:
    """Commit this request's changes even though the response is an error (4xx)."""
    g.db_keep_on_error = True


@contextmanager
def transaction(app: Flask | Database, *, write: bool = True) -> Iterator[Session]:
    """A session for work outside a request: commits on success, rolls back on error. On SQLite a
    writing transaction starts with BEGIN IMMEDIATE, like a POST request (`write=False` for reads).
    `app` may be a Database itself, for a command that writes without building the web app."""
    s = (app if isinstance(app, Database) else database(app)).sessionmaker()
    try:
        if write:
            s.connection(execution_options={WRITE_INTENT: True})  # begins the transaction now
        yield s
        s.commit()
    except BaseException:
        s.rollback()
        raise
    finally:
        s.close()


def init_app(app: Flask) -> None:
    url = app.config.get("DATABASE_URL") or default_database_url(Path(app.instance_path))
    app.config["DATABASE_URL"] = url
    engine_options = dict(app.config.get("DATABASE_ENGINE_OPTIONS") or {})
    if app.config.get("DATABASE_NULLPOOL"):
        engine_options["poolclass"] = NullPool
    app.extensions["db"] = open_database(url, **engine_options)

    @app.after_request
    def _commit(response):
        s = g.pop("db_session", None)
        if s is None:
            return response
        try:
            if response.status_code < 400 or g.get("db_keep_on_error"):
                s.commit()
            else:
                s.rollback()
        finally:
            s.close()
        return response

    @app.teardown_appcontext
    def _close(_exc):
        s = g.pop("db_session", None)
        if s is not None:  # the view raised, or no request (app context only): nothing is kept
            s.rollback()
            s.close()


def install_with(table, statements: dict[str, tuple[str, ...]], *after) -> None:
    """Run `statements[dialect]` (triggers, their functions) whenever `table` is created by create_all, after
    the tables `after` (the ones the triggers are on). A migration runs the same statements."""
    from sqlalchemy import DDL

    for other in after:
        table.add_is_dependent_on(other)
    for dialect, ddl in statements.items():
        for statement in ddl:
            event.listen(table, "after_create", DDL(statement).execute_if(dialect=dialect))


def import_all_models() -> None:
    """Import every feature's `models` module (webapp/<feature>/models.py), so the metadata holds every table
    (Alembic autogenerate, create_all in tests) even before the feature's blueprint loads."""
    import importlib
    import pkgutil

    import webapp

    for info in pkgutil.iter_modules(webapp.__path__):
        if info.ispkg:
            try:
                importlib.import_module(f"webapp.{info.name}.models")
            except ModuleNotFoundError as e:
                if e.name != f"webapp.{info.name}.models":
                    raise
