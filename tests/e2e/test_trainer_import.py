"""A trainer uploads a real provincial bank (省级电焊.xlsx), reads the preview, commits it and finds one of
its questions in the bank — in Chromium at tablet size (768×1024) and at desktop width."""

from __future__ import annotations

import re

import pytest

from tests.corpus import corpus_path
from tests.e2e.helpers import SCREENSHOTS, sign_in

KNOWN_STEM = "下列不属于安全生产法规性质的是"

pytestmark = pytest.mark.e2e


def test_trainer_imports_the_welding_bank_and_finds_its_questions(live_server, page):
    bank = corpus_path("excel", "省级电焊.xlsx")
    sign_in(page, live_server, "t1", then="/bank/import")

    page.set_input_files("input[name=file]", str(bank.resolve()))
    page.select_option("select[name=post]", "welding")
    page.fill("input[name=title]", "省级电焊题库")
    page.click("button:has-text('上传并预览')")
    page.wait_for_url(re.compile(r"/bank/import/[\w-]+$"))

    counts = page.locator("#counts")
    assert "594" in counts.inner_text()
    assert page.locator("#notes tr").count() >= 5  # the repeated rows are named, with their place
    assert "Sheet1!R218" in page.locator("#notes").inner_text()
    first = page.locator("#questions > li").first
    assert first.locator("li.answer").count() == 1  # the answer is marked
    page.screenshot(path=str(SCREENSHOTS / "trainer-import-preview-tablet.png"), full_page=False)

    page.click("#commit")
    page.wait_for_url(re.compile(r"/bank/review/\d+"))  # imported questions are drafts, reviewed before live
    assert "已导入 594 道题" in page.locator(".flash").inner_text()

    page.goto(f"{live_server}/bank/questions")
    page.fill("input[name=q]", KNOWN_STEM)
    page.click("button:has-text('筛选')")
    page.wait_for_load_state()
    results = page.locator("#results > li")
    assert results.count() == 1
    assert "独立性" in results.first.locator("li.answer").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "trainer-bank-search-tablet.png"), full_page=True)

    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server}/bank/")
    assert "省级电焊题库" in page.content()
    page.screenshot(path=str(SCREENSHOTS / "trainer-bank-desktop.png"), full_page=True)
