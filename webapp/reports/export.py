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


def frame(rows: Sequence[PassRateRow], by: str) -> pd.DataFrame:
    records = [r.as_dict() for r in rows]
    df = pd.DataFrame.from_records(records, columns=["key", *(c[0] for c in COLUMNS)])
    df = df.drop(columns=["key"])
    df.columns = [GROUPINGS[by] if key == "label" else title for key, title, _note in COLUMNS]
    return df.map(neutralise) if len(df) else df


def notes_frame(by: str, start: date | None, end: date | None, organisation: str) -> pd.DataFrame:
    scope = f"{start or '最早'} 至 {end or '最新'}"
    lines = [("单位", organisation), ("统计维度", GROUPINGS[by]), ("交卷日期", scope)]
    lines += [(GROUPINGS[by] if key == "label" else title, note) for key, title, note in COLUMNS]
    return pd.DataFrame(lines, columns=["项目", "说明"]).map(neutralise)


def to_xlsx(
    rows: Sequence[PassRateRow], by: str, start: date | None, end: date | None, organisation: str
) -> bytes:
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        frame(rows, by).to_excel(writer, sheet_name="通过率", index=False)
        notes_frame(by, start, end, organisation).to_excel(writer, sheet_name="说明", index=False)
        sheet = writer.sheets["通过率"]
        sheet.column_dimensions["A"].width = 28
        for letter in "BCDEFGHI":
            sheet.column_dimensions[letter].width = 14
        writer.sheets["说明"].column_dimensions["A"].width = 16
        writer.sheets["说明"].column_dimensions["B"].width = 70
        for row in sheet.iter_rows(min_row=2):  # text cells stay text: never evaluated as formulas
            for c in row:
                if isinstance(c.value, str):
                    c.data_type = "s"
    return out.getvalue()


def to_csv(rows: Sequence[PassRateRow], by: str) -> bytes:
    """UTF-8 with BOM (Excel then shows the Chinese)."""
    return frame(rows, by).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def bar_chart(
    rows: Sequence[PassRateRow], *, width: int = 900, bar_height: int = 26, limit: int = 40
) -> Markup:
    """Horizontal bars of the people pass rate (0–100 %) per group, with the attempt count; server-side SVG."""
    shown = list(rows)[:limit]
    label_w, right_w, top = 220, 150, 28
    plot_w = width - label_w - right_w
    height = top + bar_height * max(len(shown), 1) + 24
    parts = [
        f'<svg class="chart" role="img" aria-label="人员通过率" viewBox="0 0 {width} {height}" '
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
        rate = r.people_rate or 0.0
        colour = "#1a7f37" if rate >= 80 else ("#b26a00" if rate >= 60 else "#c62828")
        label = r.label if len(r.label) <= 16 else r.label[:15] + "…"
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar_height * 0.65}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y + 4}" width="{plot_w * rate / 100:.1f}" height="{bar_height - 8}" '
            f'fill="{colour}"><title>{escape(r.label)}：{rate:.1f}%</title></rect>'
            f'<text x="{label_w + plot_w + 8}" y="{y + bar_height * 0.65}">'
            f"{rate:.1f}%（{r.people_passed}/{r.people} 人）</text>"
        )
    if not shown:
        parts.append(f'<text x="{label_w}" y="{top + 16}">所选时段没有考试记录</text>')
    parts.append(
        f'<text x="{label_w + plot_w * 0.8}" y="{height - 6}" text-anchor="middle" fill="#c62828">80%</text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))
