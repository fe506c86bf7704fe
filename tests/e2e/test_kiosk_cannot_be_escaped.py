"""The spot-test kiosk in a real browser: once the inspector hands the tablet over, the Back button, a typed URL
and a script's API call all land on the kiosk or a refusal; the inspector's pages come back only after the
inspector's password on the hand-back page. Screenshots at 768×1024 and 390×844."""

from __future__ import annotations

import pytest

from tests.e2e.helpers import SCREENSHOTS, sign_in


def _shot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"kiosk-{name}.png"), full_page=True)


def _open_person_page(page, base: str) -> str:
    sign_in(page, base, "inspector")
    page.goto(f"{base}/inspections")
    page.select_option("select[name=department_id]", label="生产一车间")
    page.click("text=开始检查")
    page.wait_for_selector("#find-code")
    page.fill("#find-code", "SF001")
    page.press("#find-code", "Enter")
    page.wait_for_url("**/people/*")
    return page.url


def _api_finding_status(page, base: str, person_page: str) -> int:
    """A script on the tablet tries to record a 三违 through the API with the page's CSRF token."""
    inspection_id = int(person_page.split("/inspections/")[1].split("/")[0])
    return page.evaluate(
        """async ([url]) => {
            const csrf = document.querySelector('meta[name=csrf-token]').content;
            const r = await fetch(url, {method: 'POST', credentials: 'same-origin',
              headers: {'Content-Type': 'application/json', 'X-CSRFToken': csrf, 'Accept': 'application/json'},
              body: JSON.stringify({person_id: 2, category: '违章作业', note: '脚本', confirm: true})});
            return r.status;
        }""",
        [f"{base}/api/v1/inspections/{inspection_id}/findings"],
    )


@pytest.mark.e2e
@pytest.mark.parametrize("viewport", [(768, 1024), (390, 844)], ids=["tablet", "phone"])
def test_the_back_button_a_typed_url_and_the_api_all_land_on_the_kiosk_until_the_inspector_signs_in(
    inspection_server, page, viewport
):
    base = inspection_server
    size = f"{viewport[0]}x{viewport[1]}"
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    person_page = _open_person_page(page, base)
    assert page.locator("#record-finding").count() == 1

    page.click("#start-spot-welding")
    page.wait_for_selector("#pin")
    # The Back button from the PIN page lands on the PIN page again, without the inspector's controls.
    page.go_back()
    page.wait_for_selector("#pin")
    assert "/spot-test" in page.url
    assert page.locator("#record-finding").count() == 0 and page.locator(".mainnav").count() == 0
    _shot(page, f"pin-after-back-{size}")

    for digit in "2468":
        page.click(f".keypad button[data-key='{digit}']")
    page.click("#pin-submit")
    page.wait_for_selector("#question .option")
    kiosk_url = page.url
    page.locator("#question .option").first.click()
    page.wait_for_function("() => document.getElementById('save-state').textContent === '已保存'")

    # Back, twice, and a typed URL of the person page: still the paper.
    for _ in range(2):
        page.go_back()
        page.wait_for_selector("#question .option")
        assert page.url == kiosk_url
    page.goto(person_page)
    page.wait_for_selector("#question .option")
    assert page.url == kiosk_url and page.locator("#record-finding").count() == 0
    _shot(page, f"paper-after-back-{size}")
    # A script's API call is refused by the server.
    assert _api_finding_status(page, base, person_page) == 403

    # Hand in, then hand back: a wrong password keeps the kiosk, the inspector's password ends it.
    page.click("#submit")
    page.wait_for_selector("#confirm[open]")
    page.click("#confirm-yes")
    page.wait_for_url("**/result")
    page.go_back()
    page.wait_for_url("**/result")
    page.click("#hand-back")
    page.wait_for_selector("#secret")
    page.fill("#secret", "2468")
    page.click("#hand-back-submit")
    page.wait_for_selector("[role=alert]")
    assert "不正确" in page.inner_text("[role=alert]")
    _shot(page, f"hand-back-wrong-{size}")
    page.goto(person_page)
    assert page.locator("#record-finding").count() == 0
    page.click("#hand-back")
    page.fill("#secret", "Passw0rd!")
    page.click("#hand-back-submit")
    page.wait_for_url(person_page)
    assert page.locator("#record-finding").count() == 1
    _shot(page, f"handed-back-{size}")
