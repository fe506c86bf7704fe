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
