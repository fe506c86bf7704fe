"""An inspector's tablet (768×1024): open an inspection, see the department's people with their standing and a
suggested sample, find a worker by 工号, start a spot test, the worker enters the PIN and answers (fails on
purpose), hands back; the inspection shows the result and the worker's standing shows 补考 due; record a 三违;
close and download the report as PDF and Excel."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from tests.e2e.helpers import SCREENSHOTS, WORKERS, hand_back, sign_in


def _shot(page, name: str, full: bool = True) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"inspection-{name}.png"), full_page=full)


@pytest.mark.e2e
def test_an_inspector_spot_tests_a_worker_who_fails_records_a_violation_and_closes_with_a_report(
    inspection_server, page
):
    base = inspection_server
    page.on("dialog", lambda d: d.accept())
    sign_in(page, base, "inspector")

    # Open an inspection at the department.
    page.goto(f"{base}/inspections")
    page.select_option("select[name=department_id]", label="生产一车间")
    page.fill("input[name=note]", "动火作业专项检查")
    _shot(page, "open")
    page.click("text=开始检查")
    page.wait_for_url("**/inspections/*")
    inspection_url = page.url
    for name, _ in WORKERS:
        assert page.locator("#people").get_by_text(name).count() == 1
    assert page.locator("#people .badge.ok").count() == len(WORKERS)
    assert page.locator(".sample a").count() >= 2
    _shot(page, "people")

    # Find 张伟 by 工号 (as a hardware scanner would type it, ending with Enter) and start the spot test.
    page.fill("#find-code", "SF001")
    page.press("#find-code", "Enter")
    page.wait_for_url("**/people/*")
    assert "合格在岗" in page.content()
    start = page.locator("#start-spot-welding")
    assert start.bounding_box()["height"] >= 48
    start.click()

    # The worker confirms with the PIN on the keypad.
    page.wait_for_selector("#pin")
    assert "请 张伟" in page.inner_text(".pin-card")
    for digit in "2468":
        page.click(f".keypad button[data-key='{digit}']")
    _shot(page, "pin")
    page.click("#pin-submit")
    page.wait_for_selector("#question .option")

    # Answer every question wrong on purpose, then hand in.
    total = page.locator("#navigator button").count()
    assert total == 10
    for i in range(total):
        page.locator("#question .option", has_text="丁").or_(
            page.locator("#question .option", has_text="错误")
        ).first.click()
        page.wait_for_function("() => document.getElementById('save-state').textContent === '已保存'")
        if i == 0:
            _shot(page, "kiosk-question")
        if i < total - 1:
            page.click("#next")
    page.click("#submit")
    page.wait_for_selector("#confirm[open]")
    page.click("#confirm-yes")
    page.wait_for_url("**/result")
    assert page.inner_text("#verdict") == "不合格"
    _shot(page, "kiosk-result")

    # Hand back: the worker's standing now shows the make-up due within 7 days.
    hand_back(page)
    standing = page.inner_text(".standing")
    assert "待补考" in standing and "补考" in standing and "期限" in standing
    _shot(page, "worker-makeup-due")

    # The inspection shows the result in the tally and the list.
    page.goto(inspection_url)
    assert page.inner_text("#tally-failed") == "1"
    assert "不合格" in page.inner_text("#spot-results")
    # A make-up owed keeps the worker off the post until it is passed (DESIGN §3): a red badge.
    assert page.locator("#people li", has_text="张伟").locator(".badge.bad").count() == 1

    # Record a 三违 for 王芳.
    page.fill("#find-code", "SF002")
    page.press("#find-code", "Enter")
    page.wait_for_url("**/people/*")
    page.click("text=违章作业")
    page.fill("textarea[name=note]", "动火作业未办理动火证")
    _shot(page, "violation")
    page.click("#record-finding")
    page.wait_for_selector("#confirm-finding")
    assert "立即停岗" in page.inner_text("#finding-warning")
    _shot(page, "violation-confirm")
    page.click("#confirm-finding")
    page.wait_for_url(inspection_url)
    assert page.inner_text("#tally-findings") == "1"
    assert page.locator("#people li", has_text="王芳").locator(".badge.bad").count() == 1
    _shot(page, "after")

    # Close and download the report.
    page.click("#close-inspection")
    page.wait_for_url("**/report")
    assert "检查报告" in page.content() and "动火作业未办理动火证" in page.content()
    _shot(page, "report")
    with page.expect_download() as pdf_download:
        page.click("#download-pdf")
    pdf = Path(pdf_download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    with page.expect_download() as xlsx_download:
        page.click("#download-xlsx")
    book = openpyxl.load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes()))
    rows = list(book["抽考结果"].iter_rows(min_row=2, values_only=True))
    assert rows[0][0] == "张伟" and rows[0][5] == "不合格"
    (SCREENSHOTS / "inspection-report.pdf").write_bytes(pdf)
