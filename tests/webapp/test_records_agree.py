"""On the demo enterprise and on a generated year of 200 workers, the archive, the hours-owed table, the
dashboard and the pass rates agree with counts the test makes on its own: from the raw event rows, or from
what the generator gave each worker (see records_builders.make_generated_year)."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date

import pytest
from sqlalchemy import select

from quizbank.plugins import discover
from tests.webapp.base_builders import make_department, make_org, make_post, make_user
from tests.webapp.builders import signed_in
from tests.webapp.records_builders import make_generated_year
from webapp.bank.sets import sync_registry
from webapp.demo.service import seed_demo
from webapp.infra.db import database
from webapp.org.models import Person
from webapp.records.service import archive_of
from webapp.standing.models import Event

PEOPLE = 200


@pytest.fixture
def generated(db):
    org = make_org(db, "生成企业")
    dept = make_department(db, org, "一车间")
    post = make_post(db, "welding", "电焊工")
    made = make_generated_year(db, org, dept, post, PEOPLE, random.Random(12))
    make_user(db, org, "hr-g", ("hr",))
    db.commit()
    return made


@pytest.mark.slow
def test_archive_hours_on_the_demo_equal_the_sum_of_the_raw_training_rows(app, clock):
    with app.app_context(), database(app).sessionmaker() as s:
        sync_registry(s, discover().sets)
        seed_demo(s, clock())
        s.commit()
        people = s.scalars(select(Person)).all()
        assert len(people) >= 12
        for person in people:
            seen, by_year = set(), defaultdict(float)
            for row in s.scalars(
                select(Event).where(Event.person_id == person.id, Event.kind == "training_completed")
            ):
                if row.occurred_on > clock().date() or (
                    row.data.get("session_id") and row.data["session_id"] in seen
                ):
                    continue
                seen.add(row.data.get("session_id"))
                by_year[row.occurred_on.year] += float(row.data["hours"])
            archive = archive_of(s, person, clock().date())
            assert {y.year: y.total for y in archive.hours_by_year} == dict(by_year), person.name


def test_dashboard_counts_agree_with_the_generated_fates(app, generated):
    d = signed_in(app, "hr-g").get("/api/v1/dashboard").get_json()
    fates = defaultdict(int)
    for g in generated:
        fates[g["fate"]] += 1
    assert d["people"] == PEOPLE
    assert len(d["barred"]) == PEOPLE - fates["clean"]
    assert d["may_work_today"] == fates["clean"]
    assert len(d["makeup_due"]) == fates["makeup"]
    assert len(d["overdue"]) == fates["missed"]
    ages = sorted(x["age_days"] for x in d["retraining_backlog"])
    # 三违 on 02-25 → 6 days; make-up due 02-17 missed → off-duty from 02-18 → 13 days
    assert ages == sorted([6] * fates["violation"] + [13] * fates["missed"])


def test_hours_owed_table_agrees_with_the_generated_hours(app, generated):
    expected_short = {}
    for g in generated:
        annual = 0 if g["fate"] == "untrained" else 8 - g["periodic"]
        extra = {"violation": 8, "missed": 24, "untrained": 24}.get(g["fate"], 0)  # 三违 8; 脱产 24; 岗前 24
        expected_short[g["person"].name] = annual + extra
    html = signed_in(app, "hr-g").get("/records/coverage?year=2025").get_data(as_text=True)
    total_short = sum(expected_short.values())
    assert f"<strong>{total_short:g}</strong><span>合计尚差学时" in html
    assert f"<strong>{sum(1 for v in expected_short.values() if v > 0)}</strong><span>学时不足人数" in html


def test_archive_totals_agree_with_the_generated_hours(app, db, generated):
    for g in generated[:25]:
        archive = archive_of(db, g["person"], date(2025, 3, 3))
        assert archive.total_hours == g["hours"], g["fate"]
        assert [(e.on, e.kind, e.passed) for e in archive.exams] == g["exams"]


def test_pass_rates_agree_with_the_generated_exams(app, generated):
    attempts = [
        (g["person"].id, on, passed) for g in generated for on, kind, passed in g["exams"] if on.year == 2025
    ]
    per_person = defaultdict(list)
    for pid, _on, passed in sorted(attempts, key=lambda a: a[1]):
        per_person[pid].append(passed)
    body = (
        signed_in(app, "hr-g")
        .get("/api/v1/reports/pass-rates?by=post&from=2025-01-01&to=2025-12-31")
        .get_json()
    )
    (row,) = body["rows"]
    assert row["attempts"] == len(attempts)
    assert row["attempts_passed"] == sum(1 for a in attempts if a[2])
    assert row["people"] == len(per_person)
    assert row["first_passed"] == sum(1 for v in per_person.values() if v[0])
    assert row["latest_passed"] == sum(1 for v in per_person.values() if v[-1])
    fates = {g["person"].id: g["fate"] for g in generated}
    assert row["may_work_today"] == sum(1 for pid in per_person if fates[pid] == "clean")
    assert body["total"]["people"] == row["people"]
