"""HR on a tablet (768×1024) and a desktop (1280×800): the home dashboard, 今日不得上岗 click-through to the
list and why, a person's 一人一档 page and its PDF (rendered with pdftoppm), an exam's roster, and the pass
rates with 今日可上岗 beside them."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime, time, timedelta

import pytest

from tests.e2e.helpers import SCREENSHOTS, fresh_app, make_demo_site, served, sign_in

WORKERS = [("张伟", "SF001"), ("王芳", "SF002"), ("李娜", "SF003"), ("刘洋", "SF004"), ("陈杰", "SF005")]


@pytest.fixture
def records_server(app_config):
    from quizbank import rules
    from tests.webapp.base_builders import make_person, make_user
    from tests.webapp.builders import make_attempt, make_exam
    from tests.webapp.records_builders import make_history
    from tests.webapp.standing_builders import add_event, qualify
    from webapp.infra import clock
    from webapp.infra.db import database

    app = fresh_app(app_config)
    with app.app_context(), database(app).sessionmaker() as s:
        org, dept, post = make_demo_site(s, per_type=12)
        today, now = clock.today(), clock.now()
        people = [make_person(s, org, n, no, department=dept, posts=[post], employment_type="劳务派遣" if i == 3 else "正式")
                  for i, (n, no) in enumerate(WORKERS)]  # fmt: skip
        make_history(s, org, people[0], post)  # 张伟: a 三违 with retraining owed
        for p in people[1:4]:
            qualify(s, p, "welding", on=today - timedelta(days=60))
        add_event(
            s,
            people[2],
            rules.ExamTaken(on=today - timedelta(days=1), kind="spot", passed=False, post="welding"),
        )
        # 陈杰 was never trained
        month_start = datetime.combine(today.replace(day=1), time(0), clock.SHANGHAI).astimezone(UTC)
        exam = make_exam(s, org, post, title="本月电焊工定期考试", opens_at=max(month_start, now - timedelta(hours=3)),
                         closes_at=now - timedelta(minutes=30))  # fmt: skip
        for p, passed in ((people[1], True), (people[2], False)):
            a = make_attempt(
                s, p, post, on=clock.local(now - timedelta(hours=1)).date().isoformat(), passed=passed
            )
            a.exam_id = exam.id
        make_user(s, org, "hr", ("hr",), display_name="安全科 孙丽")
        s.commit()
        exam_id = exam.id
    with served(app) as url:
        yield url, exam_id


def _shot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"records-{name}.png"), full_page=True)


@pytest.mark.e2e
@pytest.mark.parametrize("size", [(768, 1024), (1280, 800)], ids=["tablet", "desktop"])
def test_hr_follows_the_dashboard_to_a_person_archive_its_pdf_and_an_exam_roster(
    records_server, page, size, tmp_path
):
    base, exam_id = records_server
    tag = f"{size[0]}x{size[1]}"
    page.set_viewport_size({"width": size[0], "height": size[1]})
    sign_in(page, base, "hr")

    barred = page.locator("#fig-barred strong")
    assert barred.inner_text() == "3"  # 张伟 (三违), 李娜 (make-up owed), 陈杰 (untrained)
    assert "今日可上岗" in page.locator("#dashboard").inner_text()
    _shot(page, f"dashboard-{tag}")

    page.click("#fig-barred")
    page.wait_for_url(f"{base}/dashboard/people?list=barred")
    table = page.locator("#lines").inner_text()
    assert "张伟" in table and "记录三违" in table and "陈杰" in table and "未参加岗前安全培训" in table
    assert "王芳" not in table
    _shot(page, f"barred-{tag}")

    page.click("#lines >> text=张伟")
    page.wait_for_url(f"{base}/records/people/*")
    assert page.locator("#verdict").inner_text() == "今日不得上岗"
    body = page.locator("main").inner_text()
    assert "三级安全教育卡" in body and "赵班长" in body and "QB-2024-000001" in body
    _shot(page, f"archive-{tag}")

    with page.expect_download() as info:
        page.click("#pdf")
    pdf = tmp_path / "archive.pdf"
    info.value.save_as(pdf)
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf),
                        str(SCREENSHOTS / f"records-archive-pdf-{tag}")], check=True)  # fmt: skip
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "三级安全教育卡" in text and "张伟" in text

    page.goto(f"{base}/exams/{exam_id}/roster")
    roster = page.locator("#roster").inner_text()
    assert "王芳" in roster and "通过" in roster and "缺考" in roster
    _shot(page, f"roster-{tag}")

    page.goto(f"{base}/reports/?by=post")
    assert (
        "今日可上岗 1 人" in page.locator("#fitness").inner_text()
    )  # 王芳 passed and may work; 李娜 owes a make-up
    _shot(page, f"pass-rates-{tag}")
