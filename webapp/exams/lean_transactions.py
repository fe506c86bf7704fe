"""The lean exam path's transactions (`webapp.exams.lean`): a writing transaction on a pooled connection that,
when anything about the database goes wrong, raises `Fallback` so that Flask serves the request from the start.
`DriverTransaction` hands out the driver (a save, a submit); `OrmTransaction` a SQLAlchemy connection (a start,
whose paper the ORM draws)."""

from __future__ import annotations

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from webapp.infra.db import WRITE_INTENT, Driver, begin_immediate


class Fallback(Exception):
    """Not the plain case: Flask serves the request."""


class DriverTransaction:
    """The driver of a pooled connection (`webapp.infra.db.Driver`) in a writing transaction: BEGIN IMMEDIATE
    behind the process's write gate on SQLite, as SQLAlchemy's begin does for a writing request; committed
    when the block ends, rolled back on `Fallback` or a driver error (which then falls back: Flask answers it).
    A save and a submit run their statements here, without SQLAlchemy's per-statement work.

    `single_statement`: the block writes with one statement (a save), which on PostgreSQL is its own
    transaction, atomic and durable when it returns: it runs in autocommit, without the two round trips of
    BEGIN and COMMIT. (On SQLite BEGIN IMMEDIATE stays: the write lock is queued for before the statement
    reads, where a lone statement's upgrade from reading to writing could fail at once.)"""

    def __init__(self, engine, single_statement: bool) -> None:
        self.engine = engine
        self.sqlite = engine.dialect.name == "sqlite"
        self.autocommit = single_statement and not self.sqlite
        self.errors = engine.dialect.loaded_dbapi.Error

    def __enter__(self) -> Driver:
        try:
            self.pooled = pooled = self.engine.raw_connection()
        except (DBAPIError, PoolTimeout):
            raise Fallback from None
        connection = pooled.driver_connection
        try:
            if self.sqlite:
                begin_immediate(connection, connection.execute)  # may wait for, and give up on, the lock
            elif self.autocommit:
                connection.autocommit = True  # psycopg's own switch; back off before the pool takes it
        except Exception:  # noqa: BLE001 — the driver's error (a lock not had, a connection closed under us)
            pooled.invalidate()
            pooled.close()
            raise Fallback from None
        return Driver(connection, self.engine)

    def __exit__(self, kind, error, _tb) -> bool:
        pooled = self.pooled
        connection = pooled.driver_connection
        try:
            if self.autocommit:  # the statement committed itself, or wrote nothing
                connection.autocommit = False
            elif kind is None:
                connection.commit()
            else:
                connection.rollback()
        except Exception:  # noqa: BLE001 — a broken connection, whatever the driver raises: not taken back
            pooled.invalidate()
            pooled.close()
            raise Fallback from None
        pooled.close()
        if kind is not None and issubclass(kind, self.errors | DBAPIError):
            raise Fallback from error
        return False


class OrmTransaction:
    """A SQLAlchemy connection in a writing transaction (BEGIN IMMEDIATE on SQLite), for a start (the ORM
    draws its paper): committed when the block ends, rolled back on `Fallback` or a database error (which then
    falls back: Flask answers it)."""

    def __init__(self, engine) -> None:
        self.engine = engine

    def __enter__(self) -> Connection:
        conn = None
        try:
            conn = self.engine.connect().execution_options(**{WRITE_INTENT: True})
            conn.begin()  # BEGIN IMMEDIATE on SQLite: may wait for, and give up on, the write lock
        except (DBAPIError, PoolTimeout):
            if conn is not None:
                conn.invalidate()
                conn.close()
            raise Fallback from None
        self.conn = conn
        return conn

    def __exit__(self, kind, error, _tb) -> bool:
        conn = self.conn
        try:
            if kind is None:
                conn.commit()
            else:
                conn.rollback()
        except DBAPIError:
            conn.invalidate()
            conn.close()
            raise Fallback from None
        conn.close()
        if kind is not None and issubclass(kind, DBAPIError):
            raise Fallback from error
        return False
