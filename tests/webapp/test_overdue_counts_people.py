"""逾期未办 on the HR and the inspector's boards counts people: a person short on two posts is one person
overdue, while the click-through list keeps a line per post with what is overdue there."""

from __future__ import annotations

import re
from datetime import date

import pytest

from quizbank import rules
from tests.webapp.base_builders import make_department, make_org, make_person, make_post, make_user
from tests.webapp.builders import make_grant, signed_in
from tests.webapp.standing_builders import add_event, qualify


@pytest.fixture
def plant(db):
    """On 2025-03-03: 甲两岗 (电焊工 and 叉车司机) and 乙一岗 (电焊工) had no 2024 再培训 — overdue on every post
    they hold; 丙按时 had theirs."""
    org = make_org(db, "甲企业")
    dept = make_department(db, org, "一车间")
    welding, forklift = make_post(db, "welding", "电焊工"), make_post(db, "forklift", "叉车司机")
    two = make_person(db, org, "甲两岗", "E001", department=dept, posts=[welding, forklift])
    one = make_person(db, org, "乙一岗", "E002", department=dept, posts=[welding])
    fine = make_person(db, org, "丙按时", "E003", department=dept, posts=[welding])
    for person in (one, fine):
        qualify(db, person, "welding", on=date(2023, 3, 1))
    add_event(db, two, rules.Hired(on=date(2023, 3, 1), post="welding"))  # hired on both posts at once
    add_event(db, two, rules.PostAssigned(on=date(2023, 3, 1), post="forklift"))
    for level in ("factory", "workshop", "team"):
        add_event(
            db, two, rules.TrainingCompleted(on=date(2023, 3, 1), level=level, hours=24, session_id=level)
        )
    for code in ("welding", "forklift"):
        add_event(db, two, rules.ExamTaken(on=date(2023, 3, 2), kind="qualification", passed=True, post=code))
    for year in (2024, 2025):
        add_event(
            db,
            fine,
            rules.TrainingCompleted(on=date(year, 1, 10), level="periodic", hours=8, session_id=f"y{year}"),
        )
    make_user(db, org, "hr1", ("hr",))
    inspector = make_user(db, make_org(db, "应急管理局"), "insp", ("inspector",))
    make_grant(db, inspector, org)
    db.commit()
    return {"org": org.id}


def _figure(html: str, element_id: str) -> int:
    return int(re.search(rf'id="{element_id}"><strong>(\d+)</strong>', html).group(1))


def test_a_person_overdue_on_two_posts_counts_once_on_the_hr_and_inspector_boards(app, plant):
    hr = signed_in(app, "hr1")
    assert _figure(hr.get("/").get_data(as_text=True), "fig-overdue") == 2
    inspector_home = signed_in(app, "insp").get("/").get_data(as_text=True)
    assert _figure(inspector_home, f"fig-overdue-{plant['org']}") == 2


def test_the_overdue_list_keeps_a_line_per_post_with_what_is_overdue_there(app, plant):
    for client, url in (
        (signed_in(app, "hr1"), "/dashboard/people?list=overdue"),
        (signed_in(app, "insp"), f"/dashboard/people?list=overdue&org={plant['org']}"),
    ):
        html = client.get(url).get_data(as_text=True)
        rows = re.findall(r"<tr><td>(E\d+)</td>.*?<td>([^<]+)</td>\s*<td><span", html, re.S)
        assert sorted(rows) == sorted([("E001", "电焊工"), ("E001", "叉车司机"), ("E002", "电焊工")]), url
        assert html.count("补足 2024 年度再培训学时") == 3 and "丙按时" not in html
        assert re.search(r'id="list-count">2 人，3 项', html)
    api = signed_in(app, "hr1").get("/api/v1/dashboard").get_json()
    assert sorted((x["employee_no"], x["post"]) for x in api["overdue"]) == sorted(
        [("E001", "电焊工"), ("E001", "叉车司机"), ("E002", "电焊工")]
    )
