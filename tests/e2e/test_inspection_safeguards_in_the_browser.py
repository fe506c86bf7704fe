"""Inspection safeguards in a real browser: a worker walks away mid-test; the inspector takes the tablet back
(password), sees the test 作答中 with no second 开始抽考, cannot close the inspection (told why in Chinese),
voids the test with a reason, then records a 三违 only after the confirmation page. 768×1024 and 390×844."""

from __future__ import annotations

import pytest

from tests.e2e.helpers import SCREENSHOTS, sign_in


def _shot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"safeguards-{name}.png"), full_page=True)


def _find(page, employee_no: str) -> None:
    page.fill("#find-code", employee_no)
    page.press("#find-code", "Enter")
    page.wait_for_url("**/people/*")


@pytest.mark.e2e
@pytest.mark.parametrize("viewport", [(768, 1024), (390, 844)], ids=["tablet", "phone"])
def test_an_abandoned_spot_test_is_voided_before_closing_and_a_violation_is_confirmed(
    inspection_server, page, viewport
):
    base = inspection_server
    size = f"{viewport[0]}x{viewport[1]}"
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    page.on("dialog", lambda d: d.accept())
    sign_in(page, base, "inspector")
    page.goto(f"{base}/inspections")
    page.select_option("select[name=department_id]", label="生产一车间")
    page.click("text=开始检查")
    page.wait_for_selector("#find-code")
    inspection_url = page.url

    # 张伟 starts the spot test and walks away; the inspector takes the tablet back.
    _find(page, "SF001")
    person_url = page.url
    page.click("#start-spot-welding")
    for digit in "2468":
        page.click(f".keypad button[data-key='{digit}']")
    page.click("#pin-submit")
    page.wait_for_selector("#question .option")
    page.click("#kiosk-hand-back")
    page.fill("#secret", "Passw0rd!")
    page.click("#hand-back-submit")
    page.wait_for_url(person_url)
    assert page.locator("#start-spot-welding").count() == 0
    assert page.locator("#resume-spot").count() == 1 and "作答中" in page.inner_text("#spot-running")
    _shot(page, f"running-{size}")

    # The inspection cannot be closed while the test runs.
    page.goto(inspection_url)
    page.click("#close-inspection")
    page.wait_for_selector(".flash")
    assert "张伟" in page.inner_text(".flash") and "作废" in page.inner_text(".flash")
    assert page.url == inspection_url
    _shot(page, f"close-refused-{size}")

    # Void it with a reason: a new test may start again.
    page.goto(person_url)
    page.fill("input[name=reason]", "作业人员被叫去抢修，未答完")
    page.click("button[id^=void-]")
    page.wait_for_selector(".flash")
    assert "已作废" in page.inner_text("#person-spot-tests")
    assert page.locator("#start-spot-welding").count() == 1
    _shot(page, f"voided-{size}")

    # 三违 for 王芳: the confirmation page first; cancelling records nothing.
    page.goto(inspection_url)
    _find(page, "SF002")
    page.click("text=违章作业")
    page.fill("textarea[name=note]", "动火作业未办理动火证")
    page.click("#record-finding")
    page.wait_for_selector("#confirm-finding")
    assert "立即停岗" in page.inner_text("#finding-warning")
    _shot(page, f"violation-confirm-{size}")
    page.click("#cancel-finding")
    page.goto(inspection_url)
    assert page.inner_text("#tally-findings") == "0"
    _find(page, "SF002")
    page.click("text=违章作业")
    page.fill("textarea[name=note]", "动火作业未办理动火证")
    page.click("#record-finding")
    page.click("#confirm-finding")
    page.wait_for_url(inspection_url)
    assert page.inner_text("#tally-findings") == "1"

    # Now the inspection closes; the report names the voided test and its reason.
    page.click("#close-inspection")
    page.wait_for_url("**/report")
    assert "已作废" in page.content() and "抢修" in page.content()
    _shot(page, f"report-{size}")
