"""A trainer of a new enterprise creates the post 压力容器操作, imports its handbook from a Word file made here,
edits a section with the live preview, publishes v1, imports a 压力容器 bank (a small workbook made here)
into that post, reads the coverage matrix, prints the booklet and schedules an exam; a worker of the post
reads the handbook, acknowledges it and sits the exam — in Chromium at 768×1024."""

from __future__ import annotations

import re
import subprocess

import pytest

from tests.e2e.helpers import SCREENSHOTS, fresh_app, served, sign_in
from tests.webapp.bank_builders import TEMPLATE_HEADER, xlsx
from tests.webapp.handbook_builders import PV_SECTIONS, docx_bytes

pytestmark = pytest.mark.e2e


# Distinct subjects, so that no two generated questions are near-duplicates (the bank would keep one of them).
_SUBJECTS = (
    "安全阀",
    "爆破片",
    "压力表",
    "液位计",
    "温度计",
    "紧急切断阀",
    "快开门联锁装置",
    "排污阀",
    "人孔盖板",
    "接地装置",
    "减压阀",
    "阻火器",
    "视镜",
    "放空管",
    "静电跨接线",
    "安全联锁",
    "呼吸阀",
    "疏水阀",
)
_DEEDS = ("校验记录", "铅封状态", "外观检查", "更换周期", "铭牌参数", "操作位置", "维护责任人")


def _bank_rows() -> list[list[object]]:
    """Enough 压力容器 questions for the periodic blueprint's professional part, spread over the sections
    (章节 given by title, as trainers write it); the 操作规程 section gets only a few."""
    rows: list[list[object]] = [TEMPLATE_HEADER]
    plan = [(PV_SECTIONS[0][0], 6, 6, 3), (PV_SECTIONS[1][0], 5, 7, 2), (PV_SECTIONS[2][0], 1, 1, 1)]
    n = 0
    for section, n_tf, n_single, n_multi in plan:
        for kind, count in (("判断题", n_tf), ("单选题", n_single), ("多选题", n_multi)):
            for _ in range(count):
                subject, deed = _SUBJECTS[n % len(_SUBJECTS)], _DEEDS[n % len(_DEEDS)]
                n += 1
                if kind == "判断题":
                    row = [
                        kind,
                        f"{subject}的{deed}由当班操作人员每班确认一次。",
                        None,
                        None,
                        None,
                        None,
                        "对",
                    ]
                elif kind == "单选题":
                    row = [kind, f"关于{subject}，{deed}应当记录在哪里？", f"{subject}台账", "个人笔记",
                           "班组口头约定", "无需记录", "A"]  # fmt: skip
                else:
                    row = [kind, f"检查{subject}时，{deed}的内容包括哪些？", "日期", "检查人", "结论",
                           "天气", "ABC"]  # fmt: skip
                rows.append([*row, "规程要求", 3, None, section])
    return rows


@pytest.fixture
def site(app_config, tmp_path):
    from tests.webapp.base_builders import make_department, make_org, make_question_sets, make_user
    from webapp.infra.db import database

    app = fresh_app(app_config)
    with app.app_context(), database(app).sessionmaker() as s:
        make_question_sets(s, per_type=30)  # the built-in general part every post draws from
        org = make_org(s, "新建压力容器有限公司")
        make_department(s, org, "锅炉房")
        make_user(s, org, "pv-trainer", ("trainer", "reviewer"), display_name="李培训")
        make_user(s, org, "pv-hr", ("hr",))
        s.commit()
        org_id = org.id
    with served(app) as url:
        yield {"url": url, "app": app, "org_id": org_id, "tmp": tmp_path}


def _add_worker(site) -> None:
    from sqlalchemy import select

    from tests.webapp.base_builders import make_worker
    from webapp.infra.db import database
    from webapp.org.models import Organisation, Post

    app = site["app"]
    with app.app_context(), database(app).sessionmaker() as s:
        org = s.get(Organisation, site["org_id"])
        post = s.scalar(select(Post).where(Post.organisation_id == org.id, Post.code == "pressure-vessel"))
        make_worker(s, org, "pv-w1", post, employee_no="PV001")
        s.commit()


def _shot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / name), full_page=False)


def test_a_new_enterprise_writes_publishes_and_hands_out_its_handbook(site, page):
    base, tmp = site["url"], site["tmp"]
    sign_in(page, base, "pv-trainer", then="/posts")

    # 1. the post
    form = page.locator("#new-post")
    form.locator("input[name=name]").fill("压力容器操作")
    form.locator("input[name=code]").fill("pressure-vessel")
    form.locator("select[name=risk]").select_option("high")
    form.locator("select[name=certificate]").select_option("special_equipment")
    form.locator("input[name=certificate_kind]").fill("R1 快开门式压力容器操作")
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{base}/posts")
    assert "已新建岗位“压力容器操作”" in page.content()
    assert "特种设备作业人员证" in page.locator("#own-posts").inner_text()
    _shot(page, "posts-tablet.png")

    # 2. the handbook from a Word file, one section edited with the live preview, v1 published
    docx_path = tmp / "压力容器操作手册.docx"
    docx_path.write_bytes(docx_bytes("压力容器操作岗位手册", PV_SECTIONS))
    page.goto(f"{base}/handbooks/pressure-vessel")
    page.set_input_files("#import input[name=file]", str(docx_path))
    page.click("#import button:has-text('导入到草稿')")
    page.wait_for_url(re.compile(r"/handbooks/pressure-vessel$"))
    assert "已从 压力容器操作手册.docx 导入 3 节" in page.content()
    page.click(f"#toc a:has-text('{PV_SECTIONS[1][0]}')")
    # the link loads the section's page: typing before it has loaded types into the page it replaces
    page.wait_for_url(re.compile(r"[?&]section="))
    page.wait_for_load_state()
    page.fill(
        "#body",
        "安全阀、爆破片、压力表、液位计是常见**安全附件**。\n\n- 压力表应定期检定\n- 安全阀每年至少校验一次",
    )
    page.wait_for_function("() => document.querySelector('#preview strong') !== null")
    assert "安全阀每年至少校验一次" in page.locator("#preview li").last.inner_text()
    page.click("#section-form button:has-text('保存章节')")
    page.wait_for_load_state()
    assert "章节已保存到草稿" in page.content()
    page.evaluate("window.scrollTo(0, 0)")
    _shot(page, "handbook-editor-toc-tablet.png")
    page.locator("#editor").scroll_into_view_if_needed()
    _shot(page, "handbook-editor-tablet.png")
    page.fill("#publish input[name=note]", "初版")
    page.click("#publish button:has-text('发布第 1 版')")
    page.wait_for_load_state()
    assert "已发布第 1 版" in page.content()
    # the 通用知识 part starts as a copy of the built-in one
    page.goto(f"{base}/handbooks/_general")
    page.click("button:has-text('复制内置手册到草稿')")
    page.wait_for_load_state()
    page.click("#publish button:has-text('发布第 1 版')")
    page.wait_for_load_state()
    assert "已发布第 1 版" in page.content()

    # 3. the bank of the post, from a workbook made here
    bank_path = tmp / "压力容器题库.xlsx"
    bank_path.write_bytes(xlsx(_bank_rows()))
    page.goto(f"{base}/bank/import")
    page.set_input_files("input[name=file]", str(bank_path))
    page.check("input[name=part][value=professional]")
    page.select_option("select[name=post]", "pressure-vessel")
    page.fill("input[name=title]", "压力容器操作题库")
    page.click("button:has-text('上传并预览')")
    page.wait_for_url(re.compile(r"/bank/import/[\w-]+$"))
    page.click("#commit")
    page.wait_for_url(re.compile(r"/bank/review/\d+"))  # imported questions are drafts until reviewed
    assert "已导入 32 道题" in page.locator(".flash").inner_text()
    page.click("#publish")  # the trainer holds the reviewer right too
    page.wait_for_load_state()

    # 4. the coverage matrix
    page.goto(f"{base}/handbooks/pressure-vessel/coverage")
    matrix = page.locator("#coverage-1")
    assert "第 1 版" in matrix.inner_text()
    row = matrix.locator("tr", has_text=PV_SECTIONS[0][0])
    assert [c.inner_text() for c in row.locator("td.n").all()] == ["6", "6", "3", "15"]
    assert "偏少" in matrix.locator("tr", has_text=PV_SECTIONS[2][0]).inner_text()
    _shot(page, "handbook-coverage-tablet.png")

    # 5. the booklet: TOC with the pages the sections are on, every title in Chinese
    pdf = page.request.get(f"{base}/handbooks/pressure-vessel/booklet.pdf")
    assert pdf.ok
    pdf_path = tmp / "booklet.pdf"
    pdf_path.write_bytes(pdf.body())
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    assert "通用知识" in text[1] and "安全生产法" in text[1]
    for title, _ in [*PV_SECTIONS, ("安全生产法", "")]:
        line = next(ln for ln in text[1].splitlines() if title in ln)
        assert title in text[int(line.split()[-1]) - 1]
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-scale-to-x",
            "768",
            "-scale-to-y",
            "1086",
            str(pdf_path),
            str(SCREENSHOTS / "handbook-booklet-page"),
        ],
        check=True,
    )

    # 6. an exam for the post
    page.goto(f"{base}/exams/schedule")
    page.fill("input[name=title]", "压力容器操作定期考试")
    page.select_option("select[name=post]", "pressure-vessel")
    page.select_option("select[name=kind]", "periodic")
    page.click("button:has-text('安排')")
    page.wait_for_url(f"{base}/exams/schedule")
    assert "考试已安排" in page.content()

    # 7. a worker of the post reads, acknowledges, sits the exam
    _add_worker(site)
    page.context.clear_cookies()
    sign_in(page, base, "pv-w1", then="/my/handbooks")
    assert all(title in page.content() for title, _ in PV_SECTIONS)
    page.fill("input[name=q]", "校验")
    page.click("button:has-text('搜索')")
    page.click(f"#hits a:has-text('{PV_SECTIONS[1][0]}')")
    assert "安全阀每年至少校验一次" in page.content()
    _shot(page, "handbook-reading-tablet.png")
    page.click("text=回到目录") if page.locator("text=回到目录").count() else page.click("text=下一节")
    page.goto(f"{base}/my/handbooks")
    for _ in range(2):  # 通用知识 and 专业知识: each version is acknowledged
        page.locator("button:has-text('我已阅读并理解本手册')").first.click()
        page.wait_for_url(f"{base}/my/handbooks")
        assert "已确认阅读" in page.content()
    assert page.locator("button:has-text('我已阅读并理解本手册')").count() == 0
    _shot(page, "handbook-mine-tablet.png")
    page.goto(f"{base}/")
    assert "压力容器操作定期考试" in page.content()
    page.click("text=开始考试")
    page.wait_for_selector("#question .option")
    page.locator("#question .option").first.click()
    page.wait_for_function("() => document.getElementById('save-state').textContent === '已保存'")
    page.click("#submit")
    page.wait_for_selector("#confirm[open]")
    page.click("#confirm-yes")
    page.wait_for_url("**/result")
    assert page.locator(".verdict").inner_text() in ("合格", "不合格")

    # 8. HR sees who has read the current version
    page.context.clear_cookies()
    sign_in(page, base, "pv-hr", then="/handbooks/pressure-vessel/readers")
    assert "1 人应读，0 人未确认" in page.locator("main").inner_text()
