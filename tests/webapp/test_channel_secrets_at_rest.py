"""Reminder channels' secrets (robot webhooks, 钉钉 signing secret, SMTP password) are sealed at rest under a
key derived from SECRET_KEY: the database never holds them in plain text, delivery still reaches the real
loopback receivers, and a secret sealed under another key is a Chinese message on the channel page and a
failed delivery, never a crash."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from tests.webapp.base_builders import make_department, make_org, make_person, make_post, make_user
from tests.webapp.builders import fresh, make_exam, signed_in
from tests.webapp.migration_builders import empty_database_app
from tests.webapp.reminder_builders import make_channel
from tests.webapp.reminder_receivers import Robot, SmtpSink
from webapp.infra.db import database
from webapp.infra.sealing import INFO, fernet_key, seal, secret_keys, unseal
from webapp.reminders.models import Delivery, NotificationChannel
from webapp.reminders.service import run

SECRET = "SECsealed0123456789"
PASSWORD = "smtpAuthCode0042"  # an 授权码


@pytest.fixture
def plant(db, clock):
    org = make_org(db, "甲企业")
    dept = make_department(db, org, "一车间")
    post = make_post(db, "welding", "电焊工")
    person = make_person(db, org, "工人甲", "E001", department=dept, posts=[post])
    make_user(db, org, "w1", ("worker",), person=person)
    make_user(db, org, "hr1", ("hr",))
    make_user(db, org, "admin1", ("admin",))
    make_exam(db, org, post, now=clock(), title="三月电焊工定期考试", closes_at=clock() + timedelta(days=5))
    db.commit()
    return {"org": org}


def _stored(app) -> dict[str, dict]:
    """The secrets column as the database holds it, by channel kind (raw SQL, no model in between)."""
    with database(app).engine.connect() as c:
        rows = c.execute(sa.text("SELECT kind, secrets FROM notification_channels")).all()
    return {kind: json.loads(value) if isinstance(value, str) else value for kind, value in rows}


def _save(admin, **fields):
    return admin.post("/admin/reminders/channels", data={"audience": ["worker", "hr"], **fields})


def test_the_key_is_hkdf_sha256_of_the_secret_key_as_design_md_says():
    # RFC 5869 by hand: no salt = 32 zero bytes; one block of output is HMAC(PRK, info || 0x01)
    prk = hmac.new(b"\0" * 32, b"test-secret", hashlib.sha256).digest()
    okm = hmac.new(prk, INFO + b"\x01", hashlib.sha256).digest()
    assert fernet_key("test-secret") == base64.urlsafe_b64encode(okm)
    token = seal("https://example.com/hook", ["test-secret"])
    assert unseal(token, ["test-secret"]) == "https://example.com/hook"
    assert unseal(token, ["another-secret"]) is None and unseal("plain text", ["test-secret"]) is None


def test_secrets_saved_on_the_channel_page_are_stored_sealed_and_still_reach_the_smtp_server_and_the_robot(
    app, db, plant
):
    admin = signed_in(app, "admin1")
    with SmtpSink(login=("qb", PASSWORD)) as smtp, Robot(secret=SECRET) as robot:
        r = _save(admin, kind="email", name="邮件", host="127.0.0.1", port=str(smtp.port), security="none",
                  username="qb", password=PASSWORD, sender="qb@example.com", to="office@example.com")  # fmt: skip
        assert r.status_code == 303
        r = _save(admin, kind="dingtalk", name="安全科钉钉群", webhook=robot.url, secret=SECRET)
        assert r.status_code == 303
        stored = _stored(app)
        raw = json.dumps(stored, ensure_ascii=False)
        assert set(stored["email"]) == {"password"} and set(stored["dingtalk"]) == {"webhook", "secret"}
        assert PASSWORD not in raw and SECRET not in raw and "t0ken" not in raw and "127.0.0.1" not in raw
        assert unseal(stored["dingtalk"]["secret"], secret_keys(app.config)) == SECRET
        report = run(app)
    fresh(db)
    assert report.sent == 3 and report.failed == 0, [d.last_error for d in db.scalars(select(Delivery))]
    assert smtp.refused_logins == 0 and smtp.subjects() == [
        "【安全培训提醒】工人甲（E001） 已安排考试：三月电焊工定期考试"
    ]
    assert robot.refused_signatures == 0 and len(robot.requests) == 1


def test_a_blank_field_keeps_the_sealed_secret_and_a_new_one_replaces_it(app, db, plant):
    admin = signed_in(app, "admin1")
    _save(
        admin,
        kind="wecom",
        name="群",
        webhook="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=first-key-1",
    )
    row = db.scalars(select(NotificationChannel).where(NotificationChannel.kind == "wecom")).one()
    _save(admin, id=row.id, name="车间群", webhook="", active="1")
    fresh(db)
    assert db.get(NotificationChannel, row.id).open_secrets(secret_keys(app.config)) == (
        {"webhook": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=first-key-1"},
        (),
    )
    _save(
        admin,
        id=row.id,
        name="车间群",
        webhook="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=second",
        active="1",
    )
    fresh(db)
    opened, _ = db.get(NotificationChannel, row.id).open_secrets(secret_keys(app.config))
    assert opened["webhook"].endswith("key=second")


def test_secrets_sealed_under_another_key_are_a_chinese_message_on_the_page_and_a_failed_delivery(
    app, db, plant
):
    with Robot(secret=SECRET) as robot:
        row = make_channel(app, db, plant["org"], "dingtalk", name="钉钉群", audience=("worker",))
        row.sealed_secrets = {
            "webhook": seal(robot.url, ["the-old-key"]),
            "secret": seal(SECRET, ["the-old-key"]),
        }
        db.commit()
        report = run(app)
    assert robot.calls == 0 and report.failed == 1 and report.sent == 1  # the inbox still gets it
    fresh(db)
    d = db.scalars(select(Delivery).where(Delivery.channel_id == row.id)).one()
    assert d.status == "failed" and d.attempts == 1
    assert "Webhook 地址、加签密钥无法解密" in d.last_error and "SECRET_KEY" in d.last_error
    assert "Webhook 地址、加签密钥无法解密" in signed_in(app, "hr1").get(
        "/reminders/log?status=failed"
    ).get_data(as_text=True)

    admin = signed_in(app, "admin1")
    page = admin.get("/admin/reminders/channels")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert (
        "已保存的Webhook 地址、加签密钥无法解密（应用的 SECRET_KEY 可能已更换），请管理员在“提醒渠道”页重新填写"
        in html
    )
    assert "已保存 无法解密" in html
    r = admin.post("/admin/reminders/channels", data={"id": row.id, "name": "钉钉群", "webhook": "", "secret": "",
                   "audience": ["worker"], "active": "1"}, follow_redirects=True)  # fmt: skip
    assert "Webhook 地址：已保存的值无法解密（应用的 SECRET_KEY 可能已更换），请重新填写" in r.get_data(
        as_text=True
    )
    fresh(db)
    assert (
        db.get(NotificationChannel, row.id).open_secrets(["the-old-key"])[0]["secret"] == SECRET
    )  # unchanged

    r = admin.post("/admin/reminders/channels", data={"id": row.id, "name": "钉钉群", "webhook": "https://x/new",
                   "secret": "SECnew", "audience": ["worker"], "active": "1"})  # fmt: skip
    assert r.status_code == 303
    fresh(db)
    assert db.get(NotificationChannel, row.id).open_secrets(secret_keys(app.config)) == (
        {"webhook": "https://x/new", "secret": "SECnew"},
        (),
    )


def test_a_key_in_secret_key_fallbacks_still_opens_and_saving_seals_again_under_the_current_key(
    app, db, plant
):
    with Robot() as robot:
        row = make_channel(app, db, plant["org"], "wecom", audience=("worker",))
        row.sealed_secrets = {"webhook": seal(robot.url, ["the-old-key"])}
        db.commit()
        app.config["SECRET_KEY_FALLBACKS"] = ["the-old-key"]
        assert run(app).sent == 2 and len(robot.requests) == 1
    admin = signed_in(app, "admin1")
    admin.post("/admin/reminders/channels", data={"id": row.id, "name": "群", "webhook": "", "audience": ["worker"],
               "active": "1"})  # fmt: skip
    fresh(db)
    token = db.get(NotificationChannel, row.id).sealed_secrets["webhook"]
    assert unseal(token, [app.config["SECRET_KEY"]]) == robot.url


def test_migration_0013_seals_the_secrets_already_stored_and_its_downgrade_opens_them(app_config, tmp_path):
    from webapp.infra.migrate import downgrade, upgrade

    hook = "https://oapi.dingtalk.com/robot/send?access_token=plain-token-1"
    with empty_database_app(app_config, tmp_path) as app:
        upgrade(app, "0012_user_email")
        with database(app).engine.begin() as c:
            c.exec_driver_sql(
                "INSERT INTO organisations (id, name, kind, high_risk, policy) VALUES (1, '甲', 'enterprise', false, '{}')"
            )
            c.execute(
                sa.text(
                    "INSERT INTO notification_channels (organisation_id, kind, name, config, secrets, audience,"
                    " active, created_at) VALUES (1, 'dingtalk', '钉钉', '{}', :secrets, '[\"hr\"]', true,"
                    " '2025-01-01 00:00:00')"
                ),
                {"secrets": json.dumps({"webhook": hook, "secret": SECRET})},
            )
        upgrade(app)
        sealed = _stored(app)["dingtalk"]
        assert hook not in json.dumps(sealed) and SECRET not in json.dumps(sealed)
        keys = secret_keys(app.config)
        assert {k: unseal(v, keys) for k, v in sealed.items()} == {"webhook": hook, "secret": SECRET}

        downgrade(app, "0012_user_email")
        assert _stored(app)["dingtalk"] == {"webhook": hook, "secret": SECRET}

        upgrade(app)
        resealed = _stored(app)["dingtalk"]
        app.config["SECRET_KEY"] = "not-the-key-it-was-sealed-under"
        with pytest.raises(RuntimeError, match="do not open under this SECRET_KEY"):
            downgrade(app, "0012_user_email")
        assert _stored(app)["dingtalk"] == resealed  # refused as a whole: nothing opened, nothing lost
