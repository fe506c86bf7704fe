"""What the web benchmarks share: the app with the anchor route (a bare public 204 at /bench/bare, GET,
PUT or POST, no CSRF), fresh tables or a PostgreSQL schema of the run's own, the app served by waitress
in another process as `quizbank serve` serves it (`waitress_options`: threads and connection limit), the
floor apps of ../shared/bench served the same way, and throughput figures."""

from __future__ import annotations

import multiprocessing
import os
import socket
import statistics
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from quizbank.commands.serve import THREADS, waitress_options  # noqa: F401 — what `quizbank serve` uses


def bench_app(home: str, url: str | None = None, schema: str | None = None, extra: dict | None = None):
    """The app on `url` (else a SQLite file in `home`), in `schema` when given, with the bare route."""
    from flask import Blueprint

    from webapp import create_app
    from webapp.infra.security import csrf_exempt, public

    config: dict = {"INSTANCE_PATH": home, "SECRET_KEY": "bench", **(extra or {})}
    config["DATABASE_URL"] = url or f"sqlite:///{home}/bench.sqlite"
    if schema:
        config["DATABASE_ENGINE_OPTIONS"] = {"connect_args": {"options": f"-csearch_path={schema}"}}
    app = create_app(config)
    bare = Blueprint("bench", __name__)

    @bare.route("/bench/bare", methods=["GET", "PUT", "POST"])
    @public
    @csrf_exempt
    def bare_endpoint():
        return "", 204

    app.register_blueprint(bare)
    return app


def fresh_tables(app) -> None:
    """Every table dropped and created again from the models (no migrations, no question sets)."""
    from webapp.infra.db import Base, database, import_all_models

    import_all_models()
    engine = database(app).engine
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)


def fresh_schema(url: str) -> str:
    import sqlalchemy as sa

    name = f"bench_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(url)
    with engine.begin() as c:
        c.execute(sa.text(f'CREATE SCHEMA "{name}"'))
    engine.dispose()
    return name


def drop_schema(url: str, name: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as c:
        c.execute(sa.text(f'DROP SCHEMA "{name}" CASCADE'))
    engine.dispose()


def _serve(
    home: str, url: str | None, schema: str | None, extra: dict | None, threads: int, port: int
) -> None:
    import logging

    from waitress import serve

    # "task queue depth" and "connection limit reached" are what the benchmarks provoke
    logging.getLogger("waitress").setLevel(logging.ERROR)
    app = bench_app(home, url, schema, extra)
    serve(app, host="127.0.0.1", port=port, _quiet=True, **waitress_options(threads))


def _serve_floor(folder: str, module: str, env: dict, port: int) -> None:
    import importlib
    import logging
    import sys

    from waitress import serve

    logging.getLogger("waitress").setLevel(logging.ERROR)
    os.environ.update(env)
    sys.path.insert(0, folder)
    app = importlib.import_module(module).app
    serve(app, host="127.0.0.1", port=port, _quiet=True, **waitress_options())


def floor_folder() -> str | None:
    """The floor apps: $QUIZBANK_BENCH_FLOOR, else ../shared/bench beside the checkout (or beside the folder
    holding it, for a git worktree); None when absent."""
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    candidates = [os.environ.get("QUIZBANK_BENCH_FLOOR")] if os.environ.get("QUIZBANK_BENCH_FLOOR") else []
    candidates += [str(repo.parent / "shared" / "bench"), str(repo.parent.parent / "shared" / "bench")]
    for folder in candidates:
        if folder and (Path(folder) / "floor_sqlite.py").exists():
            return folder
    return None


SERVERS = ("waitress", "gunicorn", "granian")
_SERVER_PIDS: dict[int, int] = {}  # port -> the pid of the process serving it (while `serving`)


def _process_cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def database_cpu_seconds(url: str) -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend connected to the database of `url` (Linux /proc, the
    server on this machine; {} when it cannot be read), this query's own backend left out. The difference
    of two readings (`cpu_spent`) is what the database spent on the run's requests, if nothing else
    connects to that database."""
    import sqlalchemy as sa

    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as c:
            pids = c.execute(
                sa.text(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid()"
                )
            ).scalars()
            found = {}
            for pid in pids:
                try:
                    found[pid] = _process_cpu_seconds(pid)
                except (OSError, ValueError):
                    continue
            return found
    finally:
        engine.dispose()


def cpu_spent(before: dict[int, float], after: dict[int, float]) -> float:
    """What processes read twice spent in between (one that appeared meanwhile: all of it)."""
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


def server_cpu_seconds(port: int) -> float | None:
    """CPU seconds (user + system) used so far by the server on `port` and its worker processes (Linux
    /proc; None elsewhere): what a run costs the server, whatever else the machine is doing."""
    pid = _SERVER_PIDS.get(port)
    if pid is None or not os.path.exists(f"/proc/{pid}"):
        return None
    tick = os.sysconf("SC_CLK_TCK")
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except (OSError, ValueError):
            continue
    return total / tick


@contextmanager
def serving(
    home: str,
    url: str | None = None,
    schema: str | None = None,
    extra: dict | None = None,
    *,
    server: str = "waitress",
    processes: int = 1,
    threads: int = THREADS,
) -> Iterator[int]:
    """`bench_app` served as `quizbank serve` serves it (waitress, one process), or by gunicorn (gthread) or
    granian (WSGI) with `processes` worker processes of `threads` threads each, to compare them; yields its
    port once it accepts connections, and stops it afterwards."""
    if server == "waitress" and processes == 1:
        with _spawned(_serve, (home, url, schema, extra, threads)) as port:
            yield port
        return
    import json
    import subprocess
    import sys
    from pathlib import Path

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    bin_dir = Path(sys.executable).parent
    if server == "gunicorn":
        command = [
            str(bin_dir / "gunicorn"), "-w", str(processes), "-k", "gthread", "--threads", str(threads),
            "-b", f"127.0.0.1:{port}", "--backlog", "2048", "--log-level", "error",
            "benchmarks._bench_wsgi:app",
        ]  # fmt: skip
    elif server == "granian":  # as `quizbank serve --workers N` runs it
        command = [
            sys.executable, "-c",
            "import sys; from granian import Granian; from granian.constants import Interfaces; "
            "from quizbank.commands.serve import granian_options; "
            "Granian('benchmarks._bench_wsgi:app', interface=Interfaces.WSGI, address='127.0.0.1', "
            "port=int(sys.argv[1]), log_level='error', "
            "**granian_options(int(sys.argv[2]), int(sys.argv[3]))).serve()",
            str(port), str(processes), str(threads),
        ]  # fmt: skip
    else:
        raise ValueError(f"{server} serves one process here; choose gunicorn or granian for several")
    env = {
        **os.environ,
        "QUIZBANK_BENCH_APP": json.dumps({"home": home, "url": url, "schema": schema, "extra": extra}),
        "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
    }
    proc = subprocess.Popen(command, env=env, cwd=str(Path(__file__).resolve().parents[1]))
    _SERVER_PIDS[port] = proc.pid
    try:
        _wait_for(port)
        yield port
    finally:
        _SERVER_PIDS.pop(port, None)
        proc.terminate()
        proc.wait(20)


def _wait_for(port: int) -> None:
    deadline = time.time() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.time() > deadline:
                raise
            time.sleep(0.1)


@contextmanager
def serving_floor(folder: str, module: str, env: dict) -> Iterator[int]:
    """A floor app (`floor_sqlite` or `floor_pg` in `folder`) served like the product."""
    with _spawned(_serve_floor, (folder, module, env)) as port:
        yield port


@contextmanager
def _spawned(target, args: tuple) -> Iterator[int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = multiprocessing.get_context("spawn").Process(target=target, args=(*args, port), daemon=True)
    server.start()
    _SERVER_PIDS[port] = server.pid
    try:
        _wait_for(port)
        yield port
    finally:
        _SERVER_PIDS.pop(port, None)
        server.terminate()
        server.join(10)


def throughput(elapsed: float, latencies: list[float]) -> dict:
    """Requests, requests per second over `elapsed`, p50, p95 and p99 latency."""
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "rps": round(len(ordered) / elapsed, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[max(int(len(ordered) * 0.95) - 1, 0)] * 1000, 2),
        "p99_ms": round(ordered[max(int(len(ordered) * 0.99) - 1, 0)] * 1000, 2),
    }
