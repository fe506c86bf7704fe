"""Builders for the format tests: questions, and workbooks/csv files written row by row."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook

from quizbank.model import TRUE_FALSE_OPTIONS, Question


def single(
    stem: str = "焊接作业前应检查多大范围内的可燃物？", options=("3米", "5米", "10米"), answer=(2,), **kw
) -> Question:
    return Question(id="", type="single", stem=stem, options=tuple(options), answer=tuple(answer), **kw)


def multiple(
    stem: str = "动火作业需要哪些措施？",
    options=("审批", "监护", "清理可燃物", "随意"),
    answer=(0, 1, 2),
    **kw,
):
    return Question(id="", type="multiple", stem=stem, options=tuple(options), answer=tuple(answer), **kw)


def truefalse(stem: str = "高处作业必须系安全带。", true: bool = True, **kw) -> Question:
    return Question(
        id="", type="truefalse", stem=stem, options=TRUE_FALSE_OPTIONS, answer=(0 if true else 1,), **kw
    )


def workbook(*sheets: tuple[str, Sequence[Sequence[object]]]) -> bytes:
    """An xlsx with the given sheets (name, rows); None leaves a cell empty."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets:
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def by_source(result, source: str) -> Question:
    matches = [q for q in result.questions if q.source == source]
    assert matches, (
        f"no question from {source}; problems: {[str(p) for p in result.problems if p.where == source]}"
    )
    return matches[0]


def by_stem(result, start: str) -> Question:
    matches = [q for q in result.questions if q.stem.startswith(start)]
    assert len(matches) >= 1, f"no question starting {start!r}"
    return matches[0]


def problems_at(result, where: str) -> list[str]:
    return [p.message for p in result.problems if p.where == where]
