"""The roster workbook read into numbered rows: the header row found among the first rows (hints in brackets
ignored) and the cells' clean text and dates. The file is bounded before and while it is read; a file that
cannot be read as a whole is a RosterError. What the rows mean is `service.parse_roster`'s business."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from datetime import date, datetime, timedelta

from python_calamine import CalamineWorkbook

from quizbank.formats.common import FormatError
from quizbank.formats.excel import check_workbook, declared_cells
from quizbank.formats.limits import ReadLimits

COLUMNS = {
    "employee_no": ("工号", "员工编号", "职工号"),
    "name": ("姓名",),
    "department": ("部门", "所在部门", "车间"),
    "posts": ("岗位", "工种", "岗位工种"),
    "employment_type": ("用工形式", "用工类型", "用工方式"),
    "hired_on": ("入职日期", "入职时间", "入厂日期"),
    "id_number": ("身份证号", "身份证", "身份证号码"),
    "phone": ("手机", "手机号", "手机号码", "电话"),
    "email": ("邮箱", "电子邮箱", "电子邮件", "EMAIL", "E-MAIL", "邮件地址"),
    "pin": ("PIN", "PIN码", "初始PIN"),
}
REQUIRED = ("employee_no", "name", "posts")
HEADER_SEARCH_ROWS = 10
EXCEL_EPOCH = date(1899, 12, 30)


class RosterError(ValueError):
    """The file as a whole cannot be read (not a workbook, no header row)."""


def header_key(value: object) -> str:
    text = re.sub(r"[(（\[【].*?[)）\]】]", "", str(value or ""))
    return re.sub(r"[\s*:：]+", "", text).upper()


def header_layout(row: list[object]) -> dict[str, int] | None:
    found: dict[str, int] = {}
    for i, cell in enumerate(row):
        key = header_key(cell)
        for field, names in COLUMNS.items():
            if key in {n.upper() for n in names} and field not in found:
                found[field] = i
    return found if "employee_no" in found and "name" in found else None


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def cell_date(value: object) -> date | None:
    """A date cell, an Excel serial number, or text 2024-03-01 / 2024/3/1 / 2024.3.1 / 2024年3月1日."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return EXCEL_EPOCH + timedelta(days=int(value))
        raise ValueError
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", str(value).strip())
    if not m:
        raise ValueError
    return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))


SHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml")  # a worksheet's part in the xlsx zip


def read_rows(
    data: bytes, *, limits: ReadLimits, deadline: Callable[[], None] | None = None
) -> tuple[str, list[tuple[int, list[object]]]]:
    """(sheet name, numbered rows) of the first sheet with a roster header; RosterError otherwise. The file is
    checked against `limits` before unpacking (size, zip directory, sheets, declared cells) and while
    reading (each sheet's cells before its rows are loaded); `deadline` is called between sheets."""
    if len(data) > limits.max_bytes:
        raise RosterError(f"文件太大：{len(data) / 1e6:.1f} MB，上限 {limits.max_bytes / 1e6:.0f} MB")
    cells = 0
    try:
        check_workbook(data, "花名册", limits)
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            declared = sum(declared_cells(zf, n) for n in zf.namelist() if SHEET_PART.fullmatch(n))
        check_cells(declared, limits)
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except FormatError as e:
        raise RosterError(e.message) from e
    except Exception as e:  # calamine's own errors for damaged parts
        raise RosterError(f"无法读取工作簿：{e}") from e
    try:
        for name in workbook.sheet_names:
            if deadline is not None:
                try:
                    deadline()
                except FormatError as e:
                    raise RosterError(e.message) from e
            try:
                sheet = workbook.get_sheet_by_name(name)
                cells += sheet.height * sheet.width
                check_cells(cells, limits)
                rows = sheet.to_python(skip_empty_area=False)
            except RosterError:
                raise
            except Exception:
                continue
            for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
                if header_layout(list(row)) is not None:
                    return name, [(n, list(r)) for n, r in enumerate(rows, start=1)][i:]
            del rows, sheet
    finally:
        workbook.close()
    raise RosterError("找不到表头行：需要 工号、姓名、岗位 等列名（可下载花名册模板参照）")


def check_cells(cells: int, limits: ReadLimits) -> None:
    if cells > limits.max_cells:
        raise RosterError(
            f"单元格太多：至少 {cells:,} 个（含空单元格），上限 {limits.max_cells:,} 个；请删去多余的行、列和工作表"
        )
