"""A real server (waitress on 127.0.0.1, a free port) and a real browser (Debian's Chromium, 768×1024).

Without /usr/bin/chromium the e2e tests skip locally, and fail when CI is set."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest

from tests.e2e.helpers import SCREENSHOTS, fresh_app, served

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def live_server(app_config):
    """The app with an open exam for worker `w1` (password TEST_PASSWORD), served by waitress."""
    from webapp.clock import now
    from webapp.db import database
    from webapp.services.exams import schedule_exam
    from webapp.testing import (
        make_department,
        make_org,
        make_post,
        make_question_sets,
        make_user,
        make_worker,
    )

    app = fresh_app(app_config)
    with app.app_context(), database(app).sessionmaker() as s:
        org = make_org(s, "示范化工有限公司")
        dept = make_department(s, org, "生产一车间")
        post = make_post(s, "welding", "电焊工")
        make_question_sets(s, "welding", "电焊工")
        make_worker(s, org, "w1", post, department=dept, pin="1234", employee_no="SF001")
        make_user(s, org, "t1", ("trainer",))
        schedule_exam(
            s, organisation_id=org.id, title="电焊工定期考试", post=post, kind="periodic",
            opens_at=now() - timedelta(minutes=5), closes_at=now() + timedelta(days=1),
        )  # fmt: skip
        s.commit()
    with served(app) as url:
        yield url


@pytest.fixture
def page():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: e2e tests cannot run on CI without it")
        pytest.skip(f"{CHROMIUM} is missing")
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
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
        context = browser.new_context(viewport={"width": 768, "height": 1024}, locale="zh-CN", has_touch=True)
        page = context.new_page()
        page.set_default_timeout(15000)
        yield page
        context.close()
        browser.close()
