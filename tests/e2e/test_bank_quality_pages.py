"""A reviewer reviews an imported bank (warnings and the near-duplicate chooser) and publishes it; a trainer
marks a standard replaced and reads the 待复核 list; the 试题分析 page — in Chromium at 768×1024."""

from __future__ import annotations

import random
import re
from datetime import timedelta

import pytest

from tests.e2e.helpers import SCREENSHOTS, fresh_app, make_demo_site, served, sign_in
from tests.webapp.bank_builders import TEMPLATE_HEADER, xlsx

pytestmark = pytest.mark.e2e


def fixture_bank(tmp_path):
    rows = [TEMPLATE_HEADER]
    rows.append(
        [
            "单选题",
            "电焊作业前应检查：（ ）",
            "焊机接地",
            "衣服颜色",
            "天气预报",
            "午饭",
            "A",
            "",
            2,
            None,
            None,
        ]
    )
    rows.append(
        ["单选题", "电焊作业前应检查", "焊机接地", "衣服颜色", "天气预报", "午饭", "A", "", 2, None, None]
    )
    rows.append(
        [
            "单选题",
            "下列做法不正确的是",
            "戴面罩",
            "穿绝缘鞋",
            "以上都对",
            "在油罐旁动火",
            "D",
            "选D",
            2,
            None,
            None,
        ]
    )
    rows.append(["判断题", "所有焊工都必须持证上岗。", None, None, None, None, "对", None, 1, None, None])
    path = tmp_path / "电焊补充题.xlsx"
    path.write_bytes(xlsx(rows))
    return path


@pytest.fixture
def site(app_config):
    from quizbank import model
    from tests.webapp.base_builders import make_person, make_user
    from tests.webapp.builders import make_exam
    from webapp.bank.sets import load_question_set
    from webapp.exams import service as exams
    from webapp.infra.clock import now
    from webapp.infra.db import database

    app = fresh_app(app_config)
    with app.app_context(), database(app).sessionmaker() as s:
        org, dept, post = make_demo_site(s, per_type=12)
        make_user(s, org, "r1", ("trainer", "reviewer"))
        cites = model.QuestionSet(
            id="e2e-height",
            title="焊接高处作业（示例）",
            version="1",
            posts=(model.Post("welding", "电焊工"),),
            handbook=model.Handbook(title="焊接高处作业", version="1", post="welding"),
            questions=tuple(
                model.Question(
                    id=f"e2e-h{n}",
                    type="truefalse",
                    stem=stem,
                    options=model.TRUE_FALSE_OPTIONS,
                    answer=(0,),
                    part="professional",
                    basis=f"GB/T 3608-2008 {n}.1",
                )
                for n, stem in enumerate(
                    ["在2米以上的高处焊接属于高处作业。", "高处焊接作业前应确认坠落半径内无人。"], 1
                )
            ),
        )
        load_question_set(s, cites)
        exam = make_exam(s, org, post, now=now(), title="电焊工定期考试")
        rng = random.Random(3)
        for n in range(24):
            person = make_person(s, org, f"工人{n}", f"W{n:03d}", department=dept, posts=[post])
            attempt = exams.start_exam_attempt(s, person, exam, now(), started_by=None)
            paper = {pq.question.id: pq for pq in exams.paper_of(s, attempt).questions}
            for e in attempt.layout:
                pq = paper[e["id"]]
                right = rng.random() < (0.85 if n % 3 else 0.4)
                choices = list(pq.answer) if right else [rng.randrange(e["n"])]
                exams.save_response(s, attempt, e["id"], choices, now())
            exams.submit(s, attempt, now() + timedelta(minutes=3), by="deadline")
        s.commit()
    with served(app) as url:
        yield url


def test_review_register_and_analysis_pages(site, page, tmp_path):
    sign_in(page, site, "r1", then="/bank/import")
    page.set_input_files("input[name=file]", str(fixture_bank(tmp_path)))
    page.select_option("select[name=post]", "welding")
    page.click("button:has-text('上传并预览')")
    page.wait_for_url(re.compile(r"/bank/import/[\w-]+$"))
    page.click("#commit")
    page.wait_for_url(re.compile(r"/bank/review/\d+"))

    assert "4" in page.locator("#review-counts").inner_text()
    drafts = page.locator("#drafts").inner_text()
    assert (
        "选项含“以上都对/都不对”" in drafts and "解析提到选项字母" in drafts and "否定题干未加强调" in drafts
    )
    assert "判断题含绝对化用语" in drafts
    page.locator("#drafts .findings").first.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "bank-review-warnings-tablet.png"), full_page=False)
    dup = page.locator("#duplicates section.dup")
    assert dup.count() == 1
    assert "题库!R2" in dup.inner_text() and "题库!R3" in dup.inner_text()
    dup.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "bank-review-duplicate-chooser-tablet.png"), full_page=False)
    page.locator("#drafts > li").nth(2).locator("input[name=publish]").uncheck()  # hold the 以上都对 row
    page.click("#publish")
    page.wait_for_url(re.compile(r"/bank/review$"))
    assert "已发布 2 道题；不导入 1 道重复题" in page.locator(".flash").inner_text()

    page.goto(f"{site}/laws")
    page.fill("input[name=number]", "GB/T 3608-2008")
    page.fill("input[name=title]", "高处作业分级")
    page.click("#save-entry")
    page.wait_for_url(re.compile(r"/laws$"))
    page.fill("input[name=number]", "GB/T 3608-2026")
    page.fill("input[name=title]", "高处作业分级")
    page.click("#save-entry")
    page.goto(f"{site}/laws?edit=GB/T 3608-2008")
    page.select_option("select[name=status]", "被替代")
    page.fill("input[name=withdrawn]", "2026-11-01")
    page.fill("input[name=replaced_by]", "GB/T 3608-2026")
    page.click("#save-entry")
    page.wait_for_url(re.compile(r"/laws/review$"))
    rows = page.locator("#flagged tbody tr")
    assert rows.count() == 2
    assert "GB/T 3608-2026《高处作业分级》" in rows.first.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "laws-review-list-tablet.png"), full_page=True)

    page.goto(f"{site}/analysis?post=welding")
    assert page.locator("#stats tbody tr").count() > 20
    assert page.locator("#missed-questions tbody tr").count() == 10
    page.screenshot(path=str(SCREENSHOTS / "analysis-tablet.png"), full_page=False)
    with page.expect_download() as download:
        page.click("#export")
    assert download.value.suggested_filename == "班前会易错题.xlsx"
