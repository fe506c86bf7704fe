"""The inspector's home page: a board per enterprise they may inspect (their own, each that granted them, a
regulator inspector's jurisdiction) with who may not work today (click-through to the list), make-ups and
overdue, the retraining backlog, certificates expiring, and their own open and recent inspections with the
spot tests' pass counts — never an enterprise they may not inspect."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.webapp.base_builders import make_department, make_org, make_person, make_post, make_user
from tests.webapp.builders import make_attempt, make_grant, signed_in
from tests.webapp.platform_builders import make_jurisdiction, make_regulator
from tests.webapp.standing_builders import qualify
from webapp.inspections.models import Finding, Inspection

NOW = datetime(2025, 3, 3, 2, 0, tzinfo=UTC)


@pytest.fixture
def world(db, clock):
    """甲企业 (the inspector's own: one welder never trained — barred); 乙企业 granted them (two qualified
    welders and one barred; an open inspection of theirs with two spot tests, one passed, and a 三违; an
    inspection of 40 days ago, too old to list); 丙企业 neither."""
    clock.set(NOW)
    post = make_post(db, "welding", "电焊工")
    own = make_org(db, "甲企业")
    make_person(db, own, "甲一", "A001", department=make_department(db, own, "甲车间"), posts=[post])
    inspector = make_user(db, own, "insp", ("inspector",))
    make_user(db, own, "trainer", ("trainer",))
    granted = make_org(db, "乙企业")
    dept = make_department(db, granted, "乙车间")
    qualified = [make_person(db, granted, f"乙{i}", f"B00{i}", department=dept, posts=[post]) for i in (1, 2)]
    for p in qualified:
        qualify(db, p, "welding")
    make_person(db, granted, "乙三", "B003", department=dept, posts=[post])
    make_grant(db, inspector, granted)
    open_one = Inspection(organisation_id=granted.id, department_id=dept.id, inspector_id=inspector.id,
                          opened_at=NOW - timedelta(hours=2))  # fmt: skip
    old_one = Inspection(organisation_id=granted.id, department_id=dept.id, inspector_id=inspector.id,
                         opened_at=NOW - timedelta(days=40), closed_at=NOW - timedelta(days=40))  # fmt: skip
    db.add_all([open_one, old_one])
    db.flush()
    make_attempt(db, qualified[0], post, on="2025-03-03", passed=True, kind="spot", inspection_id=open_one.id)
    make_attempt(
        db, qualified[1], post, on="2025-03-03", passed=False, kind="spot", inspection_id=open_one.id
    )
    db.add(Finding(organisation_id=granted.id, inspection_id=open_one.id, person_id=qualified[1].id,
                   category="违章作业", recorded_at=NOW))  # fmt: skip
    hidden = make_org(db, "丙企业")
    make_person(db, hidden, "丙一", "C001", department=make_department(db, hidden, "丙车间"), posts=[post])
    db.commit()
    return {"own": own.id, "granted": granted.id, "hidden": hidden.id, "open": open_one.id, "old": old_one.id}


def _board(html: str, org_id: int) -> str:
    return html.split(f'id="board-{org_id}"', 1)[1].split("</article>", 1)[0]


def test_the_inspector_sees_a_board_for_their_own_and_each_granted_enterprise_only(app, world):
    html = signed_in(app, "insp").get("/").get_data(as_text=True)
    assert 'id="inspector-dashboard"' in html
    assert f'id="board-{world["own"]}"' in html and f'id="board-{world["granted"]}"' in html
    assert f'id="board-{world["hidden"]}"' not in html and "丙企业" not in html
    granted = _board(html, world["granted"])
    assert re.search(rf'id="fig-barred-{world["granted"]}"><strong>1</strong>', granted)
    assert "在职 3 人 · 今日可上岗 2 人" in granted
    assert re.search(rf'id="fig-barred-{world["own"]}"><strong>1</strong>', _board(html, world["own"]))
    # the enterprise with an open inspection of theirs comes first
    assert html.index(f'id="board-{world["granted"]}"') < html.index(f'id="board-{world["own"]}"')


def test_their_open_inspection_is_listed_with_the_spot_tests_pass_counts_and_old_ones_are_not(app, world):
    granted = _board(signed_in(app, "insp").get("/").get_data(as_text=True), world["granted"])
    row = granted.split(f"#{world['open']} ", 1)[1].split("</tr>", 1)[0]
    assert "进行中" in row and 'data-tested="2" data-passed="1">1/2 人</td>' in row  # 抽考 2 人, 合格 1 人
    assert re.search(r'<td class="num">1</td>$', row.strip())  # 三违 1
    assert f"#{world['old']} " not in granted


def test_the_barred_figure_clicks_through_to_that_enterprises_list(app, world):
    insp = signed_in(app, "insp")
    r = insp.get(f"/dashboard/people?list=barred&org={world['granted']}")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "乙企业 · 今日不得上岗" in html and "乙三" in html and "乙1" not in html
    assert insp.get(f"/dashboard/expiring?org={world['granted']}").status_code == 200


@pytest.mark.parametrize(("user", "org"), [("insp", "hidden"), ("trainer", "granted")])
def test_nobody_reads_the_lists_of_an_enterprise_they_may_not_inspect(app, world, user, org):
    client = signed_in(app, user)
    assert client.get(f"/dashboard/people?list=barred&org={world[org]}").status_code == 404
    assert client.get(f"/dashboard/expiring?org={world[org]}").status_code == 404


def test_a_workers_home_has_no_dashboard_and_cannot_open_the_lists(app, db, world):
    from webapp.org.models import Organisation, Person

    own = db.get(Organisation, world["own"])
    person = db.query(Person).filter_by(employee_no="A001").one()
    make_user(db, own, "worker", ("worker",), person=person)
    db.commit()
    worker = signed_in(app, "worker")
    html = worker.get("/").get_data(as_text=True)
    assert 'id="inspector-dashboard"' not in html and 'id="dashboard"' not in html
    assert worker.get(f"/dashboard/people?list=barred&org={world['own']}").status_code == 403


def test_a_regulators_inspector_sees_the_jurisdictions_enterprises(app, db, world):
    from webapp.org.models import Organisation

    regulator = make_regulator(db)
    make_user(db, regulator, "reg-insp", ("inspector",))
    make_jurisdiction(db, regulator, db.get(Organisation, world["hidden"]), date(2025, 1, 1))
    db.commit()
    html = signed_in(app, "reg-insp").get("/").get_data(as_text=True)
    assert f'id="board-{world["hidden"]}"' in html and f'id="board-{world["granted"]}"' not in html
    assert "近 30 天您在本单位没有检查" in _board(html, world["hidden"])
