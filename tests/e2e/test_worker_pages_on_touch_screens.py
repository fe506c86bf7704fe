"""A worker's pages on the shared tablet (768×1024) and on a phone (390×844): every control a finger taps is
at least 44px tall and wide, nothing widens the page, a row's button is not squeezed, and practice ends as
practice (not 交卷)."""

from __future__ import annotations

import pytest

from tests.e2e.helpers import SCREENSHOTS, sign_in

TAPPABLE = "a, button, summary, input:not([type=hidden]), select, textarea"

SMALL_TARGETS = """(selector) => [...document.querySelectorAll(selector)]
  .filter(el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; })
  .filter(el => { const r = el.getBoundingClientRect(); return r.height < 44 || r.width < 44; })
  .map(el => `${el.tagName} "${(el.innerText || el.name || '').trim().slice(0, 20)}"`)"""

PAGE_OVERFLOW = "() => document.scrollingElement.scrollWidth - window.innerWidth"


def _small_targets(page) -> list[str]:
    return page.evaluate(SMALL_TARGETS, TAPPABLE)


@pytest.mark.e2e
@pytest.mark.parametrize("width,height", [(768, 1024), (390, 844)])
def test_every_control_on_a_workers_pages_is_a_44px_target_without_sideways_scroll(
    live_server, page, width, height
):
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, live_server, "w1")
    for path in ("/", "/exams", "/practice", "/wrong-book", "/me/certificates"):
        page.goto(live_server + path)
        assert _small_targets(page) == [], f"{path} at {width}px"
        assert page.evaluate(PAGE_OVERFLOW) <= 0, f"{path} scrolls sideways at {width}px"

    page.goto(live_server + "/")
    start = page.locator("button:has-text('开始考试')").first.bounding_box()
    assert start["height"] < 60 and start["width"] > 80, "the button keeps its text on one line"
    page.screenshot(path=str(SCREENSHOTS / f"worker-home-{width}.png"), full_page=True)


@pytest.mark.e2e
def test_practice_feedback_links_the_section_with_a_touch_target_and_ends_as_practice(live_server, page):
    sign_in(page, live_server, "w1")
    page.goto(live_server + "/practice")
    page.locator("button:has-text('随机练习')").first.click()
    page.wait_for_selector("#question .option")
    page.locator("#question .option").first.click()
    page.click("#check")
    page.wait_for_selector("#feedback:not([hidden])")
    link = page.locator("#feedback a")
    if link.count():
        assert link.first.bounding_box()["height"] >= 44
    page.click("#submit")
    assert "确定结束练习吗" in page.inner_text("#confirm-text")
    assert "交卷" not in page.inner_text("#confirm-text")
    assert page.inner_text("#confirm-yes") == "结束练习"
