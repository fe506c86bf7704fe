"""A person holding several posts owes the hours the strictest one asks (a high-risk post: 72 pre-job, 20
annual), counted once — in the archive, the coverage table, the standing the dashboard reads, and the
reminders."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from quizbank import rules
from tests.webapp.base_builders import make_department, make_org, make_person, make_post, make_user
from tests.webapp.builders import fresh, signed_in
from tests.webapp.standing_builders import add_event
from webapp.reminders.models import Reminder
from webapp.reminders.service import run

NOW = datetime(2025, 11, 15, 2, 0, tzinfo=UTC)  # 2025-11-15 in China: within the annual reminder's lead


@pytest.fixture
def plant(db, clock):
    """A normal enterprise; 张三 holds 电焊工 (normal) and then 爆破工 (high risk), trained 24 学时 a level and
    qualified on both in 2024, with 5 periodic 学时 in 2025; 李四 holds 电焊工 alone, with the same hours."""
    clock.set(NOW)
    org = make_org(db, "甲企业")
    dept = make_department(db, org, "一车间")
    welding = make_post(db, "welding", "电焊工")
    blasting = make_post(db, "blasting", "爆破工", risk="high")
    zhang = make_person(db, org, "张三", "E001", department=dept, posts=[welding, blasting])
    li = make_person(db, org, "李四", "E002", department=dept, posts=[welding])
    hired = date(2024, 3, 1)
    for p, posts in ((zhang, ("welding", "blasting")), (li, ("welding",))):
        add_event(db, p, rules.Hired(on=hired, post=posts[0]))
        for code in posts[1:]:
            add_event(db, p, rules.PostAssigned(on=hired, post=code))
        for lv in ("factory", "workshop", "team"):
            add_event(db, p, rules.TrainingCompleted(on=hired, level=lv, hours=24, session_id=f"{p.id}{lv}"))
        for i, code in enumerate(posts):
            add_event(db, p, rules.ExamTaken(on=date(2024, 3, 2), kind="qualification", passed=True,
                                             attempt_id=f"{p.id}-{i}", post=code))  # fmt: skip
        add_event(db, p, rules.TrainingCompleted(on=date(2025, 5, 1), level="periodic", hours=5,
                                                 session_id=f"{p.id}p"))  # fmt: skip
    make_user(db, org, "hr1", ("hr",))
    db.commit()
    return {"org": org, "zhang": zhang, "li": li}


def test_the_archive_owes_the_high_risk_posts_20_annual_hours_once(app, plant):
    body = signed_in(app, "hr1").get(f"/api/v1/people/{plant['zhang'].id}/archive").get_json()
    owed = next(o for o in body["hours_owed"] if o["year"] == 2025)
    assert [(ln["kind"], ln["required"], ln["recorded"], ln["short"]) for ln in owed["lines"]] == [
        ("annual", 20, 5, 15)
    ]
    owed_2024 = next(o for o in body["hours_owed"] if o["year"] == 2024)
    assert [(ln["kind"], ln["required"], ln["recorded"]) for ln in owed_2024["lines"]] == [("prejob", 72, 72)]


def test_the_coverage_table_counts_the_person_under_the_post_that_decides_with_its_hours(app, plant):
    html = signed_in(app, "hr1").get("/records/coverage?year=2025").get_data(as_text=True)
    rows = {
        cells[1]: cells[2:5]
        for cells in (
            [c.split(">", 1)[1].split("<", 1)[0] for c in row.split("<td")[1:]]
            for row in html.split('id="coverage"', 1)[1].split("<tbody>", 1)[1].split("</tr>")[:-1]
        )
    }
    assert rows == {"爆破工": ["1", "20", "5"], "电焊工": ["1", "8", "5"]}
    assert "<strong>18</strong><span>合计尚差学时" in html  # 张三 15 + 李四 3


def test_the_standing_on_the_high_risk_post_owes_20_annual_hours_in_a_normal_enterprise(app, plant):
    body = signed_in(app, "hr1").get(f"/api/v1/people/{plant['zhang'].id}/standing?post=blasting").get_json()
    (annual,) = [o for o in body["owed"] if o["kind"] == "annual_training"]
    assert annual["hours_remaining"] == 15 and "不少于 20 学时" in annual["description"]


def test_one_annual_hours_reminder_goes_out_for_the_strictest_posts_shortfall(app, db, plant):
    run(app)
    fresh(db)
    subjects = db.scalars(
        select(Reminder.subject).where(Reminder.kind == "hours_owed").order_by(Reminder.subject)
    ).all()
    assert subjects == ["张三（E001） 2025 年度再培训还差 15 学时", "李四（E002） 2025 年度再培训还差 3 学时"]
