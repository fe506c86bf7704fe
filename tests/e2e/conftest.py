"""A real server (waitress on 127.0.0.1, a free port) and a real browser (Debian's Chromium, 768×1024).

Without /usr/bin/chromium the e2e tests skip locally, and fail when CI is set."""

from __future__ import annotations

import os
import socket
import threading
from datetime import timedelta
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def live_server(app_config):
    """The app with an open exam for worker `w1` (password TEST_PASSWORD), served by waitress."""
    from waitress import create_server

    from webapp import create_app
    from webapp.clock import now
    from webapp.db import Base, database
    from webapp.models import import_all_models
    from webapp.services.exams import schedule_exam
    from webapp.testing import (
        make_department,
        make_org,
        make_post,
        make_question_sets,
        make_user,
        make_worker,
    )

    config = {**app_config, "CLOCK": None}  # a real clock: the countdown runs
    app = create_app(config)
    import_all_models()
    engine = database(app).engine
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
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
    port = _free_port()
    server = create_server(app, host="127.0.0.1", port=port, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.close()
    thread.join(timeout=5)
    database(app).dispose()


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
