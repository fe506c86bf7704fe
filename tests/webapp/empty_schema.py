"""Every test's database: the whole schema (tables, indexes, the triggers `install_with` adds), no rows, ids
starting at 1 — made once per test process, then handed out empty again for each test.

- SQLite (a file per test): `create_all` once into a template file, copied to the test's file.
- PostgreSQL (a schema per test process): `create_all` once; before each test one statement batch empties
  every table of the schema (triggers off: `session_replication_role = replica`) and restarts its sequences
  (DELETE, not TRUNCATE: for tables this small, ~3 ms against ~1 s for one TRUNCATE of all of them).
  The schema's shape (tables, columns, indexes, constraints, triggers, functions) is compared with what
  `create_all` made first; a test that changed it gets the schema dropped and created again for the next.

Nothing kept per process by the app outlives its app (the exam-bank cache and its fingerprints live in
`app.extensions`), so a new app per test on the emptied schema starts as clean as on a new one.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import sqlalchemy as sa

from webapp.infra.db import Base, import_all_models, make_engine

# What the schema is made of, one text per object; compared before each test on PostgreSQL.
_SHAPE = """
SELECT md5(coalesce(string_agg(x, ',' ORDER BY x), '')) FROM (
  SELECT c.relname || ':' || c.relkind::text || ':' || string_agg(a.attname || ' ' || a.atttypid::text || ' '
         || a.attnotnull::text, ';' ORDER BY a.attnum) AS x
    FROM pg_class c LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
   WHERE c.relnamespace = current_schema()::regnamespace GROUP BY c.relname, c.relkind
  UNION ALL
  SELECT 'trigger ' || t.tgname || ' ' || t.tgenabled::text FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
   WHERE c.relnamespace = current_schema()::regnamespace AND NOT t.tgisinternal
  UNION ALL
  SELECT 'constraint ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
   WHERE connamespace = current_schema()::regnamespace
  UNION ALL
  SELECT 'function ' || proname || ' ' || md5(prosrc) FROM pg_proc WHERE pronamespace = current_schema()::regnamespace
) shape
"""

_TABLES = """
SELECT c.relname FROM pg_class c
 WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
"""

_SEQUENCES = "SELECT c.relname FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'S'"

_sqlite_template: list[Path] = []  # the template file of this process, once made
_pg_state: dict[str, tuple[sa.Engine, str, str]] = {}  # schema -> (engine, its shape, the emptying batch)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_path(url: str) -> Path | None:
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url == prefix or ":memory:" in url or "?" in url:
        return None
    return Path(url[len(prefix) :])


def _template() -> Path:
    if not _sqlite_template:
        import_all_models()
        folder = Path(tempfile.mkdtemp(prefix="quizbank-schema-"))
        path = folder / "template.sqlite"
        engine = make_engine(f"sqlite:///{path}")
        Base.metadata.create_all(engine)
        engine.dispose()  # the last connection closed: the WAL is checkpointed into the file and removed
        for leftover in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            if leftover.exists():
                raise RuntimeError(f"{leftover} was left behind: the template file would be incomplete")
        _sqlite_template.append(path)
    return _sqlite_template[0]


def _build_schema(engine: sa.Engine) -> None:
    import_all_models()
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)


def _pg_emptying_batch(connection) -> str:
    tables = sorted(connection.exec_driver_sql(_TABLES).scalars())
    sequences = sorted(connection.exec_driver_sql(_SEQUENCES).scalars())
    statements = ["SET LOCAL session_replication_role = replica"]
    statements += [f"DELETE FROM {_quoted(t)}" for t in tables]
    if sequences:  # setval, not ALTER SEQUENCE … RESTART: no DDL, a few ms less per test
        statements.append("SELECT " + ", ".join(f"setval('{_quoted(s)}', 1, false)" for s in sequences))
    return ";\n".join(statements)


def _pg_engine(url: str, schema: str) -> sa.Engine:
    return sa.create_engine(url, connect_args={"options": f"-csearch_path={schema}"}, pool_size=1)


def _pg_fresh(url: str, schema: str) -> None:
    """The schema emptied (or made, the first time and after a test changed it)."""
    known = _pg_state.get(schema)
    if known is not None:
        engine, shape, batch = known
        raw = engine.raw_connection()
        try:
            with raw.cursor() as cur:
                cur.execute(_SHAPE)
                unchanged = cur.fetchone()[0] == shape
                if unchanged:
                    cur.execute(batch)  # no parameters: one round trip for the whole batch
            raw.commit()
        finally:
            raw.close()
        if unchanged:
            return
        with engine.begin() as connection:  # whatever the test added goes too, not only the model's tables
            connection.exec_driver_sql(f"DROP SCHEMA {_quoted(schema)} CASCADE")
            connection.exec_driver_sql(f"CREATE SCHEMA {_quoted(schema)}")
    else:
        engine = _pg_engine(url, schema)
    _build_schema(engine)
    with engine.connect() as connection:
        shape = connection.exec_driver_sql(_SHAPE).scalar_one()
        batch = _pg_emptying_batch(connection)
    _pg_state[schema] = (engine, shape, batch)


def empty_database(app_config: dict) -> None:
    """Before the app of `app_config` is created: its database holds the whole schema and no rows."""
    url = app_config["DATABASE_URL"]
    options = (app_config.get("DATABASE_ENGINE_OPTIONS") or {}).get("connect_args", {}).get("options", "")
    if url.startswith("postgresql") and options.startswith("-csearch_path="):
        _pg_fresh(url, options.removeprefix("-csearch_path="))
        return
    path = _sqlite_path(url)
    if path is not None and not path.exists():
        shutil.copyfile(_template(), path)
        return
    engine = make_engine(url)  # a database already in use (or not a file): the schema made anew in it
    try:
        _build_schema(engine)
    finally:
        engine.dispose()


def dispose_all() -> None:
    """The engines kept for emptying schemas closed (at the end of the test process)."""
    for engine, _shape, _batch in _pg_state.values():
        engine.dispose()
    _pg_state.clear()
    for path in _sqlite_template:
        shutil.rmtree(path.parent, ignore_errors=True)
    _sqlite_template.clear()
