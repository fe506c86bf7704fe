"""Builders for the question bank, roster and report tests: workbooks made with openpyxl, signed-in
trainers and HR, and a hand-built set of attempts."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook

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


def make_attempt(
    s,
    person,
    post,
    *,
    on: str,
    passed: bool | None,
    kind: str = "periodic",
    inspection_id: int | None = None,
    submitted: bool = True,
):
    """A sat attempt, submitted at 10:00 China time on `on` (YYYY-MM-DD); no paper needed for reports."""
    from datetime import UTC, datetime

    from webapp.models import Attempt

    at = datetime.fromisoformat(f"{on}T02:00:00").replace(tzinfo=UTC)
    a = Attempt(
        organisation_id=person.organisation_id,
        person_id=person.id,
        post_id=post.id,
        kind=kind,
        inspection_id=inspection_id,
        started_at=at,
        submitted_at=at if submitted else None,
        seed=1,
        layout=[],
        blueprint={},
        score=90.0 if passed else 50.0,
        max_score=100.0,
        passed=passed if submitted else None,
    )
    s.add(a)
    s.flush()
    return a
