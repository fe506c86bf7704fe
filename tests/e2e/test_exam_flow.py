"""A worker sits an exam on a tablet: sign in, start, answer, reload (answers kept), submit, see the result."""

from __future__ import annotations

import pytest

from tests.e2e.helpers import SCREENSHOTS, sign_in, sign_in_with_pin


def _answered(page) -> int:
    return page.locator("#navigator button.answered").count()


@pytest.mark.e2e
def test_a_worker_sits_an_exam_reloads_midway_and_sees_the_result(live_server, page):
    sign_in(page, live_server, "w1")
    assert "电焊工定期考试" in page.content()
    page.screenshot(path=str(SCREENSHOTS / "worker-home.png"), full_page=True)

    page.click("text=开始考试")
    page.wait_for_selector("#question .option")
    total = page.locator("#navigator button").count()
    assert total > 10
    for _ in range(5):
        page.locator("#question .option").first.click()
        page.wait_for_function("() => document.getElementById('save-state').textContent === '已保存'")
        page.click("#next")
    assert _answered(page) == 5
    box = page.locator("#question .option").first.bounding_box()
    assert box["height"] >= 48
    page.screenshot(path=str(SCREENSHOTS / "exam-question.png"), full_page=True)

    page.reload()
    page.wait_for_selector("#question .option")
    assert _answered(page) == 5, "answers given before the reload must come back from the server"
    assert "剩余" in page.inner_text("#timer")

    page.locator("#question .option").first.click()
    page.wait_for_function("() => document.getElementById('save-state').textContent === '已保存'")
    page.click("#submit")
    page.wait_for_selector("#confirm[open]")
    assert f"还有 {total - 6} 题未作答" in page.inner_text("#confirm-text")
    page.screenshot(path=str(SCREENSHOTS / "exam-confirm.png"))
    page.click("#confirm-yes")
    page.wait_for_url("**/result")
    assert "逐题回顾" in page.content()
    assert page.locator(".verdict").inner_text() in ("合格", "不合格")
    page.screenshot(path=str(SCREENSHOTS / "exam-result.png"))


@pytest.mark.e2e
def test_a_failed_save_is_kept_on_the_tablet_and_sent_when_the_network_returns(live_server, page):
    sign_in_with_pin(page, live_server, "SF001", "1234")
    page.click("text=开始考试")
    page.wait_for_selector("#question .option")
    page.context.set_offline(True)
    page.locator("#question .option").nth(1).click()
    page.wait_for_selector("#save-warning:not([hidden])")
    page.screenshot(path=str(SCREENSHOTS / "exam-offline.png"))
    page.context.set_offline(False)
    page.wait_for_function(
        "() => document.getElementById('save-state').textContent === '已保存'", timeout=20000
    )
    page.reload()
    page.wait_for_selector("#question .option")
    assert _answered(page) == 1


@pytest.fixture
def exam_closing_soon(app_config):
    """Worker `w1` (工号 SF001, PIN 1234) with an exam that closes 20 seconds from now: its deadline."""
    from datetime import timedelta

    from tests.e2e.helpers import fresh_app, make_demo_site, served
    from tests.webapp.base_builders import make_worker
    from tests.webapp.builders import make_exam
    from webapp.infra.clock import now
    from webapp.infra.db import database

    app = fresh_app(app_config)
    with app.app_context(), database(app).sessionmaker() as s:
        org, dept, post = make_demo_site(s)
        make_worker(s, org, "w1", post, department=dept, pin="1234", employee_no="SF001")
        start = now()
        make_exam(s, org, post, opens_at=start - timedelta(hours=1), closes_at=start + timedelta(seconds=20))
        s.commit()
    with served(app) as url:
        yield url


@pytest.mark.e2e
def test_answers_still_being_saved_at_the_deadline_are_graded(exam_closing_soon, page):
    # A slow network: every save takes 1.2 s to leave the tablet, so at the deadline some are still queued.
    page.add_init_script(
        """(() => { const send = window.fetch;
        window.fetch = (url, opts) => opts && opts.method === "PUT"
          ? new Promise((done) => setTimeout(done, 1200)).then(() => send(url, opts)) : send(url, opts); })();"""
    )
    sign_in_with_pin(page, exam_closing_soon, "SF001", "1234")
    page.click("text=开始考试")
    page.wait_for_selector("#question .option")
    api = page.get_attribute("#exam", "data-api")
    page.wait_for_function(
        "() => document.getElementById('timer').textContent === '剩余 0:02'", timeout=30000
    )
    for _ in range(3):
        page.locator("#question .option").first.click()
        page.click("#next")
    page.wait_for_url("**/result", timeout=20000)
    saved = page.evaluate("(url) => fetch(url).then((r) => r.json()).then((a) => a.responses)", api)
    assert len(saved) == 3, "answers given before the deadline must be saved before the paper is graded"
