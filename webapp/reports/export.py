"""Pass-rate tables to Excel (xlsx) and CSV, and the inline SVG bar chart of the report page.

Exports neutralise spreadsheet formulas: a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or
a carriage return gets a leading ``'`` (a department named ``=HYPERLINK(…)`` stays text).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

import pandas as pd
from markupsafe import Markup, escape

from quizbank.formats.excel import neutralise_formula as neutralise
from webapp.reports.service import COLUMNS, GROUPINGS, PassRateRow

RATE_KEYS = tuple(k for k, _t, _n in COLUMNS if k.endswith("rate"))


def frame(rows: Sequence[PassRateRow], by: str, total: PassRateRow | None = None) -> pd.DataFrame:
    records = [r.as_dict() for r in rows] + ([total.as_dict()] if total else [])
    df = pd.DataFrame.from_records(records, columns=["key", *(c[0] for c in COLUMNS)])
    df = df.drop(columns=["key"])
    df.columns = [GROUPINGS[by] if key == "label" else title for key, title, _note in COLUMNS]
    return df.map(neutralise) if len(df) else df


def notes_frame(by: str, start: date | None, end: date | None, organisation: str) -> pd.DataFrame:
    scope = f"{start or '最早'} 至 {end or '最新'}"
    lines = [("单位", organisation), ("统计维度", GROUPINGS[by]), ("交卷日期", scope)]
    lines += [(GROUPINGS[by] if key == "label" else title, note) for key, title, note in COLUMNS]
    lines += [("合计", "全部分组合并统计（同一人只计一次），不是各行相加")]
    return pd.DataFrame(lines, columns=["项目", "说明"]).map(neutralise)


def _sheet(
    workbook,
    name: str,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    widths: Sequence[int],
    rate_columns: Sequence[int] = (),
    *,
    bold_last: bool = False,
) -> None:
    """Stream one sheet: a frozen bold header, column widths, rates (0–100 in the data) as Excel
    percentages, text always text (never evaluated as a formula), the last row bold when it is 合计."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(name)
    sheet.freeze_panes = "B2"
    for i, w in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = w
    bold = Font(bold=True)

    def cell(value: object, i: int, strong: bool) -> WriteOnlyCell:
        if i in rate_columns:
            value = None if value is None or value != value else value / 100
        c = WriteOnlyCell(sheet, value=neutralise(value))
        if i in rate_columns:
            c.number_format = "0.0%"
        elif isinstance(c.value, str):
            c.data_type = "s"
        if strong:
            c.font = bold
        return c

    sheet.append([cell(v, -1, True) for v in header])
    for n, row in enumerate(rows, start=1):
        strong = bold_last and n == len(rows)
        sheet.append([cell(v, i, strong) for i, v in enumerate(row)])


def _table(rows: Sequence[PassRateRow], total: PassRateRow | None) -> list[list[object]]:
    keys = [k for k, _t, _n in COLUMNS]
    return [[r.as_dict()[k] for k in keys] for r in [*rows, *([total] if total else [])]]


def to_xlsx(
    rows: Sequence[PassRateRow],
    by: str,
    start: date | None,
    end: date | None,
    organisation: str,
    *,
    total: PassRateRow | None = None,
    trend: Sequence[PassRateRow] = (),
) -> bytes:
    """Sheets: 通过率 (the groups and the 合计 row), 月度趋势, 说明; written row by row (openpyxl's
    write-only workbook), from the report's rows alone."""
    from openpyxl import Workbook

    keys = [k for k, _t, _n in COLUMNS]
    rate_columns = [keys.index(k) for k in RATE_KEYS]
    widths = [13] * (len(COLUMNS) - 1)

    def header(grouping: str) -> list[str]:
        return [GROUPINGS[grouping] if key == "label" else title for key, title, _n in COLUMNS]

    workbook = Workbook(write_only=True)
    _sheet(
        workbook,
        "通过率",
        header(by),
        _table(rows, total),
        (28, *widths),
        rate_columns,
        bold_last=bool(total),
    )
    _sheet(workbook, "月度趋势", header("month"), _table(trend, None), (12, *widths), rate_columns)
    notes = notes_frame(by, start, end, organisation)
    _sheet(workbook, "说明", list(notes.columns), notes.values.tolist(), (16, 80))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def to_csv(rows: Sequence[PassRateRow], by: str, *, total: PassRateRow | None = None) -> bytes:
    """UTF-8 with BOM (Excel then shows the Chinese)."""
    return frame(rows, by, total).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def trend_chart(rows: Sequence[PassRateRow], *, width: int = 900, height: int = 220) -> Markup:
    """Monthly attempt, first-attempt and latest-result rates as three lines (server-side SVG)."""
    left, right, top, bottom = 44, 16, 16, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    points = list(rows)
    parts = [
        f'<svg class="chart" role="img" aria-label="月度通过率趋势" viewBox="0 0 {width} {height}" '
        f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet">'
    ]
    for pct in (0, 50, 80, 100):
        y = top + plot_h * (1 - pct / 100)
        colour = "#c62828" if pct == 80 else "#d6dbe3"
        parts.append(f'<line x1="{left}" y1="{y}" x2="{width - right}" y2="{y}" stroke="{colour}"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4}" text-anchor="end">{pct}%</text>')
    if not points:
        parts.append(f'<text x="{left + 8}" y="{top + 20}">所选时段没有考试记录</text></svg>')
        return Markup("".join(parts))
    step = plot_w / len(points)  # each month in the middle of its own slot
    for key, colour, name in (("attempt_rate", "#1657c9", "人次通过率"), ("first_rate", "#b26a00", "首考通过率"),
                              ("latest_rate", "#1a7f37", "末次考试合格率")):  # fmt: skip
        xy = [
            (left + (i + 0.5) * step, top + plot_h * (1 - getattr(r, key) / 100))
            for i, r in enumerate(points)
            if getattr(r, key) is not None
        ]
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2.5" points="'
            + " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
            + f'"><title>{name}</title></polyline>'
        )
        parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>' for x, y in xy]
    for i, r in enumerate(points):
        parts.append(
            f'<text x="{left + i * step:.1f}" y="{height - 22}" text-anchor="middle">{escape(r.key)}</text>'
        )
    x = left
    for colour, name in (("#1657c9", "人次通过率"), ("#b26a00", "首考通过率"), ("#1a7f37", "末次考试合格率")):
        parts.append(f'<rect x="{x}" y="{height - 12}" width="12" height="8" fill="{colour}"/>'
                     f'<text x="{x + 16}" y="{height - 4}">{name}</text>')  # fmt: skip
        x += 130
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_chart(
    rows: Sequence[PassRateRow], *, width: int = 900, bar_height: int = 26, limit: int = 40
) -> Markup:
    """Horizontal bars of the latest-result pass rate (0–100 %) per group, with 今日可上岗 beside it."""
    shown = list(rows)[:limit]
    label_w, right_w, top = 200, 250, 28
    plot_w = width - label_w - right_w
    height = top + bar_height * max(len(shown), 1) + 24
    parts = [
        f'<svg class="chart" role="img" aria-label="末次考试合格率" viewBox="0 0 {width} {height}" '
        f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet">',
        f'<text x="{label_w}" y="16">0%</text>',
        f'<text x="{label_w + plot_w / 2}" y="16" text-anchor="middle">50%</text>',
        f'<text x="{label_w + plot_w}" y="16" text-anchor="end">100%</text>',
    ]
    for x in (0, 0.5, 0.8, 1):
        stroke = "#c62828" if x == 0.8 else "#d6dbe3"
        dash = ' stroke-dasharray="4 3"' if x == 0.8 else ""
        parts.append(
            f'<line x1="{label_w + plot_w * x}" y1="{top - 6}" x2="{label_w + plot_w * x}" '
            f'y2="{height - 20}" stroke="{stroke}"{dash}/>'
        )
    for i, r in enumerate(shown):
        y = top + i * bar_height
        rate = r.latest_rate or 0.0
        colour = "#1a7f37" if rate >= 80 else ("#b26a00" if rate >= 60 else "#c62828")
        label = r.label if len(r.label) <= 16 else r.label[:15] + "…"
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar_height * 0.65}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y + 4}" width="{plot_w * rate / 100:.1f}" height="{bar_height - 8}" '
            f'fill="{colour}"><title>{escape(r.label)}：{rate:.1f}%</title></rect>'
            f'<text x="{label_w + plot_w + 8}" y="{y + bar_height * 0.65}">'
            f"{rate:.1f}%（{r.latest_passed}/{r.people}，今日可上岗 {r.may_work_today}）</text>"
        )
    if not shown:
        parts.append(f'<text x="{label_w}" y="{top + 16}">所选时段没有考试记录</text>')
    parts.append(
        f'<text x="{label_w + plot_w * 0.8}" y="{height - 6}" text-anchor="middle" fill="#c62828">80%</text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))
