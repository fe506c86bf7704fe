"""Reminders reach people through real receivers: an SMTP server and a 钉钉 robot on loopback (no mocks of
the sending code). Each occasion goes out once per channel; a failing channel is retried with back-off;
the inbox bell counts what is unread; secrets are never shown back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.webapp.base_builders import make_department, make_org, make_person, make_post, make_user
from tests.webapp.builders import fresh, make_exam, signed_in
from tests.webapp.reminder_builders import make_channel
from tests.webapp.reminder_receivers import Robot, SmtpSink
from webapp.infra.sealing import secret_keys
from webapp.reminders.channels import dingtalk_sign
from webapp.reminders.models import Delivery, InboxMessage, NotificationChannel, Reminder
from webapp.reminders.service import run

SECRET = "SEC0123456789abcdef"


@pytest.fixture
def plant(db, clock):
    org = make_org(db, "甲企业")
    dept = make_department(db, org, "一车间")
    post = make_post(db, "welding", "电焊工")
    people = [
        make_person(db, org, f"工人{i}", f"E{i:03d}", department=dept, posts=[post]) for i in range(1, 4)
    ]
    for p in people:
        make_user(db, org, f"w{p.id}", ("worker",), person=p)
    make_user(db, org, "hr1", ("hr",))
    make_user(db, org, "admin1", ("admin",))
    exam = make_exam(
        db, org, post, now=clock(), title="三月电焊工定期考试", closes_at=clock() + timedelta(days=5)
    )
    db.commit()
    return {"org": org, "post": post, "people": people, "exam": exam}


def test_each_occasion_is_sent_once_per_channel_by_email_dingtalk_and_inbox(app, db, plant):
    with SmtpSink() as smtp, Robot(secret=SECRET) as robot:
        make_channel(app, db, plant["org"], "email", config={"host": "127.0.0.1", "port": str(smtp.port), "security": "none",
                     "sender": "qb@example.com", "to": "office@example.com"})  # fmt: skip
        make_channel(app, db, plant["org"], "dingtalk", secrets={"webhook": robot.url, "secret": SECRET})
        db.commit()
        first = run(app)
        again = run(app)
    assert (first.sent, again.sent) == (9, 0)  # 3 people × (inbox, e-mail, 钉钉)
    assert sorted(smtp.subjects()) == sorted(
        f"【安全培训提醒】工人{i}（E00{i}） 已安排考试：三月电焊工定期考试" for i in range(1, 4)
    )
    assert len(set(smtp.message_ids())) == 3
    assert robot.refused_signatures == 0 and len(robot.requests) == 3
    assert all("三月电焊工定期考试" in r["text"]["content"] for r in robot.requests)
    fresh(db)
    inbox = db.scalars(select(InboxMessage)).all()
    assert len(inbox) == 3  # the worker only: an exam scheduled is the worker's business
    assert db.scalar(select(Reminder.key).limit(1)).startswith(f"exam:{plant['exam'].id}:")


def test_dingtalk_refuses_a_wrong_signature_and_the_delivery_stays_pending_with_the_reason(app, db, plant):
    with Robot(secret=SECRET) as robot:
        make_channel(app, db, plant["org"], "dingtalk", secrets={"webhook": robot.url, "secret": "SECwrong"})
        db.commit()
        report = run(app)
    assert robot.refused_signatures == 3 and robot.requests == []
    assert report.retried == 3
    fresh(db)
    d = db.scalars(
        select(Delivery).join(NotificationChannel).where(NotificationChannel.kind == "dingtalk")
    ).first()
    assert d.status == "pending" and "310000" in d.last_error and d.attempts == 1


def test_the_dingtalk_signature_is_hmac_sha256_of_timestamp_and_secret_base64_url_encoded():
    # computed independently: printf '1700000000000\nSECx' | openssl dgst -sha256 -hmac SECx -binary | base64
    import base64
    import hashlib
    import hmac
    import urllib.parse

    raw = hmac.new(b"SECx", b"1700000000000\nSECx", hashlib.sha256).digest()
    assert dingtalk_sign("SECx", 1700000000000) == urllib.parse.quote_plus(base64.b64encode(raw).decode())


def test_a_channel_answering_500_three_times_gets_the_message_on_the_fourth_try(app, db, clock, plant):
    for p in plant["people"][1:]:
        p.active = False  # one reminder: one delivery to follow
    with Robot(fail_first=3) as robot:
        make_channel(app, db, plant["org"], "wecom", secrets={"webhook": robot.url})
        db.commit()
        outcomes = []
        for _ in range(4):
            report = run(app)
            outcomes.append((report.sent, report.retried))
            early = run(app)  # before the back-off has passed: nothing is tried
            assert early.sent == early.retried == 0
            clock.advance(minutes=10)
    assert robot.calls == 4 and len(robot.requests) == 1
    assert outcomes == [(1, 1), (0, 1), (0, 1), (1, 0)]  # the inbox at once; 钉钉... the robot on the 4th
    fresh(db)
    d = db.scalars(
        select(Delivery).join(NotificationChannel).where(NotificationChannel.kind == "wecom")
    ).one()
    assert (d.status, d.attempts, d.last_error) == ("sent", 4, "")


def test_back_off_doubles_after_each_failure():
    from webapp.reminders.delivery import backoff

    base = timedelta(minutes=1)
    assert [backoff(n, base) for n in (1, 2, 3, 4)] == [base, 2 * base, 4 * base, 8 * base]


def test_the_bell_counts_unread_messages_and_reading_them_clears_it(app, db, plant):
    run(app)
    worker = signed_in(app, f"w{plant['people'][0].id}")
    html = worker.get("/").get_data(as_text=True)
    assert 'id="bell"' in html and '<span class="count">1</span>' in html
    assert "三月电焊工定期考试" in worker.get("/inbox").get_data(as_text=True)
    worker.post("/inbox/read")
    assert '<span class="count">' not in worker.get("/").get_data(as_text=True)


def test_channel_secrets_are_never_shown_back_and_a_blank_field_keeps_them(app, db, plant):
    admin = signed_in(app, "admin1")
    r = admin.post("/admin/reminders/channels", data={"kind": "dingtalk", "name": "安全科钉钉群",
                   "webhook": "https://oapi.dingtalk.com/robot/send?access_token=abcdef123456",
                   "secret": SECRET, "audience": ["hr"]})  # fmt: skip
    assert r.status_code == 303
    page = admin.get("/admin/reminders/channels").get_data(as_text=True)
    assert SECRET not in page and "abcdef123456" not in page and "••••cdef" in page
    fresh(db)
    row = db.scalars(select(NotificationChannel).where(NotificationChannel.kind == "dingtalk")).one()
    admin.post(
        "/admin/reminders/channels",
        data={"id": row.id, "name": "安全科", "webhook": "", "secret": "", "audience": ["hr"], "active": "1"},
    )
    fresh(db)
    row = db.get(NotificationChannel, row.id)
    assert row.name == "安全科" and row.open_secrets(secret_keys(app.config))[0]["secret"] == SECRET
    assert signed_in(app, "hr1").get("/admin/reminders/channels").status_code == 403


def test_the_delivery_log_shows_each_channel_attempt_and_reason(app, db, plant):
    with Robot(fail_first=99) as robot:
        make_channel(app, db, plant["org"], "wecom", secrets={"webhook": robot.url})
        db.commit()
        run(app)
    html = signed_in(app, "hr1").get("/reminders/log?status=pending").get_data(as_text=True)
    assert "HTTP 500" in html and html.count("已安排考试") == 3


def test_serve_can_run_reminders_in_a_background_thread(app, db, plant):
    import time as _time

    from webapp.reminders.background import start

    thread = start(app, 0.001)  # every 60 ms
    try:
        deadline = _time.monotonic() + 20
        while _time.monotonic() < deadline:
            fresh(db)
            if db.scalars(select(InboxMessage)).all():
                break
            _time.sleep(0.1)
    finally:
        thread.stop.set()
        thread.join(5)
    fresh(db)
    assert len(db.scalars(select(InboxMessage)).all()) == 3


def test_a_new_handbook_version_is_reminded_once_to_who_has_not_confirmed_reading_it(app, db, clock, plant):
    from webapp.handbooks.models import Acknowledgement, Handbook, HandbookVersion

    general = Handbook(organisation_id=plant["org"].id, post_id=None, title="甲企业通用知识", draft=[])
    other_post = make_post(db, "forklift", "叉车司机")
    forklift = Handbook(
        organisation_id=plant["org"].id, post_id=other_post.id, title="叉车专业知识", draft=[]
    )
    db.add_all([general, forklift])
    db.flush()
    v1 = HandbookVersion(
        handbook_id=general.id, number=1, title="甲企业通用知识", sections=[], published_at=clock()
    )
    v2 = HandbookVersion(
        handbook_id=general.id, number=2, title="甲企业通用知识", sections=[], published_at=clock()
    )
    fv = HandbookVersion(
        handbook_id=forklift.id, number=1, title="叉车专业知识", sections=[], published_at=clock()
    )
    db.add_all([v1, v2, fv])
    db.flush()
    first, second, third = plant["people"]
    db.add(Acknowledgement(person_id=first.id, version_id=v2.id, acknowledged_at=clock()))
    db.add(Acknowledgement(person_id=second.id, version_id=v1.id, acknowledged_at=clock()))  # an old version
    db.commit()

    run(app)
    run(app)

    fresh(db)
    keys = db.scalars(select(Reminder.key).where(Reminder.kind == "handbook_ack")).all()
    # the latest version only, to who has not confirmed it; nobody holds the forklift post
    assert sorted(keys) == sorted(f"handbook:{p.id}:{v2.id}" for p in (second, third))
    inbox = db.scalars(select(InboxMessage.subject)).all()
    assert sum("甲企业通用知识》第 2 版" in s for s in inbox) == 2
