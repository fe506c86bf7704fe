"""Users have an optional, checked e-mail address (admin user form, roster column 邮箱), and the e-mail channel
sends a person's reminders to the worker's and the department head's own address when its audience includes
them — besides the safety office's configured addresses — through a real SMTP server on loopback. Whoever has
no address is named in the delivery log, never dropped silently."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.webapp.admin_builders import admin_world
from tests.webapp.bank_builders import xlsx
from tests.webapp.base_builders import make_department, make_org, make_person, make_post, make_user
from tests.webapp.builders import fresh, make_exam, signed_in
from tests.webapp.reminder_builders import make_channel
from tests.webapp.reminder_receivers import SmtpSink
from webapp.admin.models import AuditEntry
from webapp.org.models import Person, User
from webapp.org.service import clean_email
from webapp.reminders.models import Delivery, NotificationChannel
from webapp.reminders.service import run

# --- the address itself ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (" Zhang.San+safety@Example.COM ", "Zhang.San+safety@example.com"),
        ("li＠plant.cn", "li@plant.cn"),  # a full-width ＠ typed on a Chinese keyboard
        ("", None),
    ],
)
def test_an_address_is_trimmed_and_its_domain_lower_cased(typed, stored):
    assert clean_email(typed) == stored


@pytest.mark.parametrize(
    "bad", ["zhangsan", "a@b", "a b@plant.cn", "a@@plant.cn", "a@plant..cn", "a@b.c1", "x@y.cn;z@w.cn"]
)
def test_a_malformed_address_is_refused_in_chinese(bad):
    with pytest.raises(ValueError, match="电子邮箱.*格式不对"):
        clean_email(bad)


# --- the admin's user form -----------------------------------------------------------------------------------


@pytest.fixture
def world(db, client):
    w = admin_world(db)
    client.sign_in("admin1")
    return w


def test_the_admin_gives_a_new_user_an_email_and_changes_it_with_an_audit_entry(db, client, world):
    r = client.post("/admin/users/new", data={"username": "hr.li", "display_name": "李人事", "roles": ["hr"],
                                              "email": "Li@Plant.CN"})  # fmt: skip
    assert r.status_code == 200
    db.rollback()
    user = db.scalar(select(User).where(User.username == "hr.li"))
    assert user.email == "Li@plant.cn"
    r = client.post(f"/admin/users/{user.id}", data={"display_name": "李人事", "roles": ["hr"], "active": "y",
                                                     "email": "li.ren@plant.cn"})  # fmt: skip
    assert r.status_code == 302
    db.rollback()
    assert db.get(User, user.id).email == "li.ren@plant.cn"
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "user_changed"))
    assert (entry.data["before"]["email"], entry.data["after"]["email"]) == ("Li@plant.cn", "li.ren@plant.cn")
    page = client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert 'type="email"' in page and 'value="li.ren@plant.cn"' in page


def test_a_malformed_email_on_the_user_form_is_refused_at_the_field_and_nothing_changes(db, client, world):
    r = client.post(f"/admin/users/{world['trainer']}", data={"display_name": "培训员", "roles": ["trainer"],
                                                              "active": "y", "email": "trainer at plant"})  # fmt: skip
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    field = html.split('name="email"', 1)[1].split("</label>", 1)[0]
    assert "电子邮箱“trainer at plant”格式不对" in field
    db.rollback()
    assert db.get(User, world["trainer"]).email is None


# --- the roster's 邮箱 column -----------------------------------------------------------------------------------

HEADER = ["工号", "姓名", "部门", "岗位", "用工形式", "入职日期", "身份证号", "手机", "邮箱", "PIN"]


@pytest.fixture
def roster_org(db):
    org = make_org(db, "甲企业")
    make_post(db, "welding", "电焊工")
    make_department(db, org, "一车间")
    make_user(db, org, "hr", ("hr",))
    db.commit()
    return org


def _upload(client, rows):
    data = {"file": (io.BytesIO(xlsx(rows, "花名册")), "roster.xlsx")}
    return client.post("/roster/import", data=data, content_type="multipart/form-data")


def test_the_rosters_email_column_goes_on_the_workers_account(client, db, roster_org):
    existing = make_person(db, roster_org, "王五", "E3")
    make_user(db, roster_org, "E3", ("worker",), person=existing)
    db.commit()
    client.sign_in("hr")
    r = _upload(client, [HEADER, ["E1", "张三", "一车间", "电焊工", "正式", None, None, None, "zhangsan@plant.cn", None],
                         ["E2", "李四", "一车间", "电焊工", "正式", None, None, None, None, None],
                         ["E3", "王五", "一车间", "电焊工", "正式", None, None, None, "wangwu@plant.cn", None]])  # fmt: skip
    token = r.location.rsplit("/", 1)[1]
    assert client.post(f"/roster/import/{token}/commit").status_code == 200
    fresh(db)
    emails = dict(
        db.execute(select(Person.employee_no, User.email).join(User, User.person_id == Person.id)).all()
    )
    assert emails == {"E1": "zhangsan@plant.cn", "E2": None, "E3": "wangwu@plant.cn"}


def test_a_malformed_email_in_the_roster_is_a_problem_of_its_row(client, db, roster_org):
    client.sign_in("hr")
    r = _upload(
        client,
        [HEADER, ["E1", "张三", "一车间", "电焊工", "正式", None, None, None, "zhangsan#plant.cn", None]],
    )
    html = client.get(r.location).get_data(as_text=True)
    assert re.search(r"花名册!R2</td><td>[^<]*电子邮箱“zhangsan#plant.cn”格式不对", html)


# --- e-mail reminders to people's own addresses ---------------------------------------------------------------


@pytest.fixture
def plant(db, clock):
    """一车间 with its head 车间主任 (director@plant.cn); 焊工甲 has an address, 焊工乙 has an account without
    one, 焊工丙 no account at all; an exam closing tomorrow: 考试即将截止 is for the worker, their department
    head and the safety office; 已安排考试 for the worker alone."""
    org = make_org(db, "甲企业")
    workshop = make_department(db, org, "一车间")
    post = make_post(db, "welding", "电焊工")
    a = make_person(db, org, "焊工甲", "E001", department=workshop, posts=[post])
    b = make_person(db, org, "焊工乙", "E002", department=workshop, posts=[post])
    make_person(db, org, "焊工丙", "E003", department=workshop, posts=[post])
    make_user(db, org, "wa", ("worker",), person=a).email = "jia@plant.cn"
    make_user(db, org, "wb", ("worker",), person=b)
    director = make_user(db, org, "director", ("trainer",), display_name="车间主任")
    director.email = "director@plant.cn"
    workshop.head_user_id = director.id
    make_user(db, org, "hr1", ("hr",))
    make_exam(db, org, post, now=clock(), title="电焊工定期考试", closes_at=clock() + timedelta(hours=20))
    db.commit()
    return {"org": org, "director": director, "workshop": workshop}


def email_channel(app, db, org, smtp, *, to="office@plant.cn", audience=("worker", "dept_head", "hr")):
    make_channel(app, db, org, "email", name="邮件", audience=audience, config={
        "host": "127.0.0.1", "port": str(smtp.port), "security": "none", "sender": "qb@plant.cn", "to": to,
    })  # fmt: skip
    db.commit()


def _sent(smtp) -> dict[str, list[str]]:
    """Subject (without the prefix) → the envelope's recipients."""
    return {
        s.removeprefix("【安全培训提醒】"): sorted(e)
        for s, e in zip(smtp.subjects(), smtp.envelopes, strict=True)
    }


def test_a_persons_reminder_goes_to_their_own_and_their_department_heads_address_and_the_office(
    app, db, plant
):
    with SmtpSink() as smtp:
        email_channel(app, db, plant["org"], smtp)
        run(app)
        run(app)  # once per occasion and channel
    sent = _sent(smtp)
    assert len(smtp.messages) == 6
    assert sent["焊工甲（E001） 考试即将截止：电焊工定期考试"] == [
        "director@plant.cn",
        "jia@plant.cn",
        "office@plant.cn",
    ]
    assert sent["焊工乙（E002） 考试即将截止：电焊工定期考试"] == ["director@plant.cn", "office@plant.cn"]
    # 已安排考试 is the worker's alone: to their address, and to the office as every reminder the channel carries
    assert sent["焊工甲（E001） 已安排考试：电焊工定期考试"] == ["jia@plant.cn", "office@plant.cn"]
    assert len(set(smtp.message_ids())) == 6


def test_whoever_has_no_address_is_named_in_the_delivery_log(app, db, plant):
    with SmtpSink() as smtp:
        email_channel(app, db, plant["org"], smtp)
        run(app)
    fresh(db)
    notes = {d.reminder.subject: (d.status, d.note) for d in db.scalars(select(Delivery).join(NotificationChannel)
                                                                          .where(NotificationChannel.kind == "email"))}  # fmt: skip
    assert notes["焊工甲（E001） 考试即将截止：电焊工定期考试"] == ("sent", "")
    assert notes["焊工乙（E002） 考试即将截止：电焊工定期考试"] == (
        "sent",
        "未发送给：本人 焊工乙（E002）（未登记电子邮箱）",
    )
    assert notes["焊工丙（E003） 考试即将截止：电焊工定期考试"] == (
        "sent",
        "未发送给：本人 焊工丙（E003）（没有账号）",
    )
    html = signed_in(app, "hr1").get("/reminders/log").get_data(as_text=True)
    assert "未发送给：本人 焊工乙（E002）（未登记电子邮箱）" in html


@pytest.mark.parametrize(
    ("change", "note"),
    [
        ("no_address", "未发送给：部门负责人 车间主任（director，未登记电子邮箱）"),
        ("no_head", "未发送给：部门负责人（所在部门及上级部门未设负责人）"),
    ],
)
def test_a_department_head_without_an_address_or_no_head_at_all_is_named_too(app, db, plant, change, note):
    if change == "no_address":
        plant["director"].email = None
    else:
        plant["workshop"].head_user_id = None
    db.add_all([plant["director"], plant["workshop"]])
    db.commit()
    with SmtpSink() as smtp:
        email_channel(app, db, plant["org"], smtp)
        run(app)
    assert _sent(smtp)["焊工甲（E001） 考试即将截止：电焊工定期考试"] == ["jia@plant.cn", "office@plant.cn"]
    fresh(db)
    d = db.scalars(
        select(Delivery).join(NotificationChannel).where(NotificationChannel.kind == "email")
    ).all()
    assert next(x.note for x in d if x.reminder.subject.startswith("焊工甲（E001） 考试即将截止")) == note


def test_own_addresses_are_used_only_for_the_audiences_the_channel_carries(app, db, plant):
    with SmtpSink() as smtp:
        email_channel(app, db, plant["org"], smtp, audience=("hr",))
        run(app)
    assert all(e == ["office@plant.cn"] for e in smtp.envelopes)
    assert {s.split(" ", 1)[1] for s in _sent(smtp)} == {
        "考试即将截止：电焊工定期考试"
    }  # hr is not told of 已安排考试


def test_a_channel_without_office_addresses_skips_a_reminder_nobody_can_receive_and_says_so(app, db, plant):
    with SmtpSink() as smtp:
        email_channel(app, db, plant["org"], smtp, to="", audience=("worker",))
        report = run(app)
    assert [sorted(e) for e in smtp.envelopes] == [["jia@plant.cn"], ["jia@plant.cn"]]
    assert report.skipped == 4  # 焊工乙 and 焊工丙, two reminders each
    fresh(db)
    skipped = db.scalars(select(Delivery).where(Delivery.status == "skipped")).all()
    assert len(skipped) == 4 and all(d.note.startswith("未发送给：本人 ") for d in skipped)
    html = signed_in(app, "hr1").get("/reminders/log?status=skipped").get_data(as_text=True)
    assert "无收件人" in html and "焊工丙（E003）（没有账号）" in html


def test_an_address_the_mail_server_refuses_is_noted_and_the_others_get_the_mail(app, db, plant):
    with SmtpSink(refuse=("jia@plant.cn",)) as smtp:
        email_channel(app, db, plant["org"], smtp)
        run(app)
    assert all("jia@plant.cn" not in e for e in smtp.envelopes)
    fresh(db)
    d = db.scalars(
        select(Delivery).join(NotificationChannel).where(NotificationChannel.kind == "email")
    ).all()
    x = next(x for x in d if x.reminder.subject.startswith("焊工甲（E001） 考试即将截止"))
    assert x.status == "sent" and "邮件服务器拒收：jia@plant.cn（550" in x.note


def test_an_email_channel_needs_office_addresses_or_a_personal_audience(app, db, plant):
    make_user(db, plant["org"], "admin1", ("admin",))
    db.commit()
    admin = signed_in(app, "admin1")
    form = {"kind": "email", "name": "邮件", "host": "smtp.plant.cn", "port": "465", "sender": "qb@plant.cn"}
    r = admin.post("/admin/reminders/channels", data={**form, "to": "", "audience": ["hr"]})
    page = admin.get(r.location).get_data(as_text=True)
    assert "收件人：请填写（或在接收对象中选择“本人”或“部门负责人”" in page
    r = admin.post(
        "/admin/reminders/channels",
        data={**form, "to": "safety@plant.cn, office#plant.cn", "audience": ["hr"]},
    )
    assert "收件人：电子邮箱“office#plant.cn”格式不对" in admin.get(r.location).get_data(as_text=True)
    r = admin.post("/admin/reminders/channels", data={**form, "to": "", "audience": ["worker", "dept_head"]})
    assert "已保存渠道" in admin.get(r.location).get_data(as_text=True)
