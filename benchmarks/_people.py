"""What the records and reminder benchmarks share: an enterprise of N people seeded with bulk inserts,
each with a year and more of history as events (hired, 三级安全教育 sessions, qualification, certificate,
periodic training, spot tests — some failed — and for some a 三违), and timing helpers."""

from __future__ import annotations

import random
import statistics
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert

from quizbank import rules

NOW = datetime(2025, 6, 2, 2, 0, tzinfo=UTC)
TODAY = date(2025, 6, 2)


def seed(app, people: int, rng: random.Random, *, departments: int = 1) -> None:
    from webapp.exams.models import Attempt
    from webapp.infra.db import Base, database, import_all_models
    from webapp.org.models import Department, Organisation, Person, PersonPost, Post
    from webapp.standing.models import Event
    from webapp.training.models import Attendance, TrainingSession

    import_all_models()
    engine = database(app).engine
    Base.metadata.create_all(engine)
    with engine.begin() as c:
        c.execute(
            insert(Organisation),
            [{"id": 1, "name": "基准企业", "kind": "enterprise", "high_risk": False, "policy": {}}],
        )
        c.execute(
            insert(Department),
            [{"id": i, "organisation_id": 1, "name": f"车间{i}"} for i in range(1, departments + 1)],
        )
        c.execute(
            insert(Post),
            [{"id": 1, "code": "welding", "name": "电焊工", "risk": "normal", "special_operation": False}],
        )
        c.execute(
            insert(TrainingSession),
            [{"id": i, "organisation_id": 1, "level": lv, "title": f"{rules.TRAINING_LEVEL_NAMES[lv]}安全教育",
              "held_on": date(2024, 3, 1), "hours": 8.0, "post_code": None, "trainer_name": "王培训", "note": "",
              "recorded_at": NOW} for i, lv in ((1, "factory"), (2, "workshop"), (3, "team"), (4, "periodic"))],
        )  # fmt: skip
        persons, links, events, attendance, attempts = [], [], [], [], []
        event_id = 0

        def event(pid: int, e) -> None:
            nonlocal event_id
            event_id += 1
            events.append({"id": event_id, "organisation_id": 1, "person_id": pid, "post_code": getattr(e, "post", None),
                           "kind": rules.event_kind(e), "occurred_on": e.on, "data": rules.event_to_dict(e),
                           "recorded_at": NOW})  # fmt: skip

        attempt_id = 0
        for pid in range(1, people + 1):
            hired = date(2024, 1, 1) + timedelta(days=rng.randrange(0, 300))
            persons.append({"id": pid, "organisation_id": 1, "department_id": 1 + pid % departments,
                            "name": f"工人{pid}", "employee_no": f"E{pid:05d}", "employment_type": "正式",
                            "active": True})  # fmt: skip
            links.append({"person_id": pid, "post_id": 1, "since": hired})
            event(pid, rules.Hired(on=hired, post="welding"))
            for sid, lv in ((1, "factory"), (2, "workshop"), (3, "team")):
                event(pid, rules.TrainingCompleted(on=hired, level=lv, hours=8, session_id=f"session:{sid}"))
                attendance.append({"session_id": sid, "person_id": pid, "hours": 8.0, "event_id": event_id})
            for kind, on, passed in [("qualification", hired + timedelta(days=1), True)] + [
                ("spot", hired + timedelta(days=30 * k), rng.random() < 0.85) for k in range(2, 6)
            ]:
                attempt_id += 1
                at = datetime.combine(on, datetime.min.time(), UTC) + timedelta(hours=2)
                attempts.append({"id": attempt_id, "organisation_id": 1, "person_id": pid, "post_id": 1, "kind": kind,
                                 "started_at": at, "submitted_at": at, "seed": 1, "layout": [], "blueprint": {},
                                 "score": 90.0 if passed else 50.0, "max_score": 100.0, "passed": passed})  # fmt: skip
                if on <= TODAY:
                    event(pid, rules.ExamTaken(on=on, kind=kind, passed=passed, score=90 if passed else 50,
                                               attempt_id=str(attempt_id), post="welding"))  # fmt: skip
            event(pid, rules.CertificateIssued(on=hired + timedelta(days=1), serial=f"QB-{pid:06d}",
                                               expires=hired + timedelta(days=366), post="welding"))  # fmt: skip
            if rng.random() < 0.5:
                event(
                    pid,
                    rules.TrainingCompleted(
                        on=date(2025, 3, 1), level="periodic", hours=4, session_id="session:4"
                    ),
                )
            if rng.random() < 0.05:
                event(pid, rules.ViolationRecorded(on=date(2025, 5, 20), category="违章作业", post="welding"))
        for table, rows in ((Person, persons), (PersonPost, links), (Event, events), (Attendance, attendance),
                            (Attempt, attempts)):  # fmt: skip
            for i in range(0, len(rows), 5000):
                c.execute(insert(table), rows[i : i + 5000])


def measure(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """(median seconds over `runs`, peak KiB of Python memory of one more run)."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(times), peak / 1024
