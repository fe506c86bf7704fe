"""A real server (waitress on 127.0.0.1, a free port) and a real browser (Debian's Chromium, 768×1024).

Without /usr/bin/chromium the e2e tests skip locally, and fail when CI is set."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest

from tests.e2e.helpers import SCREENSHOTS, WORKERS, fresh_app, make_demo_site, served

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def live_server(app_config):
    """The app with an open exam for worker `w1` (password TEST_PASSWORD), served by waitress."""
    from tests.webapp.base_builders import make_user, make_worker
    from tests.webapp.builders import make_exam
    from webapp.infra.clock import now
    from webapp.infra.db import database

    app = fresh_app(app_config)
    with app.app_context(), database(app).sessionmaker() as s:
        org, dept, post = make_demo_site(s)
        make_worker(s, org, "w1", post, department=dept, pin="1234", employee_no="SF001")
        make_user(s, org, "t1", ("trainer",))
        make_exam(s, org, post, now=now(), title="电焊工定期考试")
        s.commit()
    with served(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    """Chromium, started once for the tests of one file (each test gets a context of its own: `page`)."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: e2e tests cannot run on CI without it")
        pytest.skip(f"{CHROMIUM} is missing")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-gpu",
                "--no-first-run",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A page in a new browser context (no cookies, storage or cache from another test), 768×1024, zh-CN."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 768, "height": 1024}, locale="zh-CN", has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def inspection_server(app_config):
    """A served app with a department of qualified welders (PIN 2468) and an inspector granted the enterprise."""
    from tests.webapp.base_builders import make_org, make_person, make_user
    from tests.webapp.builders import make_grant
    from tests.webapp.standing_builders import qualify
    from webapp.infra.clock import today
    from webapp.infra.db import database

    app = fresh_app(app_config)
    with app.app_context(), database(app).sessionmaker() as s:
        org, dept, post = make_demo_site(s, per_type=12)
        regulator = make_org(s, "应急管理局")
        for name, no in WORKERS:
            person = make_person(s, org, name, no, department=dept, posts=[post], pin="2468")
            qualify(
                s, person, "welding", on=today() - timedelta(days=30)
            )  # the real clock: a recent qualification
        inspector = make_user(s, regulator, "inspector", ("inspector",), display_name="安全检查员 郑强")
        make_grant(s, inspector, org)
        s.commit()
    with served(app) as url:
        yield url
