"""逢查必考, the whole loop in a real browser at tablet size: an inspector opens an inspection, starts a spot
test for a certified worker, the worker fails it on the inspector's tablet, the inspection shows the result,
the certificate's verify page now says suspended (make-up due); the trainer schedules the make-up, the
worker passes it on a tablet, and the verify page says valid again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.e2e.helpers import (
    SCREENSHOTS,
    fresh_app,
    hand_back,
    make_demo_site,
    served,
    sign_in,
    sign_in_with_pin,
)


@pytest.fixture
def loop_server(app_config, tmp_path):
    """A served app (real clock) with 张三丰 (工号 SF001, PIN 1234) certified for 电焊工 through the
    certificates service, an inspector granted the enterprise, and a trainer."""
    from quizbank import rules
    from tests.webapp.base_builders import make_org, make_user, make_worker
    from tests.webapp.builders import make_grant, make_training
    from webapp.certs import service as certificates
    from webapp.infra import clock
    from webapp.infra.db import database
    from webapp.standing.service import record_event

    app = fresh_app(app_config)
    with app.app_context(), database(app).sessionmaker() as s:
        org, dept, post = make_demo_site(s)
        worker = make_worker(s, org, "w1", post, department=dept, pin="1234", employee_no="SF001")
        worker.person.name = "张三丰"
        today = clock.today()
        make_training(s, worker.person, "welding", on=today - timedelta(days=38))  # 40, 39 and 38 days ago
        record_event(
            s, worker.person, rules.ExamTaken(today - timedelta(days=30), "qualification", passed=True, post="welding"),
            recorded_by=None,
        )  # fmt: skip
        cert = certificates.issue(s, worker.person, post, on=today - timedelta(days=30))
        make_user(s, org, "t1", ("trainer",), display_name="培训管理员 周敏")
        regulator = make_org(s, "应急管理局")
        inspector = make_user(s, regulator, "insp1", ("inspector",), display_name="检查员 郑强")
        make_grant(s, inspector, org)
        s.commit()
        token, org_id = cert.token, org.id
    with served(app) as url:
        yield {"url": url, "token": token, "app": app, "org_id": org_id}


def _key(app, attempt_id: int) -> list[list[int]]:
    """The right choices (paper positions) per question, in paper order: read from the database, since
    no page ever shows the key before submit."""
    from webapp.bank.models import Question
    from webapp.exams.models import Attempt
    from webapp.infra.db import database

    with database(app).sessionmaker() as s:
        attempt = s.get(Attempt, attempt_id)
        return [sorted(e["order"].index(i) for i in s.get(Question, e["pk"]).answer) for e in attempt.layout]


def _latest_attempt(app, kind: str) -> int:
    from webapp.exams.models import Attempt
    from webapp.infra.db import database

    with database(app).sessionmaker() as s:
        return s.scalar(select(Attempt.id).where(Attempt.kind == kind).order_by(Attempt.id.desc()))


def _answer_all(page, key: list[list[int]], *, right: bool) -> None:
    for n, choices in enumerate(key):
        page.wait_for_selector(f"#navigator button:nth-child({n + 1}).current")
        picks = choices if right else [next(i for i in range(2) if [i] != choices)]
        for i in picks:
            page.locator("#question .option").nth(i).click()
            page.wait_for_function("() => document.getElementById('save-state').textContent === '已保存'")
        if n + 1 < len(key):
            page.click("#next")
    page.click("#submit")
    page.wait_for_selector("#confirm[open]")
    page.click("#confirm-yes")


def _sign_out(page) -> None:
    page.click("header .who button[type=submit]")
    page.wait_for_url("**/login**")


@pytest.mark.e2e
def test_a_failed_spot_test_suspends_the_certificate_until_the_make_up_is_passed(loop_server, page):
    base, token, app = loop_server["url"], loop_server["token"], loop_server["app"]
    verify = f"{base}/verify/{token}"

    page.goto(verify)
    assert page.locator("[data-status]").get_attribute("data-status") == "valid"
    assert "张*丰" in page.content() and "张三丰" not in page.content()
    page.screenshot(path=str(SCREENSHOTS / "verify-valid.png"), full_page=True)

    # The inspector opens an inspection of the worker's department and finds them by employee number.
    sign_in(page, base, "insp1")
    page.click("text=现场检查")
    page.select_option("select[name=department_id]", label="生产一车间")
    page.click("text=开始检查")
    page.wait_for_selector("#find-code")
    page.fill("#find-code", "SF001")
    page.click(".findbar button[type=submit]")
    page.wait_for_selector("#start-spot-welding")
    page.screenshot(path=str(SCREENSHOTS / "loop-inspection-person.png"), full_page=True)
    page.click("#start-spot-welding")

    # Kiosk: the worker confirms with the PIN on the keypad and fails the spot test.
    for digit in "1234":
        page.click(f".keypad button[data-key='{digit}']")
    page.click("#pin-submit")
    page.wait_for_selector("#question .option")
    page.screenshot(path=str(SCREENSHOTS / "loop-kiosk-question.png"), full_page=True)
    _answer_all(page, _key(app, _latest_attempt(app, "spot")), right=False)
    page.wait_for_selector("#verdict")
    assert page.inner_text("#verdict") == "不合格"
    page.screenshot(path=str(SCREENSHOTS / "loop-kiosk-failed.png"), full_page=True)

    # Handed back: the inspection shows the result.
    hand_back(page)
    page.click("text=← 返回检查")
    results = page.locator("#spot-results")
    assert "张三丰" in results.inner_text() and "不合格" in results.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "loop-inspection-result.png"), full_page=True)

    # The certificate is now suspended, the make-up named as the reason; the inspector sees what is owed.
    page.goto(verify)
    assert page.locator("[data-status]").get_attribute("data-status") == "suspended"
    banner = page.inner_text(".verdict-banner")
    assert "暂停" in banner and "补考" in banner
    assert "应完成事项" in page.content()
    page.screenshot(path=str(SCREENSHOTS / "verify-suspended-inspector.png"), full_page=True)
    _sign_out(page)

    # The trainer schedules the make-up for the post.
    sign_in(page, base, "t1")
    page.goto(f"{base}/exams/schedule")
    page.fill("input[name=title]", "电焊工补考")
    page.select_option("select[name=post]", value="welding")
    page.select_option("select[name=kind]", value="makeup")
    page.click("form button[type=submit].primary")
    page.wait_for_selector("text=考试已安排")
    _sign_out(page)

    # The worker signs in on a tablet with 工号 + PIN and passes the make-up.
    sign_in_with_pin(page, base, "SF001", "1234", organisation_id=loop_server["org_id"])
    page.click("text=开始考试")
    page.wait_for_selector("#question .option")
    _answer_all(page, _key(app, _latest_attempt(app, "makeup")), right=True)
    page.wait_for_url("**/result")
    assert page.locator(".verdict").inner_text() == "合格"
    page.click("text=我的证书")
    page.wait_for_selector(".cert-card img.qr")
    assert page.locator(".cert-card .status-tag").first.inner_text() == "有效"
    page.wait_for_function(
        "() => document.querySelector('.cert-card img.qr').naturalWidth > 0"
    )  # the QR loaded
    page.screenshot(path=str(SCREENSHOTS / "my-certificates.png"), full_page=True)
    _sign_out(page)

    page.goto(verify)
    assert page.locator("[data-status]").get_attribute("data-status") == "valid"
    assert page.inner_text(".verdict-banner .word") == "有效"
    page.screenshot(path=str(SCREENSHOTS / "verify-valid-again.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SCREENSHOTS / "verify-valid-phone.png"), full_page=True)
