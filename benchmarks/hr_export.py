"""HR export over 100,000 attempts: the pass-rate report (SQL aggregate with the per-person first
attempt) and its Excel export, against the floor: the bare aggregate SQL query alone (attempts and
passes per post, no window function, no labels, no spreadsheet).

Seeds a temporary SQLite database with bulk inserts (5,000 people in 20 departments, 10 posts, attempts
spread over 2024–2025, ~15 % practice which the report leaves out). Figures: median time of the bare
query, of each report (post, department, month) and of report + xlsx, and the peak Python memory
(tracemalloc) of report + xlsx. Prints ONE JSON line.

    .venv/bin/python benchmarks/hr_export.py [--attempts 100000] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text

KINDS = ("periodic", "periodic", "spot", "makeup", "qualification", "retraining", "practice")


def seed(app, n_attempts: int, rng: random.Random) -> int:
    from webapp.exams.models import Attempt
    from webapp.infra.db import Base, database
    from webapp.org.models import Department, Organisation, Person, Post

    engine = database(app).engine
    Base.metadata.create_all(engine)
    with engine.begin() as c:
        c.execute(
            insert(Organisation),
            [{"id": 1, "name": "基准企业", "kind": "enterprise", "high_risk": True, "policy": {}}],
        )
        c.execute(
            insert(Department), [{"id": i, "organisation_id": 1, "name": f"车间{i}"} for i in range(1, 21)]
        )
        c.execute(
            insert(Post),
            [
                {
                    "id": i,
                    "code": f"post{i}",
                    "name": f"岗位{i}",
                    "risk": "normal",
                    "special_operation": False,
                }
                for i in range(1, 11)
            ],
        )
        c.execute(
            insert(Person),
            [
                {
                    "id": i,
                    "organisation_id": 1,
                    "department_id": 1 + i % 20,
                    "name": f"工人{i}",
                    "employee_no": f"E{i:05d}",
                    "employment_type": "正式",
                    "active": True,
                }
                for i in range(1, 5001)
            ],
        )
        start = datetime(2024, 1, 1, tzinfo=UTC)
        batch = []
        for n in range(n_attempts):
            person = rng.randrange(1, 5001)
            at = start + timedelta(minutes=rng.randrange(0, 730 * 24 * 60))
            batch.append(
                {
                    "organisation_id": 1,
                    "person_id": person,
                    "post_id": 1 + person % 10,
                    "kind": KINDS[n % len(KINDS)],
                    "inspection_id": rng.randrange(1, 300) if n % 7 == 2 else None,
                    "started_at": at,
                    "submitted_at": at + timedelta(minutes=30),
                    "seed": n,
                    "layout": [],
                    "blueprint": {},
                    "score": 0.0,
                    "max_score": 100.0,
                    "passed": rng.random() < 0.82,
                }
            )
            if len(batch) == 10_000:
                c.execute(insert(Attempt), batch)
                batch = []
        if batch:
            c.execute(insert(Attempt), batch)
    return n_attempts


BARE = text(
    "SELECT post_id, count(*), sum(CASE WHEN passed THEN 1 ELSE 0 END) FROM attempts "
    "WHERE organisation_id = 1 AND submitted_at IS NOT NULL AND kind != 'practice' GROUP BY post_id"
)


def median_seconds(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attempts", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from webapp import create_app
    from webapp.infra.db import database
    from webapp.reports.export import to_xlsx
    from webapp.reports.service import pass_rates

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "INSTANCE_PATH": tmp,
                "DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.sqlite'}",
            }
        )
        t = time.perf_counter()
        seed(app, args.attempts, random.Random(7))
        seed_seconds = time.perf_counter() - t
        db = database(app)
        with app.app_context(), db.sessionmaker() as s:
            floor = median_seconds(lambda: s.execute(BARE).all(), args.runs)
            report = {
                by: median_seconds(lambda by=by: pass_rates(s, 1, by), args.runs)
                for by in ("post", "department", "month", "inspection")
            }
            export = median_seconds(
                lambda: to_xlsx(pass_rates(s, 1, "month"), "month", None, None, "基准企业"), args.runs
            )
            tracemalloc.start()
            rows = pass_rates(s, 1, "month")
            data = to_xlsx(rows, "month", None, None, "基准企业")
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            counted = sum(r.attempts for r in rows)
        db.dispose()

    print(
        json.dumps(
            {
                "benchmark": "hr_export",
                "database": "sqlite",
                "attempts": args.attempts,
                "attempts_counted": counted,
                "people": 5000,
                "runs": args.runs,
                "seed_s": round(seed_seconds, 2),
                "median_ms_report": {k: round(v * 1000, 1) for k, v in report.items()},
                "median_ms_report_month_plus_xlsx": round(export * 1000, 1),
                "xlsx_bytes": len(data),
                "peak_kib_report_plus_xlsx": round(peak / 1024, 1),
                "anchor": "bare aggregate SQL (count, passes per post)",
                "anchor_median_ms": round(floor * 1000, 1),
                "ratio_report_post_to_anchor": round(report["post"] / floor, 1) if floor else None,
                "ratio_export_to_anchor": round(export / floor, 1) if floor else None,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
