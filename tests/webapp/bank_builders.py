"""Builders for the question bank and roster tests: workbooks made with openpyxl, and an enterprise whose
trainer works on the test question bank."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook

from tests.webapp.base_builders import make_org, make_question_sets, make_user
from webapp.org.models import Organisation

TEMPLATE_HEADER = [
    "题型",
    "题干",
    "选项A",
    "选项B",
    "选项C",
    "选项D",
    "答案",
    "解析",
    "难度",
    "知识点",
    "章节",
]


def xlsx(rows: Sequence[Sequence[object]], sheet: str = "题库") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(list(r))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def bank_rows(n_single: int = 2, *, bad: bool = True) -> list[list[object]]:
    """A header, `n_single` good single-choice rows, one true/false row and (when `bad`) one row with an
    answer outside its options (R{n_single + 3})."""
    rows: list[list[object]] = [TEMPLATE_HEADER]
    for i in range(n_single):
        rows.append(
            ["单选题", f"{i + 1}. 单选题干 {i + 1}", "甲", "乙", "丙", "丁", "B", "解析", 2, "动火", ""]
        )
    rows.append(["判断题", "高处作业必须系安全带。", None, None, None, None, "对", None, None, None, None])
    if bad:
        rows.append(["单选题", "答案超出选项的题", "甲", "乙", None, None, "D", None, None, None, None])
    return rows


def bank_world(db) -> Organisation:
    """甲企业 with trainer `trainer`, and the test question sets (电焊工, 10 questions a type); committed."""
    org = make_org(db, "甲企业")
    make_question_sets(db, per_type=10)
    make_user(db, org, "trainer", ("trainer",))
    db.commit()
    return org


def publish_drafts(db, organisation_id: int) -> None:
    """What a reviewer's 发布 does to every draft of the organisation (the review pages are tested on their own)."""
    from sqlalchemy import update

    from webapp.bank.models import Question

    db.execute(
        update(Question)
        .where(Question.organisation_id == organisation_id, Question.status == "draft")
        .values(status="live")
    )
    db.commit()
