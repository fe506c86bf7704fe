"""Public verify throughput (page and JSON API), held against a bare endpoint of the same stack.

Anchor: a trivial public GET route returning 204, in the same app, served by the same waitress configuration
(threads=8). N clients on loopback (one keep-alive connection each) scan certificates at random among
`--people` holders, each with a history of training, a qualification exam and a certificate (a third of them
also a failed spot test: a suspended certificate). Each verify checks the Ed25519 signature, looks the
certificate up and recomputes the holder's standing from their events. Prints one JSON line.

    .venv/bin/python benchmarks/certificates_web.py [--clients 16] [--requests 200] [--people 300]
    DATABASE_URL=postgresql+psycopg://… to measure PostgreSQL instead of a temporary SQLite file.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._server import bench_app, fresh_tables, serving, throughput  # noqa: E402


def _seed(home: str, people: int) -> list[str]:
    """`people` certified welders; every third failed a spot test since. Returns their tokens."""
    from quizbank import rules
    from tests.webapp.base_builders import make_department, make_org, make_person, make_post
    from webapp.certs import service as certificates
    from webapp.infra.db import database
    from webapp.standing.service import record_event

    app = bench_app(home, os.environ.get("DATABASE_URL"))
    fresh_tables(app)
    today = date.today()
    tokens = []
    with app.test_request_context(method="POST"), database(app).sessionmaker() as s:
        org = make_org(s, "基准企业")
        dept = make_department(s, org)
        post = make_post(s, "welding", "电焊工")
        for i in range(people):
            person = make_person(s, org, f"工人{i:04d}", f"B{i:05d}", department=dept, posts=[post])
            start = today - timedelta(days=300)
            for j, level in enumerate(("factory", "workshop", "team")):
                record_event(
                    s, person,
                    rules.TrainingCompleted(start + timedelta(days=j), level, 8, f"s{i}-{level}", None if j == 0 else "welding"),  # noqa: E501
                    recorded_by=None,
                )  # fmt: skip
            on = start + timedelta(days=5)
            record_event(
                s, person, rules.ExamTaken(on, "qualification", passed=True, post="welding"), recorded_by=None
            )
            record_event(
                s,
                person,
                rules.TrainingCompleted(on + timedelta(days=60), "periodic", 8, f"p{i}"),
                recorded_by=None,
            )
            if i % 3 == 0:
                record_event(
                    s, person, rules.ExamTaken(today - timedelta(days=2), "spot", passed=False, post="welding"),
                    recorded_by=None,
                )  # fmt: skip
            tokens.append(certificates.issue(s, person, post, on=on).token)
        s.commit()
    database(app).dispose()
    return tokens


def _phase(port: int, clients: int, requests: int, paths: list[str], expect: int) -> dict:
    barrier = threading.Barrier(clients + 1)
    latencies: list[float] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        try:
            barrier.wait()
            for _ in range(requests):
                path = rng.choice(paths)
                t = time.perf_counter()
                conn.request("GET", path)
                r = conn.getresponse()
                r.read()
                mine.append(time.perf_counter() - t)
                if r.status != expect:
                    raise RuntimeError(f"GET {path}: {r.status}")
        except BaseException as e:  # reported after the phase
            errors.append(e)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise errors[0]
    return throughput(elapsed, latencies)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=200, help="per client and phase")
    parser.add_argument("--people", type=int, default=300)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as home:
        t = time.perf_counter()
        tokens = _seed(home, args.people)
        seed_seconds = time.perf_counter() - t
        with serving(home, os.environ.get("DATABASE_URL")) as port:
            bare = _phase(port, args.clients, args.requests, ["/bench/bare"], 204)
            api = _phase(
                port, args.clients, args.requests, [f"/api/v1/certificates/verify/{t}" for t in tokens], 200
            )
            page = _phase(port, args.clients, args.requests, [f"/verify/{t}" for t in tokens], 200)
    print(
        json.dumps(
            {
                "benchmark": "certificates_web",
                "database": "postgresql" if os.environ.get("DATABASE_URL") else "sqlite",
                "clients": args.clients,
                "people": args.people,
                "seed_seconds": round(seed_seconds, 2),
                "bare": bare,
                "verify_api": api,
                "verify_page": page,
                "api_vs_bare": round(api["rps"] / bare["rps"], 3),
                "page_vs_bare": round(page["rps"] / bare["rps"], 3),
                "anchor": "bare public 204 GET route, same app and waitress config (threads=8)",
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
