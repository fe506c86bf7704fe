"""The roster template HR downloads, and the initial-PIN list they export after an import."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

from webapp.reports.export import neutralise

HEADER = ["工号", "姓名", "部门", "岗位", "用工形式", "入职日期", "身份证号", "手机", "邮箱", "PIN"]
NOTES = (
    "花名册导入模板 填写说明",
    "",
    "1. 工号、姓名、岗位必填；工号在本单位内不能重复，也是作业人员的登录名。",
    "2. 岗位：填岗位名称（如 电焊工）或岗位代码；一人多个岗位用 、 或 , 分隔。",
    "3. 用工形式：正式、劳务派遣、外包、灵活用工（不填按 正式）。",
    "4. 入职日期：如 2024-03-01。",
    "5. 身份证号（18 位）、手机（11 位）、邮箱（提醒邮件发到这里）、PIN（4–8 位数字）可不填；不填 PIN 时系统生成初始 PIN，导入后只显示一次，请当场导出。",
    "6. 部门不存在时可在上传页勾选“自动创建部门”。",
    "7. 上传后先预览：每一行的问题和位置（如 花名册!R12）都会列出；确认后整体导入，有问题时一行也不写入。",
)


def _save(workbook: Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def roster_template() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "花名册"
    sheet.append(HEADER)
    sheet.append(["E0001", "张三", "一车间", "电焊工", "正式", "2024-03-01", None, None, None, None])
    sheet.append(
        ["E0002", "李四", "二车间", "电焊工、高处作业", "劳务派遣", "2024-05-20", None, None, None, None]
    )
    for c in sheet[1]:
        c.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=2):
        for c in row:
            c.number_format = "@"  # 工号 and dates stay text
    notes = workbook.create_sheet("说明")
    for line in NOTES:
        notes.append([line])
    notes.column_dimensions["A"].width = 110
    return _save(workbook)


def pins_workbook(pins: Sequence[dict[str, str]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "初始PIN"
    sheet.append(["工号", "姓名", "登录名", "初始PIN"])
    for p in pins:
        sheet.append(
            [neutralise(p["employee_no"]), neutralise(p["name"]), neutralise(p["username"]), p["pin"]]
        )
    for row in sheet.iter_rows():
        for c in row:
            c.data_type = "s"
    return _save(workbook)
