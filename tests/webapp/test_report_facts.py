"""The pass-rate report's stores (issue 13): `pass_rate_facts`, kept by triggers on `attempts`, answers as
`attempts` would; `standing_snapshots` gives 今日可上岗 as replaying the events would, and goes stale
when the events, the post, the organisation or the date change."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, text

from quizbank import rules
from tests.webapp.base_builders import make_department, make_org, make_person, make_post
from tests.webapp.builders import make_attempt
from tests.webapp.standing_builders import add_event, qualify
from webapp.exams.models import Attempt
from webapp.reports import may_work
from webapp.reports.models import PassRateFact, PassRateMonth, facts_sql, months_sql
from webapp.reports.service import GROUPINGS, Filters, pass_rates, report
from webapp.standing.models import StandingSnapshot

KINDS = ("periodic", "spot", "makeup", "qualification", "retraining", "practice")


def _facts(db) -> set[tuple]:
    return {
        tuple(getattr(f, c.name) for c in PassRateFact.__table__.columns)
        for f in db.scalars(select(PassRateFact))
    }


def _recomputed(db) -> set[tuple]:
    """The facts as migration 0014's backfill computes them from `attempts`."""
    return {tuple(r) for r in db.execute(text(facts_sql(db.get_bind().dialect.name)))}


@pytest.fixture
def history(db):
    """Two enterprises; 12 people of 甲 in two departments on three posts (two people on two posts), a
    year of sittings of every kind, some at the same moment, some submitted later, some changed or deleted
    after submission (as no writer does today, but a trigger must not care who writes)."""
    rng = random.Random(13)
    org, other = make_org(db, "甲企业"), make_org(db, "乙企业")
    posts = [make_post(db, f"p{i}", f"岗位{i}") for i in range(3)]
    departments = [make_department(db, org, f"{i}车间") for i in range(2)]
    people = [
        make_person(
            db,
            org,
            f"工人{i}",
            f"E{i}",
            department=departments[i % 2],
            posts=[posts[i % 3]] + ([posts[(i + 1) % 3]] if i < 2 else []),
        )
        for i in range(12)
    ]
    home = {p.id: posts[i % 3] for i, p in enumerate(people)}  # the post each holds first
    stranger = make_person(db, other, "外人", "X1", posts=[posts[0]])
    attempts = []
    for n in range(160):
        person = rng.choice(people)
        post = home[person.id] if rng.random() < 0.8 else rng.choice(posts)
        day = date(2025, 1, 1) + timedelta(days=rng.randrange(0, 365))
        attempts.append(
            make_attempt(
                db,
                person,
                post,
                on=day.isoformat(),
                passed=rng.random() < 0.7,
                kind=KINDS[n % len(KINDS)],
                inspection_id=rng.choice((None, 3, 4)),
                submitted=n % 11 != 5,
            )
        )
    make_attempt(db, stranger, posts[0], on="2025-03-03", passed=True)
    # late at night China time: the month is China's, not UTC's
    late = make_attempt(db, people[0], posts[0], on="2025-04-30", passed=True)
    late.submitted_at = datetime(2025, 4, 30, 16, 30, tzinfo=UTC)  # 05-01 00:30 in China
    db.flush()
    for a in attempts[:20]:  # submitted by an update, like the exam's submit
        if a.submitted_at is None:
            a.submitted_at, a.passed = a.started_at + timedelta(minutes=20), rng.random() < 0.5
    for a in attempts[20:30]:  # changed after submission
        if a.submitted_at is not None:
            a.passed = not a.passed
            a.submitted_at -= timedelta(days=rng.choice((0, 20, 40)))
    attempts[31].submitted_at = attempts[32].submitted_at  # same moment: the attempt id decides
    db.flush()
    for a in attempts[40:45]:
        db.delete(a)
    db.flush()
    db.commit()
    return {"org": org, "posts": posts, "departments": departments, "people": people}


def test_the_triggers_keep_the_facts_equal_to_the_attempts_and_the_months_to_the_facts(db, history):
    assert _facts(db) and _facts(db) == _recomputed(db)
    months = {
        tuple(getattr(m, c.name) for c in PassRateMonth.__table__.columns)
        for m in db.scalars(select(PassRateMonth))
    }
    expected = {tuple(r) for r in db.execute(text(months_sql(db.get_bind().dialect.name)))}
    assert {m for m in months if m[6]} == expected  # people > 0; the others are months whose people all went


def test_the_report_from_the_facts_equals_the_report_from_the_attempts(db, history):
    org = history["org"].id
    posts, departments = history["posts"], history["departments"]
    ranges = [
        (None, None),
        (date(2025, 1, 1), date(2025, 12, 31)),  # a whole year: the year rows answer
        (date(2025, 1, 1), date(2026, 1, 15)),  # a year to today: the same
        (date(2025, 3, 1), date(2025, 8, 31)),  # whole months: the month rows answer
        (date(2025, 3, 14), date(2025, 8, 9)),  # cut months: the attempts answer
        (date(2025, 5, 1), None),
        (None, date(2025, 4, 30)),  # the 00:30 sitting of 05-01 China time stays out
    ]
    filters = [
        Filters(),
        Filters(post_id=posts[0].id),
        Filters(department_id=departments[1].id),
        Filters(post_id=posts[1].id, department_id=departments[0].id),
        Filters(kind="makeup"),
    ]
    for by in (*GROUPINGS, "all"):
        for start, end in ranges:
            for f in filters:
                facts = pass_rates(db, org, by, start, end, f)
                attempts = pass_rates(db, org, by, start, end, f, use_facts=False)
                assert facts == attempts, (by, start, end, f)
    assert pass_rates(db, org, "post")  # not trivially equal


def test_a_range_ending_today_is_answered_by_the_facts_when_nothing_lies_beyond_it(db, history):
    from webapp.reports.service import _facts_grain

    org = history["org"].id
    assert _facts_grain(db, org, "post", date(2025, 1, 1), date(2026, 1, 15), Filters()) == 4
    assert _facts_grain(db, org, "post", date(2025, 1, 1), date(2025, 12, 31), Filters()) == 4
    assert _facts_grain(db, org, "post", date(2025, 3, 1), date(2025, 6, 30), Filters()) == 7
    assert _facts_grain(db, org, "month", None, None, Filters()) == 7
    assert _facts_grain(db, org, "post", None, None, Filters()) == 0
    assert _facts_grain(db, org, "post", date(2025, 1, 1), date(2025, 6, 15), Filters()) is None
    assert _facts_grain(db, org, "inspection", None, None, Filters()) is None


def _may_work_by_replay(db, org_id, by, today):
    """今日可上岗 per group computed the long way: each person's events replayed by the core."""
    from webapp.org.models import Organisation, Post
    from webapp.standing.service import compute, events_of, posts_of

    org = db.get(Organisation, org_id)
    groups: dict[str, set[int]] = {}
    for a in db.scalars(
        select(Attempt).where(
            Attempt.organisation_id == org_id, Attempt.submitted_at.is_not(None), Attempt.kind != "practice"
        )
    ):
        key = {"post": str(a.post_id), "all": "all"}.get(by)
        if by == "month":
            key = (a.submitted_at + timedelta(hours=8)).strftime("%Y-%m")
        groups.setdefault(key, set()).add(a.person_id)
    everyone = set().union(*groups.values())
    events, posts = events_of(db, everyone), posts_of(db, everyone)

    def on(pid, post):
        return compute(events[pid], org, post, today).may_work

    out = {}
    for key, members in groups.items():
        if by == "post":
            post = db.get(Post, int(key))
            out[key] = sum(on(pid, post) for pid in members)
        else:
            out[key] = sum(bool(posts[pid]) and all(on(pid, p) for p in posts[pid]) for pid in members)
    return out


@pytest.fixture
def standing_history(db, history):
    """Half the people qualified on their first post in June 2025; one of them later commits a 三违, another
    fails a spot test with a make-up due within 7 days."""
    people, posts = history["people"], history["posts"]
    for i, p in enumerate(people[:6]):  # people[i] holds posts[i % 3]
        qualify(db, p, posts[i % 3].code, on=date(2025, 6, 1))
    add_event(
        db,
        people[1],
        rules.ViolationRecorded(on=date(2025, 6, 2), category="违章作业", post=posts[1].code),
    )
    add_event(
        db,
        people[2],
        rules.ExamTaken(on=date(2026, 1, 12), kind="spot", passed=False, score=50, post=posts[2].code),
    )
    db.commit()
    return history


def _may_work_rows(db, org, by, today):
    may_work.refresh(db, org, today)
    return {r.key: r.may_work_today for r in pass_rates(db, org, by, today=today)}


def test_may_work_today_from_the_snapshots_equals_replaying_every_persons_events(db, standing_history):
    org = standing_history["org"].id
    today = date(2026, 1, 15)
    for by in ("post", "month", "all"):
        assert _may_work_rows(db, org, by, today) == _may_work_by_replay(db, org, by, today), by
    assert sum(_may_work_rows(db, org, "post", today).values()) > 0


def test_a_days_snapshots_are_computed_once_and_read_after(db, standing_history):
    org = standing_history["org"].id
    first = may_work.refresh(db, org, date(2026, 1, 15))
    db.commit()
    assert first > 0
    assert may_work.refresh(db, org, date(2026, 1, 15)) == 0
    assert may_work.refresh(db, org, date(2026, 1, 16)) == first  # another day: every one again


def test_the_reminder_run_makes_the_days_snapshots_current_so_the_days_first_report_computes_none(
    app, db, clock, standing_history
):
    from webapp.reminders.service import run

    org = standing_history["org"].id
    clock.set(datetime(2026, 1, 15, 1, 0, tzinfo=UTC))  # 09:00 in China
    run(app)
    assert db.scalar(
        select(StandingSnapshot.computed_for).where(StandingSnapshot.organisation_id == org)
    ) == (date(2026, 1, 15))
    assert may_work.refresh(db, org, date(2026, 1, 15)) == 0
    assert _may_work_rows(db, org, "all", date(2026, 1, 15)) == _may_work_by_replay(
        db, org, "all", date(2026, 1, 15)
    )


def test_an_event_committed_while_the_snapshots_are_computed_leaves_that_persons_rows_stale(
    app, db, standing_history, monkeypatch
):
    """The replay runs before the write lock is taken: a writer committing meanwhile neither fails the
    refresh nor leaves a snapshot that reads as current without its event."""
    from webapp.infra.db import database
    from webapp.standing import service as standing_service

    org, people, posts = standing_history["org"], standing_history["people"], standing_history["posts"]
    day = date(2026, 1, 15)
    worker = people[3]
    compute = standing_service.compute
    other = []

    def compute_while_someone_writes(*args, **kwargs):
        if not other:
            with database(app).sessionmaker() as s2:
                add_event(
                    s2,
                    s2.merge(worker, load=False),
                    rules.ViolationRecorded(on=day, category="违章作业", post=posts[0].code),
                )
                s2.commit()
            other.append(True)
        return compute(*args, **kwargs)

    monkeypatch.setattr(standing_service, "compute", compute_while_someone_writes)
    assert may_work.refresh(db, org.id, day) > 0
    db.commit()
    monkeypatch.setattr(standing_service, "compute", compute)
    stale_again = may_work.refresh(db, org.id, day)
    assert 0 < stale_again < len(people)
    assert _may_work_rows(db, org.id, "all", day) == _may_work_by_replay(db, org.id, "all", day)


def test_a_new_event_a_changed_post_or_policy_or_a_passing_deadline_makes_the_snapshot_stale(
    db, standing_history
):
    from webapp.org.models import Organisation

    org, people, posts = standing_history["org"], standing_history["people"], standing_history["posts"]
    day = date(2026, 1, 15)
    before = _may_work_rows(db, org.id, "all", day)["all"]
    db.commit()
    # an event: only that person is computed again, and the count follows
    worker = people[3]
    add_event(
        db,
        worker,
        rules.ViolationRecorded(on=date(2026, 1, 14), category="违章作业", post=posts[0].code),
    )
    db.commit()
    held_or_sat = {pp.post_id for pp in worker.posts} | set(
        db.scalars(select(PassRateFact.post_id).where(PassRateFact.person_id == worker.id))
    )  # and EVERY_POST (0): the person on every post they hold
    assert may_work.refresh(db, org.id, day) == len(held_or_sat)
    assert _may_work_rows(db, org.id, "all", day)["all"] == before - 1
    assert _may_work_rows(db, org.id, "all", day) == _may_work_by_replay(db, org.id, "all", day)
    db.commit()
    # the post: its snapshots are stale
    posts[0].special_operation = True
    db.commit()
    assert set(
        db.scalars(select(StandingSnapshot.version).where(StandingSnapshot.post_id == posts[0].id))
    ) == {-1}
    assert _may_work_rows(db, org.id, "post", day) == _may_work_by_replay(db, org.id, "post", day)
    db.commit()
    # the policy: the organisation's snapshots are stale
    db.get(Organisation, org.id).policy = {"makeup_may_work": True}
    db.commit()
    assert set(
        db.scalars(select(StandingSnapshot.version).where(StandingSnapshot.organisation_id == org.id))
    ) == {-1}
    # the make-up deadline of people[2] (failed 2026-01-12) passes: a later day says otherwise
    later = date(2026, 1, 30)
    assert _may_work_rows(db, org.id, "post", later) == _may_work_by_replay(db, org.id, "post", later)
    assert _may_work_rows(db, org.id, "post", later) != _may_work_rows(db, org.id, "post", day)


def test_report_computes_the_page_from_current_snapshots(db, standing_history):
    org = standing_history["org"].id
    rows, summary, trend = report(db, org, "department", None, None, Filters(), date(2026, 1, 15))
    assert summary.may_work_today == _may_work_by_replay(db, org, "all", date(2026, 1, 15))["all"]
    assert [r.key for r in trend] == sorted(r.key for r in trend) and len(trend) >= 12
    assert sum(r.people for r in rows) == summary.people  # each person in one department


def test_a_post_given_or_taken_away_changes_whether_one_may_work_every_post(db, standing_history):
    from webapp.org.models import PersonPost

    org, people, posts = standing_history["org"], standing_history["people"], standing_history["posts"]
    day = date(2026, 1, 15)
    before = _may_work_rows(db, org.id, "all", day)["all"]
    db.commit()
    worker = people[3]  # qualified on posts[0], the one post they hold
    given = PersonPost(person_id=worker.id, post_id=posts[2].id)
    db.add(given)
    db.commit()
    assert _may_work_rows(db, org.id, "all", day)["all"] == before - 1  # not qualified on posts[2]
    assert _may_work_rows(db, org.id, "all", day) == _may_work_by_replay(db, org.id, "all", day)
    db.commit()
    db.delete(given)
    db.commit()
    assert _may_work_rows(db, org.id, "all", day)["all"] == before
