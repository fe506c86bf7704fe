"""`quizbank remind` over 10,000 people: plan (each person's standing → the occasions due today → the
outbox, inserted only when absent) and deliver (claim, deliver, mark, one delivery at a time, over the
in-app inbox), then a second run that finds everything already planned. The floor: the bare queries the
plan rests on (every active person, their events and posts).

Figures: seconds of the floor, the first run's plan and delivery (per delivery), and the second run
(nothing new) — timed without tracing — then the peak Python memory (tracemalloc) of the floor and of a
third plan (the same work as the second), and the process's peak RSS. Prints ONE JSON line.

    .venv/bin/python benchmarks/remind_run.py [--people 10000]

Last measured (2-core machine shared with other jobs, SQLite, synchronous=FULL): 10,000 people, 105,408
events, 6,277 reminders: plan 8.2–17.8 s against the bare queries' 5.0–9.3 s (ratio 1.6–1.9× across two
runs on a busy machine); delivery over the inbox 3.3–6.0 ms a delivery (batches of 200 per transaction);
the second run sends nothing and writes nothing; peak Python memory of a plan 29.5 MiB against the bare
queries' 23.3 MiB (both hold the 10,000 people); process peak RSS 260 MiB.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _people import NOW, TODAY, seed  # noqa: E402


def timed(fn):
    t = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - t


def traced_peak_kib(fn) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    args = parser.parse_args()

    from sqlalchemy import func, select

    from webapp import create_app
    from webapp.infra.db import database, transaction
    from webapp.org.models import Organisation, Person, PersonPost, Post
    from webapp.reminders.delivery import deliver_due
    from webapp.reminders.models import Delivery, Reminder
    from webapp.reminders.service import plan
    from webapp.standing.models import Event

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SECRET_KEY": "bench", "INSTANCE_PATH": tmp, "CLOCK": lambda: NOW,
                          "DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.sqlite'}"})  # fmt: skip
        seed(app, args.people, random.Random(7))
        db = database(app)
        with app.app_context():

            def bare():
                with db.sessionmaker() as s:
                    people = s.scalars(select(Person).where(Person.organisation_id == 1, Person.active)).all()
                    ids = [p.id for p in people]
                    n = 0
                    for i in range(0, len(ids), 500):
                        n += len(s.scalars(select(Event).where(Event.person_id.in_(ids[i : i + 500]))).all())
                        s.execute(
                            select(PersonPost.person_id, Post)
                            .join(Post)
                            .where(PersonPost.person_id.in_(ids[i : i + 500]))
                        ).all()
                    return n

            def planned():
                with transaction(app) as s:
                    return plan(s, s.get(Organisation, 1), TODAY, NOW)

            events, floor_s = timed(bare)
            occasions, plan_s = timed(planned)
            report, deliver_s = timed(lambda: deliver_due(app))
            _, again_s = timed(planned)
            again = deliver_due(app)
            floor_kib = traced_peak_kib(bare)
            plan_kib = traced_peak_kib(planned)
            with db.sessionmaker() as s:
                reminders = s.scalar(select(func.count()).select_from(Reminder))
                deliveries = s.scalar(select(func.count()).select_from(Delivery))
        db.dispose()
    print(json.dumps({
        "benchmark": "remind_run", "database": "sqlite", "people": args.people, "events": events,
        "occasions": occasions, "reminders": reminders, "deliveries": deliveries, "sent": report.sent,
        "second_run_sent": again.sent,
        "plan_s": round(plan_s, 2), "plan_peak_kib": round(plan_kib, 1),
        "deliver_s": round(deliver_s, 2), "ms_per_delivery": round(1000 * deliver_s / max(report.sent, 1), 2),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "second_run_plan_s": round(again_s, 2),
        "anchor": "bare queries: active people, their events and posts (batches of 500)",
        "anchor_s": round(floor_s, 2), "anchor_peak_kib": round(floor_kib, 1),
        "ratio_plan_to_anchor": round(plan_s / floor_s, 1) if floor_s else None,
    }, ensure_ascii=False))  # fmt: skip


if __name__ == "__main__":
    main()
