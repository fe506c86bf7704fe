"""The admin sets up a 钉钉 robot for the safety office on a tablet (the secret is shown back masked), a
reminder run fills the worker's inbox (the robot's audience does not include the worker), the delivery log
shows it, and the worker sees the bell's count and reads the message."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.e2e.helpers import SCREENSHOTS, fresh_app, make_demo_site, served, sign_in, sign_in_with_pin

SECRET = "SECe2e0123456789abcdef"


@pytest.fixture
def reminder_server(app_config):
    from tests.webapp.base_builders import make_person, make_user
    from tests.webapp.builders import make_exam
    from webapp.infra import clock
    from webapp.infra.db import database

    app = fresh_app(app_config)
    with app.app_context(), database(app).sessionmaker() as s:
        org, dept, post = make_demo_site(s, per_type=12)
        worker = make_person(s, org, "张伟", "SF001", department=dept, posts=[post], pin="2468")
        make_user(s, org, "zhangwei", ("worker",), person=worker, password=None)
        make_user(s, org, "admin", ("admin",), display_name="系统管理员")
        make_exam(
            s, org, post, now=clock.now(), title="电焊工定期考试", closes_at=clock.now() + timedelta(days=3)
        )
        s.commit()
    with served(app) as url:
        yield app, url


@pytest.mark.e2e
def test_admin_configures_a_robot_and_the_worker_reads_the_reminder_in_the_inbox(reminder_server, page):
    from webapp.reminders.service import run

    app, base = reminder_server
    sign_in(page, base, "admin")
    page.goto(f"{base}/admin/reminders/channels")
    page.click("summary:has-text('添加钉钉群机器人')")
    form = page.locator("details[open] form")
    form.locator("input[name=webhook]").fill("http://127.0.0.1:9/robot/send?access_token=abc123def456")
    form.locator("input[name=secret]").fill(SECRET)
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{base}/admin/reminders/channels")
    html = page.content()
    assert SECRET not in html and "abc123def456" not in html and "••••cdef" in html
    page.screenshot(path=str(SCREENSHOTS / "reminders-channels-768x1024.png"), full_page=True)

    run(app)

    page.goto(f"{base}/reminders/log")
    log = page.locator("#deliveries").inner_text()
    # the robot is the safety office's (安全科/人事 ticked); an exam scheduled is the worker's: inbox only
    assert "电焊工定期考试" in log and "站内消息" in log and "钉钉" not in log
    page.screenshot(path=str(SCREENSHOTS / "reminders-log-768x1024.png"), full_page=True)

    page.context.clear_cookies()
    sign_in_with_pin(page, base, "SF001", "2468")
    assert page.locator("#bell .count").inner_text() == "1"
    page.click("#bell")
    assert "已安排考试：电焊工定期考试" in page.locator("#inbox").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "reminders-inbox-768x1024.png"), full_page=True)
