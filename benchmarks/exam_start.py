"""A synchronized start of 500 workers: all POST /api/v1/attempts {exam_id} at once.

Anchor (the floor): the same N synchronized requests, same cookies, headers and body, to a bare 204
route of the same app served by the same waitress configuration as `quizbank serve` (threads=8) — the
stack's own limit on this machine.

Set-up (not timed): a fresh database migrated and loaded with the built-in question sets as `quizbank
serve` does; one organisation, N workers of the built-in `welding` post bulk-inserted (one password hash
reused), one scheduled qualification exam with the default blueprint. Every client signs in, then waits
at a barrier. Each timed request opens its own connection (`Connection: close`): waitress accepts at most
100 connections at once (its `connection_limit`), so 500 tablets holding keep-alive connections would
starve each other; the rest queue in the listen backlog, as real tablets would.

Prints one JSON line: time until all N have their paper, p50/p95/max latency, errors, and the same for
the bare floor; `start_vs_bare` is the ratio of the two wall times. Beside the times, the CPU each side
spent per request (`server_cpu_ms_per_request`: the serving processes; `database_cpu_ms_per_request`: the
PostgreSQL backends of the run's database; `client_cpu_ms_per_request`: this load generator) and the load
average: the 2 cores are shared by all three and, on the development machine, by other engineers, so
the CPU figures say what a start costs when the wall times only say how busy the machine was. Papers are
decoded after the clock stops (the load generator's work is not the server's).

    .venv/bin/python benchmarks/exam_start.py [--workers 500]
    .venv/bin/python benchmarks/exam_start.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
      (a fresh schema is created for the run and dropped afterwards)

Compare servers with `--server waitress|gunicorn|granian --processes N [--threads T]` (gunicorn: gthread
workers; granian: WSGI workers as `quizbank serve --workers N` runs them; T threads per process, 8 as
`quizbank serve` by default).

Figures on the 2-core development machine (AMD EPYC VM, shared with other engineers), PostgreSQL, 500
workers, 55-question qualification papers; all_done = barrier release to the last paper received. Issue
13's baseline on a quiet machine (load < 1), granian 2 processes: 3.27 s (p50 1.76 s), bare 1.12 s.

2026-12-06 19:22–19:26, after the two-statement start (this branch), nobody else running (load average
2.2–4.9: these runs themselves; the code before this branch interleaved with them):

  server, processes × threads   all_done (p50)                CPU ms per start: server / db / client   bare
  granian 2 × 8 (7 runs)        1.43–2.06 s, median 1.69 (0.9)  3.4–4.7 / 0.9–1.2 / 0.5–0.8          0.89–1.95 s
  gunicorn 2 × 8                1.66, 1.72 s (0.93, 0.99)       4.3–4.4 / 1.0–1.1 / 0.5               1.23–1.27 s
  waitress 1 × 8                2.56, 2.75 s (1.36, 1.49)       4.7–5.2 / 1.1–1.2 / 0.6–0.7           1.46–1.71 s
  granian 2 × 4, 2 × 16         1.81 s, 2.11 s                  4.8, 5.3 server
  before (granian 2 × 8)        3.17, 3.18, 3.63 s (1.6–1.9)    7.1–9.8 / 1.5–2.0 / 0.5–0.7           1.0–1.4 s
  before (gunicorn 2 × 8)       3.11 s                          7.7 / 1.6 / 0.6
  Every run: 0 errors, 500 distinct attempts, 55 questions each. Goal < 2 s: met by granian 2 × 8 in 6
  runs of 7.

2026-12-06 22:25, merged main with the lean start (webapp/exams/lean.py: two statements, no Flask round) and
the kiosk guard loading no user for a session without a kiosk key (which made the bare floor cheaper), idle
machine (load 1.4–1.5), granian 2 × 8, three runs: 1.69, 1.97, 1.90 s (p50 0.96–1.11 s), CPU per start
3.7–4.1 ms server / 1.4–1.6 database / 0.9–1.5 client; bare 0.51–0.79 s (0.9–1.2 ms server CPU); 0 errors,
500 distinct attempts in every run.

The same afternoon under other engineers' test suites (load average 8–17), granian 2 × 8 took 2.7–5.9 s
(13 runs; server CPU 4.7–6.7 ms per start) and the code before 6.3 and 7.8 s (10.7–11.7 ms): the CPU per
start, not the wall time, is what carries over between a busy and a quiet machine.

Granian stays the choice for `quizbank serve --workers N`: as fast as gunicorn (and it runs on Windows,
gunicorn does not), and two processes use both cores where waitress is one process (its ~5 ms of server CPU
per start × 500 is 2.5 s on one core). 8 threads per process: 4 and 16 were no better.

2026-12-07 01:56-02:01, merged main, the machine otherwise idle (load average 1.9-3.2 from the runs), PostgreSQL,
granian 2 x 8: 1.81 s and 2.15 s (server CPU 4.2 ms a start; bare 0.74-0.79 s); 2.82 s twice when run straight
after exam_throughput.py (server CPU 5.9-6.1 ms a start); 500 distinct attempts, 0 errors each time. The goal
(< 2 s) is on the line: met in one idle run of two.

2026-12-07, main, idle, granian 2 x 8, PostgreSQL: 1.83 and 1.50 s at 03:20 (server CPU 3.3-3.8 ms a start,
database 1.1-1.4, bare 0.43-0.78 s); 2.32, 2.43, 2.02 s at 04:15 and 2.82, 2.06, 2.00 s at 04:35, when the host
ran a third slower (a fixed Python loop took 1.75-2.6 s where it took 1.4-1.5 s at 03:20; server CPU 4.4-5.7 ms
a start, bare 0.49-1.41 s). 0 duplicates, 0 errors every time. The goal holds only while the host is quick.

2026-12-07 05:55-06:30, main (the start path unchanged), a quicker host, idle between runs, granian 2 x 8,
PostgreSQL, nine runs: 1.44, 1.63, 1.30, 1.42, 1.08, 1.03, 1.19, 1.37, 1.21 s (p50 0.63-0.94 s); CPU per start
2.3-3.6 ms server, 0.8-1.3 database, 0.4-0.8 client; bare 0.29-0.57 s. 0 duplicates, 0 errors every time.
Goal (< 2 s) met in every run; on the slower host of 04:15 it was not (above).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._server import (  # noqa: E402
    SERVERS,
    THREADS,
    bench_app,
    cpu_spent,
    database_cpu_seconds,
    drop_schema,
    fresh_schema,
    server_cpu_seconds,
    serving,
)

POST_CODE = "welding"
TIMEOUT = 120.0


def _seed(home: str, url: str | None, schema: str | None, workers: int) -> tuple[int, str]:
    from sqlalchemy import insert, select
    from werkzeug.security import generate_password_hash

    from webapp import prepare
    from webapp.exams.service import schedule_exam
    from webapp.infra.clock import now
    from webapp.infra.db import database, transaction
    from webapp.org.models import Organisation, Person, PersonPost, Post, User, UserRole

    app = bench_app(home, url, schema)
    prepare(app)  # migrate + load the discovered sets, as `quizbank serve` does
    password = "Bench-Passw0rd!"
    hashed = generate_password_hash(password, method="pbkdf2:sha256:1000")  # once; any method verifies
    with app.app_context(), transaction(app) as s:
        org = Organisation(name="基准企业", kind="enterprise", high_risk=False, policy={})
        s.add(org)
        s.flush()
        post = s.scalar(select(Post).where(Post.code == POST_CODE))
        person_ids = s.scalars(
            insert(Person).returning(Person.id, sort_by_parameter_order=True),
            [
                {"organisation_id": org.id, "name": f"工人{i:03d}", "employee_no": f"B{i:04d}",
                 "employment_type": "正式", "pin_hash": hashed, "active": True}
                for i in range(workers)
            ],
        ).all()  # fmt: skip
        s.execute(insert(PersonPost), [{"person_id": p, "post_id": post.id} for p in person_ids])
        user_ids = s.scalars(
            insert(User).returning(User.id, sort_by_parameter_order=True),
            [
                {"organisation_id": org.id, "username": f"bench{i:03d}", "password_hash": hashed,
                 "display_name": f"工人{i:03d}", "person_id": p, "active": True}
                for i, p in enumerate(person_ids)
            ],
        ).all()  # fmt: skip
        s.execute(insert(UserRole), [{"user_id": u, "role": "worker"} for u in user_ids])
        exam = schedule_exam(
            s, organisation_id=org.id, title="基准上岗考试", post=post, kind="qualification",
            opens_at=now() - timedelta(minutes=5), closes_at=now() + timedelta(days=1),
        )  # fmt: skip
        exam_id = exam.id
    database(app).dispose()
    return exam_id, password


class Client:
    def __init__(self, port: int, username: str) -> None:
        self.port = port
        self.username = username
        self.cookie = ""
        self.csrf = ""

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        """One request on a fresh connection, closed afterwards."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        try:
            headers = {
                "Content-Type": "application/json",
                "Accept": "application/json",
                "Connection": "close",
            }
            if self.cookie:
                headers["Cookie"] = self.cookie
            if self.csrf:
                headers["X-CSRFToken"] = self.csrf
            conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
            r = conn.getresponse()
            data = r.read()
            cookie = r.getheader("Set-Cookie")
            if cookie:
                self.cookie = cookie.split(";", 1)[0]
            return r.status, data
        finally:
            conn.close()

    def sign_in(self, password: str) -> None:
        status, data = self.call("POST", "/api/v1/login", {"username": self.username, "password": password})
        if status != 200:
            raise RuntimeError(f"sign-in {self.username}: {status} {data[:200]!r}")
        self.csrf = json.loads(data)["csrf_token"]


def _synchronized(clients: list[Client], path: str, body: dict, expect: int, url: str | None) -> dict:
    """All clients send `path` at once (after a barrier); figures from release to the last response, and
    the CPU the server, the database (PostgreSQL at `url`) and this load generator spent meanwhile, per
    request: what a request costs, however loaded the machine (2 cores share all three)."""
    barrier = threading.Barrier(len(clients) + 1)
    latencies: list[float] = []
    errors: list[str] = []
    bodies: list[bytes] = []  # decoded after the clock stops: the load generator's work is not the server's
    lock = threading.Lock()

    def run(c: Client) -> None:
        barrier.wait()
        t = time.perf_counter()
        try:
            status, data = c.call("POST", path, body)
        except Exception as e:  # counted, reported
            with lock:
                errors.append(f"{type(e).__name__}: {e}")
            return
        took = time.perf_counter() - t
        with lock:
            if status != expect:
                errors.append(f"{status} {data[:120]!r}")
            else:
                latencies.append(took)
                if data:
                    bodies.append(data)

    threading.stack_size(512 * 1024)
    threads = [threading.Thread(target=run, args=(c,), daemon=True) for c in clients]
    for t in threads:
        t.start()
    cpu_before = server_cpu_seconds(clients[0].port)
    db_before = database_cpu_seconds(url) if url else {}
    client_before = time.process_time()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join(TIMEOUT + 10)
    elapsed = time.perf_counter() - start
    client_cpu = time.process_time() - client_before
    cpu_after = server_cpu_seconds(clients[0].port)
    db_cpu = cpu_spent(db_before, database_cpu_seconds(url)) if url else None
    papers = [json.loads(b) for b in bodies]
    ordered = sorted(latencies) or [float("nan")]
    figures = {
        "requests": len(clients),
        "ok": len(latencies),
        "errors": len(errors),
        "all_done_s": round(elapsed, 3),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }
    per_request = 1000 / len(clients)
    if cpu_before is not None and cpu_after is not None:
        figures["server_cpu_ms_per_request"] = round((cpu_after - cpu_before) * per_request, 2)
    if db_cpu is not None:
        figures["database_cpu_ms_per_request"] = round(db_cpu * per_request, 2)
    figures["client_cpu_ms_per_request"] = round(client_cpu * per_request, 2)
    if errors:
        figures["first_error"] = errors[0]
    if papers:
        figures["distinct_attempts"] = len({p["id"] for p in papers})
        figures["questions_per_paper"] = min(len(p["questions"]) for p in papers)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=500)
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (a fresh schema is used)")
    parser.add_argument("--server", choices=SERVERS, default="waitress")
    parser.add_argument("--processes", type=int, default=1, help="worker processes (gunicorn, granian)")
    parser.add_argument("--threads", type=int, default=THREADS, help="threads per process")
    args = parser.parse_args()
    url = args.database_url
    schema = fresh_schema(url) if url and url.startswith("postgresql") else None

    try:
        with tempfile.TemporaryDirectory() as home:
            t = time.perf_counter()
            exam_id, password = _seed(home, url, schema, args.workers)
            seed_s = time.perf_counter() - t
            with serving(
                home, url, schema, server=args.server, processes=args.processes, threads=args.threads
            ) as port:
                clients = [Client(port, f"bench{i:03d}") for i in range(args.workers)]
                for c in clients:
                    c.sign_in(password)
                db = url if schema else None
                bare = _synchronized(clients, "/bench/bare", {"exam_id": exam_id}, 204, db)
                start = _synchronized(clients, "/api/v1/attempts", {"exam_id": exam_id}, 201, db)
    finally:
        if schema:
            drop_schema(url, schema)

    print(
        json.dumps(
            {
                "benchmark": "exam_start",
                "database": "postgresql" if schema else "sqlite",
                "workers": args.workers,
                "server": args.server,
                "processes": args.processes,
                "threads": args.threads,
                "seed_s": round(seed_s, 2),
                "start": start,
                "bare": bare,
                "start_vs_bare": round(start["all_done_s"] / bare["all_done_s"], 1),
                "load_average": [round(x, 2) for x in os.getloadavg()],
                "anchor": "bare 204 route, same app, cookies and waitress config, same synchronized start",
            }
        )
    )


if __name__ == "__main__":
    main()
