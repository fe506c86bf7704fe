"""A shared tablet opens on 工号 + PIN. A browser becomes a tablet when it is set up with the kiosk URL
(/login/pin?org=N, bookmarked on the tablet) or when a worker signs in on it with a PIN; from then on every
way to the sign-in (the home page, signing out, an expired session) shows 工号 + PIN, and the 工号 may be
typed in any case. A desktop browser still opens on username and password."""

from __future__ import annotations

import pytest

from tests.e2e.helpers import SCREENSHOTS, fresh_app, make_demo_site, served
from tests.webapp.base_builders import TEST_PASSWORD


@pytest.fixture
def site(app_config):
    from tests.webapp.base_builders import make_user, make_worker
    from webapp.infra.db import database

    app = fresh_app(app_config)
    with app.app_context(), database(app).sessionmaker() as s:
        org, dept, post = make_demo_site(s, per_type=4)
        make_worker(s, org, "w1", post, department=dept, pin="1234", employee_no="SF004")
        make_user(s, org, "t1", ("trainer",))
        s.commit()
        org_id = org.id
    with served(app) as url:
        yield url, org_id


def test_a_tablet_set_up_with_the_kiosk_url_opens_on_employee_number_and_pin(page, site):
    base, org_id = site
    page.goto(f"{base}/")
    assert page.locator("input[name=username]").is_visible()  # a desktop: username and password

    page.goto(f"{base}/login/pin?org={org_id}")  # the tablet is set up once
    page.goto(f"{base}/")
    page.wait_for_url(f"{base}/login/pin**")
    assert page.locator("input[name=employee_no]").is_visible()
    assert page.locator("input[name=username]").count() == 0
    page.screenshot(path=str(SCREENSHOTS / "tablet-sign-in.png"), full_page=True)

    page.fill("input[name=employee_no]", "sf004")  # the tablet's keyboard gave lower case
    page.fill("input[name=pin]", "1234")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    assert "w1" in page.content()

    page.click("form[action$='/logout'] button")
    page.wait_for_url(f"{base}/login/pin**")
    assert page.locator("input[name=employee_no]").is_visible()

    page.click("text=用用户名和密码登录")  # a trainer on the same tablet
    page.fill("input[name=username]", "t1")
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    page.screenshot(path=str(SCREENSHOTS / "tablet-trainer-signed-in.png"), full_page=True)


def test_a_wrong_pin_on_the_tablet_says_how_many_tries_are_left(page, site):
    base, org_id = site
    page.goto(f"{base}/login/pin?org={org_id}")
    page.fill("input[name=employee_no]", "SF004")
    page.fill("input[name=pin]", "0000")
    page.click("button[type=submit]")
    alert = page.locator("[role=alert]")
    assert "还可尝试 4 次" in alert.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "tablet-tries-left.png"), full_page=True)
