"""The closing report of an inspection as files: a PDF (reportlab, the embedded CJK font of
`quizbank.certificates`) and an Excel workbook (pandas/openpyxl) with spreadsheet formulas neutralised."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

import pandas as pd
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from quizbank.formats.excel import neutralise_formula as neutralise
from webapp.infra import clock
from webapp.infra.fonts import cjk_font_name
from webapp.inspections.reporting import Report

STATE_NAMES = {"passed": "合格", "failed": "不合格", "running": "未交卷", "voided": "已作废"}


def summary_rows(report: Report) -> list[tuple[str, str]]:
    i = report.inspection
    tally = report.tally
    return [
        ("被检查单位", i.department.organisation.name),
        ("部门", i.department.name),
        ("检查人员", i.inspector.display_name),
        ("开始时间", clock.format_local(i.opened_at)),
        ("结束时间", clock.format_local(i.closed_at) if i.closed_at else "（检查进行中）"),
        ("备注", i.note or ""),
        ("抽考人数", str(len(report.tested))),
        ("合格", str(tally["passed"])),
        ("不合格", str(tally["failed"])),
        ("三违记录", str(len(report.findings))),
    ]


def tested_rows(report: Report) -> list[dict]:
    return [
        {
            "姓名": row.person.name,
            "工号": row.person.employee_no,
            "岗位": row.post.name,
            "得分": row.attempt.score if row.state in ("passed", "failed") else None,
            "满分": row.attempt.max_score if row.attempt.is_submitted else None,
            "结果": STATE_NAMES[row.state],
            "交卷时间": clock.format_local(row.attempt.submitted_at),
        }
        for row in report.tested
    ]


def finding_rows(report: Report) -> list[dict]:
    return [
        {
            "姓名": f.person.name,
            "工号": f.person.employee_no,
            "类别": f.category,
            "情况说明": f.note,
            "记录时间": clock.format_local(f.recorded_at),
        }
        for f in report.findings
    ]


def owed_rows(report: Report) -> list[dict]:
    out = []
    for person in report.people:
        for ps in report.standings.get(person.id, []):
            st = ps.standing
            owed = st.owed or ()
            out.append(
                {
                    "姓名": person.name,
                    "工号": person.employee_no,
                    "岗位": ps.post.name,
                    "上岗资格": st.status_name,
                    "可否上岗": "可以" if st.may_work else "不可",
                    "应补事项": "；".join(o.description for o in owed) or "无",
                    "最近期限": min((o.deadline for o in owed if o.deadline), default=None),
                }
            )
    return out


# --- Excel ---------------------------------------------------------------------------------------------------


def report_xlsx(report: Report) -> bytes:
    sheets = {
        "概况": pd.DataFrame(summary_rows(report), columns=["项目", "内容"]),
        "抽考结果": pd.DataFrame(
            tested_rows(report), columns=["姓名", "工号", "岗位", "得分", "满分", "结果", "交卷时间"]
        ),
        "三违记录": pd.DataFrame(
            finding_rows(report), columns=["姓名", "工号", "类别", "情况说明", "记录时间"]
        ),
        "应补事项": pd.DataFrame(
            owed_rows(report),
            columns=["姓名", "工号", "岗位", "上岗资格", "可否上岗", "应补事项", "最近期限"],
        ),
    }
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame = frame.map(neutralise)
            frame.to_excel(writer, sheet_name=name, index=False)
            sheet = writer.sheets[name]
            for column in sheet.columns:
                longest = max((len(str(c.value)) if c.value is not None else 0) for c in column)
                sheet.column_dimensions[column[0].column_letter].width = min(60, max(8, longest * 2 + 2))
    return buffer.getvalue()


# --- PDF -----------------------------------------------------------------------------------------------------


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=font, fontSize=10, leading=14, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=24, alignment=TA_CENTER),
        "h2": ParagraphStyle("h2", parent=base, fontSize=13, leading=18, spaceBefore=10, spaceAfter=6),
        "body": base,
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=12),
    }


def _table(rows: list[dict], widths: list[float], styles) -> Table | Paragraph:
    if not rows:
        return Paragraph("无", styles["body"])
    header = list(rows[0].keys())
    data = [[Paragraph(escape(h), styles["cell"]) for h in header]]
    for row in rows:
        data.append([Paragraph(escape("" if v is None else _text(v)), styles["cell"]) for v in row.values()])
    table = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#9aa4b2")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6ebf2")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _text(v) -> str:
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def report_pdf(report: Report) -> bytes:
    font = cjk_font_name()
    styles = _styles(font)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm, bottomMargin=15 * mm,
        title=f"检查报告 #{report.inspection.id}", author=report.inspection.inspector.display_name,
    )  # fmt: skip
    story: list = [Paragraph("现场安全检查报告（逢查必考）", styles["title"]), Spacer(1, 6 * mm)]
    summary = Table(
        [
            [Paragraph(escape(k), styles["cell"]), Paragraph(escape(v), styles["cell"])]
            for k, v in summary_rows(report)
        ],
        colWidths=[35 * mm, 145 * mm],
    )
    summary.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#9aa4b2"))]))
    story += [summary]
    story += [
        Paragraph("一、抽考结果", styles["h2"]),
        _table(tested_rows(report), [22, 22, 34, 16, 16, 20, 50], styles),
    ]
    story += [
        Paragraph("二、三违记录", styles["h2"]),
        _table(finding_rows(report), [22, 22, 28, 70, 38], styles),
    ]
    story += [
        Paragraph("三、相关人员当前上岗资格与应补事项", styles["h2"]),
        _table(owed_rows(report), [18, 18, 24, 24, 14, 60, 22], styles),
    ]
    story += [
        Spacer(1, 8 * mm),
        Paragraph(f"生成时间：{escape(clock.format_local(clock.now()))}", styles["body"]),
    ]
    doc.build(story)
    return buffer.getvalue()
