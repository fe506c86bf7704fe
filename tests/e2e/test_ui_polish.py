"""What a new user saw wrong on staff and worker pages, in a real browser at 768×1024 and 390×844: the import
form's 导入到 radios sit beside their labels; the pass-rate table shows 首考通过率 without a hidden sideways
scroll (or with a visible cue) and a complete 合计 row; a worker's special-certificate table keeps 状态 on a
phone; no browser-native English (required fields, file pickers) on an English browser; /favicon.ico is served."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.e2e.helpers import SCREENSHOTS, fresh_app, make_demo_site, served, sign_in

VIEWPORTS = [(768, 1024), (390, 844)]


@pytest.fixture
def polish_server(app_config):
    """The demo site with a trainer, an HR user with a year of results on two posts, and a worker with a
    special-operation certificate on file."""
    from tests.webapp.base_builders import make_person, make_post, make_user, make_worker
    from tests.webapp.builders import make_attempt
    from webapp.certs.service import record_special
    from webapp.infra.clock import today
    from webapp.infra.db import database

    app = fresh_app(app_config)
    with app.app_context(), database(app).sessionmaker() as s:
        org, dept, welding = make_demo_site(s, per_type=6)
        forklift = make_post(s, "forklift", "叉车司机")
        make_user(s, org, "t1", ("trainer",))
        make_user(s, org, "hr", ("hr",))
        this_year = today().replace(month=1, day=5)
        for i in range(6):
            person = make_person(s, org, f"员工{i}", f"E{i:03}", department=dept, posts=[welding, forklift])
            make_attempt(s, person, welding, on=this_year.isoformat(), passed=i % 2 == 0)
            make_attempt(
                s, person, welding, on=(this_year + timedelta(days=3)).isoformat(), passed=True, kind="makeup"
            )
            make_attempt(
                s, person, forklift, on=(this_year + timedelta(days=5)).isoformat(), passed=i % 3 != 0
            )
        worker = make_worker(s, org, "w1", welding, department=dept, pin="1234", employee_no="SF001")
        record_special(
            s, worker.person, number="T330102199001011234", kind="熔化焊接与热切割作业",
            issued=date(2023, 5, 10), review_due=None, expires=None, post_code="welding", recorded_by=None,
            on=today(),
        )  # fmt: skip
        s.commit()
    with served(app) as url:
        yield url


def _shot(page, name: str, size: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"polish-{name}-{size}.png"), full_page=True)


@pytest.mark.e2e
@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["tablet", "phone"])
def test_the_import_form_radios_sit_beside_their_labels_and_the_file_picker_speaks_chinese(
    polish_server, page, viewport
):
    size = f"{viewport[0]}x{viewport[1]}"
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    sign_in(page, polish_server, "t1")
    page.goto(f"{polish_server}/bank/import")
    _shot(page, "import-form", size)
    radios = page.locator("input[name=part]").all()
    assert len(radios) == 2
    for radio in page.locator("input[name=part]").all():
        box = radio.bounding_box()
        label = radio.locator("xpath=..").bounding_box()
        assert box["width"] <= 32 and box["height"] <= 32, box  # a radio, not a big circle
        assert (
            abs((box["y"] + box["height"] / 2) - (label["y"] + label["height"] / 2)) < 8
        )  # on its label's line
        assert box["x"] - label["x"] < 16  # at the start of the label, not centred away from it
    picker = page.locator(".file-picker").first
    assert picker.is_visible() and "选择文件" in picker.inner_text()
    assert "未选择文件" in page.inner_text(".file-name")
    page.set_input_files(
        "input[type=file]", files=[{"name": "题库.csv", "mimeType": "text/csv", "buffer": b"x"}]
    )
    assert page.inner_text(".file-name") == "题库.csv"


@pytest.mark.e2e
def test_an_english_browser_shows_chinese_validity_messages(polish_server, page):
    browser = page.context.browser
    context = browser.new_context(viewport={"width": 768, "height": 1024}, locale="en-US")
    english = context.new_page()
    try:
        sign_in(english, polish_server, "t1")
        english.goto(f"{polish_server}/bank/import")
        message = english.evaluate(
            """() => { const input = document.querySelector('input[type=file]');
                       input.form.reportValidity(); return input.validationMessage; }"""
        )
        assert message == "请选择文件。"
        english.goto(f"{polish_server}/verify")
        field = english.locator("input[required]").first
        field.evaluate("i => i.form.reportValidity()")
        assert field.evaluate("i => i.validationMessage") == "请填写此项。"
        field.fill("abc")
        assert field.evaluate("i => i.validationMessage") == ""
    finally:
        context.close()


@pytest.mark.e2e
@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["tablet", "phone"])
def test_the_pass_rate_table_shows_every_column_and_a_complete_total(polish_server, page, viewport):
    size = f"{viewport[0]}x{viewport[1]}"
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    sign_in(page, polish_server, "hr")
    page.goto(f"{polish_server}/reports/?by=post")
    page.wait_for_selector("#report tfoot")
    _shot(page, "pass-rates", size)
    box = page.locator("#report").locator("xpath=..")
    overflow = box.evaluate("b => b.scrollWidth - b.clientWidth")
    if viewport[0] >= 768:
        assert overflow <= 1, overflow  # 首考通过率 in view, no hidden sideways scroll
        first_rate = page.locator("#report thead th", has_text="首考通过率")
        assert first_rate.bounding_box()["x"] + first_rate.bounding_box()["width"] <= viewport[0]
    else:
        assert overflow <= 1 or page.locator(".scroll-cue").is_visible()  # a cue when it scrolls
    heads = page.locator("#report thead th").all_inner_texts()
    totals = page.locator("#report tfoot td").all_inner_texts()
    assert len(totals) == len(heads) - 1 and all(t.strip() for t in totals), totals
    assert totals[heads.index("参考人数") - 1] == "6"  # six people tested, each counted once over both posts


@pytest.mark.e2e
@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["tablet", "phone"])
def test_a_workers_special_certificate_keeps_its_status_on_a_phone(polish_server, page, viewport):
    size = f"{viewport[0]}x{viewport[1]}"
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    page.goto(f"{polish_server}/login/pin")
    page.fill("input[name=employee_no]", "SF001")
    page.fill("input[name=pin]", "1234")
    page.click("button[type=submit]")
    page.wait_for_url(f"{polish_server}/")
    page.goto(f"{polish_server}/me/certificates")
    _shot(page, "special-certificate", size)
    status = page.locator("td[data-label=状态]").first
    assert status.is_visible()
    if viewport[0] >= 768:
        head = page.locator("th", has_text="状态").last.bounding_box()
        assert head["x"] + head["width"] <= viewport[0], head
    else:  # a card per certificate: the 状态 line names itself
        assert status.evaluate("td => getComputedStyle(td, '::before').content") == '"状态"'
    assert page.locator(".status-tag").first.is_visible()
    tag = page.locator(".status-tag").first.bounding_box()
    assert tag["x"] + tag["width"] <= viewport[0]


@pytest.mark.e2e
def test_the_favicon_is_served(polish_server, page):
    r = page.request.get(f"{polish_server}/favicon.ico")
    assert r.status == 200 and r.headers["content-type"].startswith("image/")
    assert len(r.body()) > 100
