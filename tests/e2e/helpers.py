"""What the e2e tests share: a fresh app on a real clock, the demo enterprise's welding site, serving it with
waitress on a free port, signing in through the login page, and where screenshots go."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.webapp.base_builders import TEST_PASSWORD

# The welders of the inspection site (tests/e2e/conftest.py inspection_server), PIN 2468.
WORKERS = [("张伟", "SF001"), ("王芳", "SF002"), ("李娜", "SF003"), ("刘洋", "SF004"), ("陈杰", "SF005")]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def fresh_app(app_config: dict):
    """The app on a real clock (the countdown runs), on the whole schema with no rows (`empty_database`)."""
    from tests.webapp.compiled_once import share_compiled_templates
    from tests.webapp.empty_schema import empty_database
    from webapp import create_app

    empty_database(app_config)
    app = create_app({**app_config, "CLOCK": None})
    share_compiled_templates(app)
    return app


def make_demo_site(s, *, per_type: int = 30):
    """示范化工有限公司 with 生产一车间 and the welding post with its questions: (org, department, post)."""
    from tests.webapp.base_builders import make_department, make_org
    from tests.webapp.builders import make_post_with_questions

    org = make_org(s, "示范化工有限公司")
    dept = make_department(s, org, "生产一车间")
    return org, dept, make_post_with_questions(s, "welding", "电焊工", per_type=per_type)


@contextmanager
def served(app) -> Iterator[str]:
    """`app` served by waitress on 127.0.0.1 at a free port: yields its base URL."""
    from waitress import create_server

    from webapp.infra.db import database

    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.socket.getsockname()[1]}"
    finally:
        server.close()
        thread.join(timeout=5)
        database(app).dispose()


def sign_in_with_pin(
    page, base: str, employee_no: str, pin: str, *, organisation_id: int | None = None
) -> None:
    """Sign a worker in on the PIN page (naming the enterprise when the tablet asks for it) and wait for home."""
    page.goto(f"{base}/login/pin")
    if organisation_id is not None and page.locator("input[name=organisation]").count():
        page.fill("input[name=organisation]", str(organisation_id))  # a shared tablet not yet tied to one
    page.fill("input[name=employee_no]", employee_no)
    page.fill("input[name=pin]", pin)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def sign_in(page, base: str, username: str, *, then: str = "/") -> None:
    """Sign in with the test password on the login page and wait for `then` (where it sends you)."""
    page.goto(f"{base}/login?by=password" + ("" if then == "/" else f"&next={then}"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{then}")


def hand_back(page, password: str = TEST_PASSWORD) -> None:
    """交还检查人员 on the kiosk's result page: the inspector signs in again, back on the worker's page."""
    page.click("#hand-back")
    page.wait_for_selector("#secret")
    page.fill("#secret", password)
    page.click("#hand-back-submit")
    page.wait_for_url("**/people/*")
