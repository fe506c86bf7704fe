"""试题分析 over 100,000 submitted attempts × 30 answers (3,000,000 item results): the per-question figures
(difficulty, point-biserial discrimination, option pick shares, flags) and the 班前会 list, against the floor:
the bare SQL aggregate of the same rows (count and right answers per question, nothing else).

Seeds a temporary SQLite database with bulk inserts (2,000 people in 20 departments, 600 questions, attempts
over 2026, answers right with a per-question probability). Figures: median time of the bare aggregate, of
`question_stats` and of `briefing`, and the peak Python memory (tracemalloc) of each, which stays bounded
by the number of questions, not answers. Prints ONE JSON line.

    .venv/bin/python benchmarks/item_analysis.py [--attempts 100000] [--per-attempt 30] [--runs 3]
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

QUESTIONS = 600
PEOPLE = 2000


def seed(app, n_attempts: int, per_attempt: int, rng: random.Random) -> int:
    from webapp.analysis.models import ItemResult
    from webapp.bank.models import Question, QuestionSet
    from webapp.exams.models import Attempt
    from webapp.infra.db import Base, database
    from webapp.org.models import Department, Organisation, Person, Post

    engine = database(app).engine
    Base.metadata.create_all(engine)
    with engine.begin() as c:
        c.execute(insert(Organisation), [{"id": 1, "name": "基准企业", "kind": "enterprise", "policy": {}}])
        c.execute(
            insert(Department), [{"id": i, "organisation_id": 1, "name": f"车间{i}"} for i in range(1, 21)]
        )
        c.execute(
            insert(Post),
            [{"id": 1, "code": "welding", "name": "电焊工", "risk": "normal", "special_operation": False}],
        )
        c.execute(
            insert(Person),
            [
                {"id": i, "organisation_id": 1, "department_id": 1 + i % 20, "name": f"工人{i}",
                 "employee_no": f"E{i:05d}", "employment_type": "正式", "active": True}
                for i in range(1, PEOPLE + 1)
            ],
        )  # fmt: skip
        c.execute(
            insert(QuestionSet),
            [
                {
                    "id": 1,
                    "key": "bench",
                    "title": "基准题库",
                    "version": "1",
                    "origin": "plugin",
                    "post_codes": ["welding"],
                }
            ],
        )
        c.execute(
            insert(Question),
            [
                {"id": q, "set_id": 1, "ext_id": f"q{q}", "type": "single", "stem": f"第{q}题",
                 "options": ["甲", "乙", "丙", "丁"], "answer": [q % 4], "section": f"s-{q % 25}",
                 "part": "professional", "status": "live", "basis": ""}
                for q in range(1, QUESTIONS + 1)
            ],
        )  # fmt: skip
        ease = {q: 0.3 + 0.65 * rng.random() for q in range(1, QUESTIONS + 1)}
        start = datetime(2026, 1, 1, tzinfo=UTC)
        attempts, items = [], []
        for n in range(1, n_attempts + 1):
            person = rng.randrange(1, PEOPLE + 1)
            at = start + timedelta(minutes=rng.randrange(0, 330 * 24 * 60))
            qs = rng.sample(range(1, QUESTIONS + 1), per_attempt)
            right = [rng.random() < ease[q] for q in qs]
            share = sum(right) / per_attempt
            attempts.append(
                {"id": n, "organisation_id": 1, "person_id": person, "post_id": 1, "kind": "periodic",
                 "started_at": at, "submitted_at": at, "seed": n, "layout": [], "blueprint": {},
                 "score": share * 100, "max_score": 100.0, "passed": share >= 0.8}
            )  # fmt: skip
            for q, ok in zip(qs, right, strict=True):
                items.append(
                    {"organisation_id": 1, "attempt_id": n, "post_id": 1, "department_id": 1 + person % 20,
                     "question_pk": q, "question_id": f"q{q}", "section": f"s-{q % 25}", "kind": "periodic",
                     "submitted_at": at, "answered": True, "correct": ok,
                     "picked": 1 << (q % 4 if ok else (q + 1) % 4), "score_share": share}
                )  # fmt: skip
            if len(attempts) == 5_000:
                c.execute(insert(Attempt), attempts)
                c.execute(insert(ItemResult), items)
                attempts, items = [], []
        if attempts:
            c.execute(insert(Attempt), attempts)
            c.execute(insert(ItemResult), items)
    return n_attempts * per_attempt


BARE = text(
    "SELECT question_pk, count(*), sum(CASE WHEN correct THEN 1 ELSE 0 END) FROM item_results "
    "WHERE organisation_id = 1 GROUP BY question_pk"
)


def median_seconds(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def peak_kib(fn) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return round(peak / 1024, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attempts", type=int, default=100_000)
    parser.add_argument("--per-attempt", type=int, default=30)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from webapp import create_app
    from webapp.analysis.service import briefing, question_stats
    from webapp.infra.db import database

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "INSTANCE_PATH": tmp,
                "DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.sqlite'}",
            }
        )
        t = time.perf_counter()
        rows = seed(app, args.attempts, args.per_attempt, random.Random(7))
        seed_seconds = time.perf_counter() - t
        db = database(app)
        with app.app_context(), db.sessionmaker() as s:
            since = datetime(2026, 11, 1, tzinfo=UTC)
            floor = median_seconds(lambda: s.execute(BARE).all(), args.runs)
            stats_s = median_seconds(lambda: question_stats(s, 1), args.runs)
            brief_s = median_seconds(
                lambda: briefing(s, 1, post_id=1, department_id=3, since=since), args.runs
            )
            floor_kib = peak_kib(lambda: s.execute(BARE).all())
            stats_kib = peak_kib(lambda: question_stats(s, 1))
            brief_kib = peak_kib(lambda: briefing(s, 1, post_id=1, department_id=3, since=since))
            counted = sum(st.drawn for st in question_stats(s, 1))
        db.dispose()

    print(
        json.dumps(
            {
                "benchmark": "item_analysis",
                "database": "sqlite",
                "attempts": args.attempts,
                "item_results": rows,
                "item_results_counted": counted,
                "questions": QUESTIONS,
                "runs": args.runs,
                "seed_s": round(seed_seconds, 1),
                "median_ms_question_stats": round(stats_s * 1000, 1),
                "median_ms_briefing_one_department_month": round(brief_s * 1000, 1),
                "peak_kib_question_stats": stats_kib,
                "peak_kib_briefing": brief_kib,
                "anchor": "bare SQL aggregate (count, right per question) over the same rows",
                "anchor_median_ms": round(floor * 1000, 1),
                "anchor_peak_kib": floor_kib,
                "ratio_question_stats_to_anchor": round(stats_s / floor, 2) if floor else None,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
