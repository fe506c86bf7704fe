"""A person with a year and more of history for the archive, dashboard and reminder tests: hired and
trained through recorded training sessions, qualified, a failed spot test and its make-up, a 三违 with
part of its retraining, a certificate suspended and reinstated, an external certificate on file."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from quizbank import rules
from tests.webapp.standing_builders import add_event
from webapp.org.models import Organisation, Person, Post
from webapp.training.models import Attendance, TrainingSession


def make_session(
    s, org: Organisation, person: Person, *, level: str, on: date, hours: float, title: str,
    trainer: str = "王培训", post: str | None = None, note: str = "",
) -> TrainingSession:  # fmt: skip
    row = TrainingSession(
        organisation_id=org.id, level=level, title=title, held_on=on, hours=hours, post_code=post,
        trainer_name=trainer, note=note, recorded_at=datetime(2025, 1, 1, tzinfo=UTC),
    )  # fmt: skip
    s.add(row)
    s.flush()
    event = add_event(
        s,
        person,
        rules.TrainingCompleted(on=on, level=level, hours=hours, session_id=row.session_key, post=post),
    )
    s.add(Attendance(session_id=row.id, person_id=person.id, hours=hours, event_id=event.id))
    s.flush()
    return row


def make_history(s, org: Organisation, person: Person, post: Post) -> None:
    """Hired 2024-03-01 on `post`; 8+8+8 学时 of 三级安全教育; qualified; a certificate; 2024 spot test failed,
    make-up passed; 2025: 5 of 8 periodic hours, a 三违 with 3 of 8 off-duty hours."""
    hired = date(2024, 3, 1)
    add_event(s, person, rules.Hired(on=hired, post=post.code))
    make_session(
        s, org, person, level="factory", on=hired, hours=8, title="厂级安全教育", note="安全生产法律法规"
    )
    make_session(
        s, org, person, level="workshop", on=date(2024, 3, 2), hours=8, title="车间级安全教育", post=post.code
    )
    make_session(
        s,
        org,
        person,
        level="team",
        on=date(2024, 3, 3),
        hours=8,
        title="班组级安全教育",
        post=post.code,
        trainer="赵班长",
    )
    add_event(
        s,
        person,
        rules.ExamTaken(on=date(2024, 3, 4), kind="qualification", passed=True, score=90, post=post.code),
    )
    add_event(
        s,
        person,
        rules.CertificateIssued(
            on=date(2024, 3, 4), serial="QB-2024-000001", expires=date(2025, 3, 4), post=post.code
        ),
    )
    add_event(
        s, person, rules.ExamTaken(on=date(2024, 9, 1), kind="spot", passed=False, score=60, post=post.code)
    )
    add_event(
        s,
        person,
        rules.CertificateSuspended(
            on=date(2024, 9, 1), serial="QB-2024-000001", reason="抽考不合格", by="李检查"
        ),
    )
    add_event(
        s, person, rules.ExamTaken(on=date(2024, 9, 5), kind="makeup", passed=True, score=88, post=post.code)
    )
    add_event(
        s,
        person,
        rules.CertificateReinstated(
            on=date(2024, 9, 5), serial="QB-2024-000001", reason="补考合格", by="王培训"
        ),
    )
    make_session(s, org, person, level="periodic", on=date(2025, 1, 10), hours=5, title="年度再培训")
    add_event(
        s,
        person,
        rules.ViolationRecorded(on=date(2025, 2, 20), category="违章作业", note="动火未审批", post=post.code),
    )
    make_session(s, org, person, level="offduty", on=date(2025, 2, 21), hours=3, title="三违脱产培训")
    add_event(
        s,
        person,
        rules.SpecialCertificateRecorded(
            on=date(2024, 3, 1),
            number="T110101199001011234",
            kind="熔化焊接与热切割作业",
            issued=date(2023, 5, 1),
            post=post.code,
        ),
    )


FATES = ("clean", "violation", "makeup", "untrained", "missed")


def make_generated_year(s, org: Organisation, department, post: Post, people: int, rng) -> list[dict]:
    """`people` workers with a year of history ending 2025-03-03, each given a fate by turn (FATES): hired
    and qualified early in 2024 (24 学时 of 三级安全教育), a passed spot test in January 2025 and some
    periodic hours in 2025, then — violation: a 三违 on 02-25; makeup: a failed spot test on 03-01;
    missed: a failed spot test on 02-10 and no make-up; untrained: nothing at all. Returns what each was
    given, for the tests to count on their own."""
    from tests.webapp.base_builders import make_person
    from tests.webapp.builders import make_attempt

    made = []
    for i in range(people):
        fate = FATES[i % len(FATES)]
        p = make_person(s, org, f"员工{i:03d}", f"G{i:03d}", department=department, posts=[post])
        record = {"person": p, "fate": fate, "exams": [], "periodic": 0.0, "hours": 0.0}
        made.append(record)
        if fate == "untrained":
            continue
        hired = date(2024, 1, 2) + timedelta(days=rng.randrange(0, 50))
        add_event(s, p, rules.Hired(on=hired, post=post.code))
        for level in ("factory", "workshop", "team"):
            add_event(
                s, p, rules.TrainingCompleted(on=hired, level=level, hours=8, session_id=f"g{i}-{level}")
            )
        record["hours"] = 24.0

        def sat(on: date, kind: str, passed: bool, p: Person = p, record: dict = record) -> None:
            a = make_attempt(s, p, post, on=on.isoformat(), passed=passed, kind=kind)
            add_event(
                s, p, rules.ExamTaken(on=on, kind=kind, passed=passed, attempt_id=str(a.id), post=post.code)
            )
            record["exams"].append((on, kind, passed))

        sat(hired + timedelta(days=1), "qualification", True)
        sat(date(2025, 1, 15), "spot", True)
        periodic = float(rng.choice((0, 2, 4, 8)))
        if periodic:
            add_event(s, p, rules.TrainingCompleted(on=date(2025, 1, 20), level="periodic", hours=periodic,
                                                    session_id=f"g{i}-p"))  # fmt: skip
        record["periodic"] = periodic
        record["hours"] += periodic
        if fate == "violation":
            add_event(
                s, p, rules.ViolationRecorded(on=date(2025, 2, 25), category="违章作业", post=post.code)
            )
        elif fate == "makeup":
            sat(date(2025, 3, 1), "spot", False)
        elif fate == "missed":
            sat(date(2025, 2, 10), "spot", False)
    s.flush()
    return made
