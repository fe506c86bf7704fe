"""Save-answer and submit throughput of the exam API, held against a bare endpoint of the same stack.

Anchor: a trivial Flask route returning 204, in the same app, served by the same waitress configuration
(threads=8) — the stack's own limit on this machine. N workers on loopback, one keep-alive connection
each, each signs in, starts the exam, saves M answers (timed) and submits (timed). Prints one JSON line.

    .venv/bin/python benchmarks/exam_throughput.py [--workers 20] [--saves 40]
    .venv/bin/python benchmarks/exam_throughput.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
      (PostgreSQL instead of a temporary SQLite file: a fresh schema is created for the run and dropped
      afterwards; DATABASE_URL in the environment is taken when --database-url is not given)

Figures (2-core machine shared with other work, 20 workers × 40 saves, two runs each):
  sqlite      bare 1170–1570 rps; save 250 / 247 rps (p50 52–55 ms); submit 75 / 79 rps (p50 90–109 ms)
  postgresql  bare 1290–1320 rps; save 245 / 229 rps (p50 78–84 ms); submit 82 / 69 rps (p50 184–215 ms)
  before the submit changes (40 single-row UPDATEs, grading twice): submit 56 / 22 rps on sqlite,
  65 / 45 rps on postgresql; save unchanged (4 statements, as before).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._server import (  # noqa: E402
    THREADS,
    bench_app,
    drop_schema,
    fresh_schema,
    fresh_tables,
    serving,
    throughput,
)

CONFIG = {"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}  # sign-in is not what is measured


def _seed(home: str, url: str | None, schema: str | None, workers: int) -> int:
    from tests.webapp.base_builders import make_org, make_post, make_question_sets, make_worker
    from webapp.exams.service import schedule_exam
    from webapp.infra.clock import now
    from webapp.infra.db import database

    app = bench_app(home, url, schema, CONFIG)
    fresh_tables(app)
    with app.app_context(), database(app).sessionmaker() as s:
        org = make_org(s, "基准企业")
        post = make_post(s, "welding", "电焊工")
        make_question_sets(s, "welding", "电焊工")
        for i in range(workers):
            make_worker(s, org, f"bench{i:03d}", post)
        exam = schedule_exam(
            s, organisation_id=org.id, title="基准考试", post=post, kind="periodic",
            opens_at=now() - timedelta(minutes=5), closes_at=now() + timedelta(days=1),
        )  # fmt: skip
        s.commit()
        exam_id = exam.id
    database(app).dispose()
    return exam_id


class Worker:
    def __init__(self, port: int, username: str) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = ""
        self.csrf = ""
        self.username = username

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.cookie:
            headers["Cookie"] = self.cookie
        if self.csrf:
            headers["X-CSRFToken"] = self.csrf
        self.conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        r = self.conn.getresponse()
        data = r.read()
        cookie = r.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return r.status, data

    def sign_in(self) -> None:
        from tests.webapp.base_builders import TEST_PASSWORD

        status, data = self.call(
            "POST", "/api/v1/login", {"username": self.username, "password": TEST_PASSWORD}
        )
        assert status == 200, data
        self.csrf = json.loads(data)["csrf_token"]


def _run_phase(workers: list[Worker], job) -> tuple[float, list[float]]:
    barrier = threading.Barrier(len(workers) + 1)
    latencies: list[float] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def run(w: Worker) -> None:
        mine: list[float] = []
        try:
            barrier.wait()
            job(w, mine)
        except BaseException as e:  # reported after the phase
            errors.append(e)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise errors[0]
    return elapsed, latencies


def _timed(w: Worker, out: list[float], method: str, path: str, body: dict | None, expect: int) -> None:
    t = time.perf_counter()
    status, data = w.call(method, path, body)
    out.append(time.perf_counter() - t)
    if status != expect:
        raise RuntimeError(f"{method} {path}: {status} {data[:200]!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=20)
    parser.add_argument("--saves", type=int, default=40, help="answers saved per worker")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"), help="PostgreSQL URL")
    args = parser.parse_args()
    url = args.database_url
    schema = fresh_schema(url) if url and url.startswith("postgresql") else None
    try:
        figures = _run(args, url, schema)
    finally:
        if schema:
            drop_schema(url, schema)
    print(
        json.dumps(
            {"benchmark": "exam_throughput", "database": "postgresql" if schema else "sqlite", **figures}
        )
    )


def _run(args: argparse.Namespace, url: str | None, schema: str | None) -> dict:
    with tempfile.TemporaryDirectory() as home:
        exam_id = _seed(home, url, schema, args.workers)
        with serving(home, url, schema, CONFIG) as port:
            workers = [Worker(port, f"bench{i:03d}") for i in range(args.workers)]
            papers = {}
            for w in workers:
                w.sign_in()
                status, data = w.call("POST", "/api/v1/attempts", {"exam_id": exam_id})
                assert status == 201, data
                papers[w.username] = json.loads(data)

            def bare(w: Worker, out: list[float]) -> None:
                for _ in range(args.saves):
                    _timed(w, out, "PUT", "/bench/bare", {"choices": [0]}, 204)

            def save(w: Worker, out: list[float]) -> None:
                paper = papers[w.username]
                questions = paper["questions"]
                for i in range(args.saves):
                    q = questions[i % len(questions)]
                    _timed(
                        w,
                        out,
                        "PUT",
                        f"/api/v1/attempts/{paper['id']}/responses/{q['id']}",
                        {"choices": [0]},
                        204,
                    )

            def submit(w: Worker, out: list[float]) -> None:
                _timed(w, out, "POST", f"/api/v1/attempts/{papers[w.username]['id']}/submit", None, 200)

            bare_fig = throughput(*_run_phase(workers, bare))
            save_fig = throughput(*_run_phase(workers, save))
            submit_fig = throughput(*_run_phase(workers, submit))

    return {
        "workers": args.workers,
        "waitress_threads": THREADS,
        "bare": bare_fig,
        "save_answer": save_fig,
        "submit": submit_fig,
        "save_vs_bare": round(save_fig["rps"] / bare_fig["rps"], 3),
        "anchor": "bare 204 route, same app and waitress config",
    }


if __name__ == "__main__":
    main()
