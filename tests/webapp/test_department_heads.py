"""部门负责人: the enterprise's admin sets and clears a department's head (a user of the same enterprise,
audit-logged), and reminders about a person reach the head of their department — or of the nearest parent
department that has one — once per occasion and channel."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.webapp.admin_builders import admin_world
from tests.webapp.base_builders import make_department, make_org, make_person, make_post, make_user
from tests.webapp.builders import fresh, make_exam, signed_in
from tests.webapp.reminder_builders import make_channel
from tests.webapp.reminder_receivers import Robot
from webapp.admin.models import AuditEntry
from webapp.org.models import Department, User
from webapp.reminders.models import Delivery, InboxMessage, NotificationChannel, Reminder
from webapp.reminders.service import run

# --- set and cleared by the admin --------------------------------------------------------------------------


@pytest.fixture
def world(db, client):
    w = admin_world(db)
    client.sign_in("admin1")
    return w


def _department(db, id_: int) -> Department:
    db.rollback()
    return db.get(Department, id_)


def test_the_admin_sets_a_department_head_by_username_and_it_is_audited_and_shown(db, client, world):
    r = client.post(f"/admin/departments/{world['workshop']}/head", data={"head": "TRAINER1"})
    assert r.status_code == 302
    assert _department(db, world["workshop"]).head_user_id == world["trainer"]
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "department_head_set"))
    assert entry.user_id == world["admin"] and entry.target == "一车间"
    assert entry.data == {"department_id": world["workshop"], "before": None, "after": "trainer1"}
    page = client.get("/admin/organisation").get_data(as_text=True)
    row = page.split(f'id="department-{world["workshop"]}"', 1)[1].split("</tr>", 1)[0]
    assert "trainer1" in row and 'value="trainer1"' in row


def test_a_department_head_is_found_by_the_employee_number_of_their_linked_person(db, client, world):
    from webapp.org.models import Organisation, Person

    person = db.get(Person, world["person"])
    head = make_user(db, db.get(Organisation, world["org"]), "zhangsan", ("worker",), person=person)
    db.commit()
    r = client.post(f"/admin/departments/{world['empty']}/head", data={"head": "e001"})
    assert r.status_code == 302
    assert _department(db, world["empty"]).head_user_id == head.id


def test_clearing_the_head_is_audited_with_who_it_was(db, client, world):
    client.post(f"/admin/departments/{world['workshop']}/head", data={"head": "trainer1"})
    r = client.post(f"/admin/departments/{world['workshop']}/head", data={"head": " "})
    assert r.status_code == 302
    assert _department(db, world["workshop"]).head_user_id is None
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "department_head_cleared"))
    assert entry.data["before"] == "trainer1" and entry.data["after"] is None


def test_a_user_of_another_enterprise_cannot_be_made_head(db, client, world):
    r = client.post(f"/admin/departments/{world['workshop']}/head", data={"head": "trainer2"})
    assert r.status_code == 409
    assert "本单位没有登录名或工号为“trainer2”的账号" in r.get_data(as_text=True)
    assert _department(db, world["workshop"]).head_user_id is None


def test_an_inactive_account_cannot_be_made_head(db, client, world):
    db.get(User, world["trainer"]).active = False
    db.commit()
    r = client.post(f"/admin/departments/{world['workshop']}/head", data={"head": "trainer1"})
    assert r.status_code == 409 and "账号已停用" in r.get_data(as_text=True)
    assert _department(db, world["workshop"]).head_user_id is None


def test_another_enterprises_department_head_cannot_be_set_nor_by_a_non_admin(db, app, client, world):
    r = client.post(f"/admin/departments/{world['other_department']}/head", data={"head": "admin1"})
    assert r.status_code == 404
    trainer = signed_in(app, "trainer1")
    r = trainer.post(f"/admin/departments/{world['workshop']}/head", data={"head": "trainer1"})
    assert r.status_code == 403
    assert _department(db, world["workshop"]).head_user_id is None


# --- reminders reach the head --------------------------------------------------------------------------------


@pytest.fixture
def plant(db, clock):
    """一车间 (head: 车间主任) above 焊接班 (no head of its own) and 装配班 (head: 班长); an exam closing
    tomorrow for everyone on the post: the worker's 已安排考试 (theirs alone) and 考试即将截止 (theirs,
    their department head's and the safety office's)."""
    org = make_org(db, "甲企业")
    workshop = make_department(db, org, "一车间")
    welding_team = make_department(db, org, "焊接班", parent=workshop)
    assembly_team = make_department(db, org, "装配班", parent=workshop)
    post = make_post(db, "welding", "电焊工")
    welder = make_person(db, org, "焊工甲", "E001", department=welding_team, posts=[post])
    fitter = make_person(db, org, "装配工乙", "E002", department=assembly_team, posts=[post])
    lead_person = make_person(db, org, "班长丙", "E003", department=assembly_team, posts=[post])
    director = make_user(db, org, "director", ("trainer",), display_name="车间主任")
    lead = make_user(db, org, "lead", ("worker",), person=lead_person)
    for p in (welder, fitter):
        make_user(db, org, f"w{p.employee_no}", ("worker",), person=p)
    make_user(db, org, "hr1", ("hr",))
    workshop.head_user_id = director.id
    assembly_team.head_user_id = lead.id
    exam = make_exam(
        db, org, post, now=clock(), title="电焊工定期考试", closes_at=clock() + timedelta(hours=20)
    )
    db.commit()
    return {"org": org, "welder": welder, "fitter": fitter, "lead": lead, "director": director, "exam": exam}


def _inbox(db, user: User) -> list[str]:
    return sorted(db.scalars(select(InboxMessage.subject).where(InboxMessage.user_id == user.id)))


def test_a_reminder_reaches_the_head_of_the_nearest_department_that_has_one_once(app, db, plant):
    run(app)
    run(app)
    fresh(db)
    # 焊接班 has no head: its parent 一车间's head hears of the welder; 装配班's own head of the fitter; the
    # head's own reminder goes up to 一车间 (a head is not their own head)
    assert _inbox(db, plant["director"]) == sorted(
        f"{who} 考试即将截止：电焊工定期考试" for who in ("班长丙（E003）", "焊工甲（E001）")
    )
    lead_inbox = _inbox(db, plant["lead"])
    assert "装配工乙（E002） 考试即将截止：电焊工定期考试" in lead_inbox
    assert not any("焊工甲" in s for s in lead_inbox)
    assert not any("已安排考试" in s for s in _inbox(db, plant["director"]))  # the worker's business alone


def test_an_inactive_head_is_passed_over_for_the_parent_departments(app, db, plant):
    db.get(User, plant["lead"].id).active = False
    db.commit()
    run(app)
    fresh(db)
    assert "装配工乙（E002） 考试即将截止：电焊工定期考试" in _inbox(db, plant["director"])


def test_a_channel_for_department_heads_only_carries_the_reminders_addressed_to_them(app, db, plant):
    with Robot() as robot:
        make_channel(app, db, plant["org"], "wecom", name="车间群", secrets={"webhook": robot.url},
                     audience=["dept_head"])  # fmt: skip
        db.commit()
        run(app)
        run(app)
    contents = sorted(r["text"]["content"].split("\n", 1)[0] for r in robot.requests)
    assert contents == sorted(
        f"【安全培训提醒】{who} 考试即将截止：电焊工定期考试"
        for who in ("焊工甲（E001）", "装配工乙（E002）", "班长丙（E003）")
    )
    fresh(db)
    kinds = db.scalars(
        select(Reminder.kind).join(Delivery, Delivery.reminder_id == Reminder.id).join(NotificationChannel)
        .where(NotificationChannel.kind == "wecom")
    ).all()  # fmt: skip
    assert set(kinds) == {"exam_closing"}


def test_the_channel_settings_offer_department_heads_as_an_audience(app, db, plant):
    make_user(db, plant["org"], "admin1", ("admin",))
    db.commit()
    admin = signed_in(app, "admin1")
    assert 'value="dept_head"' in admin.get("/admin/reminders/channels").get_data(as_text=True)
    r = admin.post("/admin/reminders/channels", data={"kind": "wecom", "name": "负责人群",
                   "webhook": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k3y0123456789",
                   "audience": ["dept_head", "nobody"]})  # fmt: skip
    assert r.status_code == 303
    fresh(db)
    row = db.scalars(select(NotificationChannel).where(NotificationChannel.kind == "wecom")).one()
    assert row.audience == ["dept_head"]
