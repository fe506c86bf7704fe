"""Save-answer and submit throughput of the exam API, held against the floor apps of ../shared/bench.

The floor (`floor_sqlite.py`, `floor_pg.py`: Flask + the bare driver, one durable upsert per answer, one
transaction of 30 answers + an update + an audit row per submit) is found in $QUIZBANK_BENCH_FLOOR, else in
../shared/bench beside the checkout (or beside the folder holding a git worktree); without it the run stops
and says so. Product and floor are served alike, as `quizbank serve` serves (waitress, its threads and
connection limit), in spawned processes, and driven by the same load generator: N workers on loopback,
one keep-alive connection each. Rounds interleave product and floor so that noise hits both alike:

  each round, every worker starts a fresh 30-question exam (untimed), saves its 30 answers (timed,
  product PUT …/responses/<q> against floor POST /answer), then submits (timed, product POST …/submit
  against floor POST /submit). rounds × workers submits in all (default 50 × 20 = 1,000).

Prints one JSON line per database (SQLite always; PostgreSQL when a URL is given or in DATABASE_URL /
QUIZBANK_TEST_DATABASE_URL) with rps, p50/p95/p99 and product ÷ floor for save and submit.

    .venv/bin/python benchmarks/exam_throughput.py [--workers 20] [--rounds 50]
    .venv/bin/python benchmarks/exam_throughput.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

Figures (2026-12-07 00:29–01:34, branch submit on a5e274f, AMD EPYC 2 cores, the machine shared with three
other engineers' test runs: load average 4.7–12.8 during every run, none idle; --rounds 50 --workers 20
--saves 10: 1,000 submits and 10,000 saves per database; product ÷ floor, rps and p50/p99 product vs floor;
saves and submits on the lean path's driver statements, webapp/exams/lean.py; the first run before the
item results went to executemany):
  sqlite      save 1.033 (load 5.2), 0.979 (4.7–7.1), 0.872 (8–9.6), 1.002 (8.3–11.5), 0.921 (7.9–9.8),
              0.928 (5.3–7.5), 0.900 (5.6–12.8) (last: 204 vs 226 rps; p50 73 vs 42 ms, p99 415 vs 577 ms)
              submit 0.631, 0.661, 0.637, 0.613, 0.529, 0.693, 0.635 (last: 68 vs 108 rps; p50 174 vs 52 ms,
              p99 623 vs 344 ms)
  postgresql  save 0.681 (load 4.7–7.1), 0.673 (6.4–9.6), 0.644 (8.3–11.5), 0.658 (5.6–12.8) (last: 389 vs
              592 rps; p50 41 vs 29 ms, p99 162 vs 76 ms)
              submit 0.563, 0.573, 0.572, 0.529 (last: 128 vs 241 rps; p50 103 vs 53 ms, p99 194 vs 125 ms)
  The code before this round (a5e274f), run interleaved with it at the same load: SQLite save 0.629,
  submit 0.516 (load 8–9.6); PostgreSQL save 0.627, submit 0.565 (6.4–9.6). PostgreSQL is unchanged (its
  statements were already few; its ratios fall with load: 1.08–1.17 and 0.66–0.69 on the idle machine at
  22:15, not re-measured idle this round).
  Server CPU per request in-process (one thread, synchronous=OFF so that no fsync wait is counted, load 5):
  save 1.22 ms before → 0.45 ms (floor /answer 0.20–0.24), submit 3.8–4.3 ms → 1.74–1.84 ms (floor /submit
  0.27–0.40). What a SQLite submit still spends beyond the floor: its statements ~0.65 ms (the attempt's
  UPDATE with the pass-rate triggers ~0.23, 30 item_results rows ~0.3 with three indexes and five foreign
  keys), a commit writing 15 WAL pages (the floor's ~4), grading and the rest of Python ~0.3 ms.
  Goals: save ≥ 0.6, submit ≥ 0.5: met on both databases in every run of this round, with little room for
  the submit (0.53 at the lowest, on both); an idle machine was not to be had (SQLite's submit was 0.41–0.51
  idle before this round).

Idle, on merged main at 2026-12-07 01:54 (load average 0.8 -> 3.2 from the run itself), --rounds 50 --workers 20
--saves 10: sqlite save 0.716 (456 vs 636 rps), submit 0.559 (181 vs 324 rps; p50 65 vs 19 ms);
postgresql save 1.165 (577 vs 495 rps), submit 0.684 (194 vs 284 rps). Every goal met.

2026-12-07 03:41, main, idle (load average 0.5), the same settings: sqlite save 0.780 (506 vs 648 rps),
submit 0.731 (217 vs 297 rps); postgresql save 0.695 (654 vs 942 rps), submit 0.670 (215 vs 320 rps). Every
goal met.

2026-12-07 06:19 and 06:29, main (the exam path unchanged since 03:41; a quicker host), idle, the same settings:
sqlite save 0.897, 0.799 (936 vs 1,172 rps at 06:29), submit 0.883, 0.996 (381 vs 382 rps); postgresql save
0.843, 0.740 (989 vs 1,336 rps), submit 0.675, 0.629 (305 vs 485 rps; p99 199 vs 61 ms). Every goal met.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import sqlite3
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
    floor_folder,
    fresh_schema,
    fresh_tables,
    serving,
    serving_floor,
    throughput,
)

CONFIG = {"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}  # sign-in is not what is measured
# 30 questions, in the periodic blueprint's proportions.
CELLS = [
    {"type": "truefalse", "part": "general", "count": 4},
    {"type": "single", "part": "general", "count": 5},
    {"type": "multiple", "part": "general", "count": 2},
    {"type": "truefalse", "part": "professional", "count": 7},
    {"type": "single", "part": "professional", "count": 8},
    {"type": "multiple", "part": "professional", "count": 4},
]


def _seed(home: str, url: str | None, schema: str | None, workers: int, rounds: int) -> list[int]:
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
        exams = []
        for r in range(rounds):
            exam = schedule_exam(
                s, organisation_id=org.id, title=f"基准考试 {r + 1}", post=post, kind="periodic",
                opens_at=now() - timedelta(minutes=5), closes_at=now() + timedelta(days=1),
            )  # fmt: skip
            exam.blueprint = {**exam.blueprint, "cells": CELLS}
            exams.append(exam)
        s.commit()
        exam_ids = [e.id for e in exams]
    database(app).dispose()
    return exam_ids


class Worker:
    def __init__(self, port: int, username: str = "") -> None:
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


class Phase:
    """Timed phases of one kind, summed over rounds: requests and the wall time they took."""

    def __init__(self) -> None:
        self.elapsed = 0.0
        self.latencies: list[float] = []

    def run(self, workers: list, job) -> None:
        barrier = threading.Barrier(len(workers) + 1)
        lock = threading.Lock()
        errors: list[BaseException] = []

        def run(i: int, w) -> None:
            mine: list[float] = []
            try:
                barrier.wait()
                job(i, w, mine)
            except BaseException as e:  # reported after the phase
                errors.append(e)
            with lock:
                self.latencies.extend(mine)

        threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
        for t in threads:
            t.start()
        barrier.wait()
        start = time.perf_counter()
        for t in threads:
            t.join()
        self.elapsed += time.perf_counter() - start
        if errors:
            raise errors[0]

    def figures(self) -> dict:
        return throughput(self.elapsed, self.latencies)


def _timed(
    w: Worker, out: list[float], method: str, path: str, body: dict | None, expect: int | None
) -> None:
    """One timed request; `expect` None: any 2xx (the floor answers 200 or 204)."""
    t = time.perf_counter()
    status, data = w.call(method, path, body)
    out.append(time.perf_counter() - t)
    if status != expect and not (expect is None and 200 <= status < 300):
        raise RuntimeError(f"{method} {path}: {status} {data[:200]!r}")


def _floor_env(folder: str, home: str, url: str | None) -> tuple[str, dict]:
    """The floor module for the database and the environment it reads, its tables created."""
    if url is None:
        path = os.path.join(home, "floor.sqlite")
        with sqlite3.connect(path) as c:
            c.executescript(Path(folder, "floor_schema.sql").read_text())
        return "floor_sqlite", {"BENCH_DB": path}
    import psycopg

    sys.path.insert(0, folder)
    import floor_pg  # the tables it expects

    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    schema = fresh_schema(url)
    with psycopg.connect(dsn, options=f"-csearch_path={schema}") as c:
        c.execute(floor_pg.PG_SCHEMA_SQL)
    return "floor_pg", {"BENCH_PG_DSN": dsn, "BENCH_PG_SCHEMA": schema}


def _run(args: argparse.Namespace, folder: str, url: str | None) -> dict:
    schema = fresh_schema(url) if url else None
    try:
        with tempfile.TemporaryDirectory() as home:
            exam_ids = _seed(home, url, schema, args.workers, args.rounds)
            module, env = _floor_env(folder, home, url)
            try:
                with (
                    serving(home, url, schema, CONFIG) as port,
                    serving_floor(folder, module, env) as floor_port,
                ):
                    return _measure(args, exam_ids, port, floor_port)
            finally:
                if url:
                    drop_schema(url, env["BENCH_PG_SCHEMA"])
    finally:
        if schema:
            drop_schema(url, schema)


def _measure(args: argparse.Namespace, exam_ids: list[int], port: int, floor_port: int) -> dict:
    workers = [Worker(port, f"bench{i:03d}") for i in range(args.workers)]
    floor = [Worker(floor_port) for _ in range(args.workers)]
    for w in workers:
        w.sign_in()
    save, submit, floor_save, floor_submit = Phase(), Phase(), Phase(), Phase()
    for exam_id in exam_ids:
        papers = []
        for w in workers:  # not timed
            status, data = w.call("POST", "/api/v1/attempts", {"exam_id": exam_id})
            assert status == 201, data
            papers.append(json.loads(data))

        def save_all(i: int, w: Worker, out: list[float], papers=papers) -> None:
            paper = papers[i]
            for q in paper["questions"][: args.saves]:
                path = f"/api/v1/attempts/{paper['id']}/responses/{q['id']}"
                _timed(w, out, "PUT", path, {"choices": [0]}, 204)

        def submit_one(i: int, w: Worker, out: list[float], papers=papers) -> None:
            _timed(w, out, "POST", f"/api/v1/attempts/{papers[i]['id']}/submit", None, 200)

        def floor_answers(i: int, w: Worker, out: list[float], papers=papers) -> None:
            for _ in papers[i]["questions"][: args.saves]:
                _timed(w, out, "POST", "/answer", None, None)

        def floor_submit_one(i: int, w: Worker, out: list[float]) -> None:
            _timed(w, out, "POST", "/submit", None, None)

        save.run(workers, save_all)
        floor_save.run(floor, floor_answers)
        submit.run(workers, submit_one)
        floor_submit.run(floor, floor_submit_one)
    figures = {
        "save": save.figures(),
        "floor_answer": floor_save.figures(),
        "submit": submit.figures(),
        "floor_submit": floor_submit.figures(),
    }
    return {
        "workers": args.workers,
        "rounds": args.rounds,
        "questions_per_paper": len(papers[0]["questions"]),
        "saves_per_paper": min(args.saves, len(papers[0]["questions"])),
        "waitress_threads": THREADS,
        "save_vs_floor": round(figures["save"]["rps"] / figures["floor_answer"]["rps"], 3),
        "submit_vs_floor": round(figures["submit"]["rps"] / figures["floor_submit"]["rps"], 3),
        **figures,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=20)
    parser.add_argument(
        "--rounds", type=int, default=50, help="papers per worker (submits = rounds × workers)"
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL") or os.environ.get("QUIZBANK_TEST_DATABASE_URL"),
        help="PostgreSQL URL (run after SQLite)",
    )
    parser.add_argument("--saves", type=int, default=30, help="answers saved per paper (timed; at most 30)")
    parser.add_argument("--only", choices=("sqlite", "postgresql"), help="one database only")
    args = parser.parse_args()
    folder = floor_folder()
    if folder is None:
        sys.exit(
            "exam_throughput: the floor apps (floor_sqlite.py, floor_pg.py) were not found: set "
            "QUIZBANK_BENCH_FLOOR to the folder holding them, or put ../shared/bench beside the checkout."
        )
    targets: list[str | None] = []
    if args.only != "postgresql":
        targets.append(None)
    if args.only != "sqlite" and args.database_url and args.database_url.startswith("postgresql"):
        targets.append(args.database_url)
    for url in targets:
        figures = _run(args, folder, url)
        database = "postgresql" if url else "sqlite"
        print(json.dumps({"benchmark": "exam_throughput", "database": database, **figures}), flush=True)


if __name__ == "__main__":
    main()
