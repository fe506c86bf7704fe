"""Excel workbooks (xlsx) and csv files in the Chinese question-bank templates trainers use.

Reading checks the file before unpacking anything: its size, then the zip's central directory
(total unpacked size and compression ratio, against zip bombs); an OLE/CFB file is an encrypted
workbook or an old .xls and is refused as such. Rows are read with calamine (see
benchmarks/import_workbook.py for why); writing uses openpyxl in write-only mode.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TypeVar

from python_calamine import CalamineWorkbook

from quizbank.formats import xlsx_parts
from quizbank.formats.common import (
    FORMULA_START,
    FormatError,
    Source,
    collection_paused,
    failure,
    finish,
    load_bytes,
    load_text,
    neutralise_formula,
    source_name,
)
from quizbank.formats.limits import DEFAULT_LIMITS, ReadLimits
from quizbank.formats.table import Sheet, read_tables, template_rows
from quizbank.model import ImportResult, Question

__all__ = [
    "DEFAULT_MAX_RATIO",
    "DEFAULT_MAX_UNPACKED",
    "FORMULA_START",
    "check_workbook",
    "neutralise_formula",
    "read",
    "read_csv",
    "write",
    "write_csv",
]

OLE_MAGIC = b"\xd0\xcf\x11\xe0"
ZIP_MAGIC = b"PK\x03\x04"
DEFAULT_MAX_UNPACKED = DEFAULT_LIMITS.max_unpacked
DEFAULT_MAX_RATIO = DEFAULT_LIMITS.max_ratio
RATIO_CHECK_FROM = DEFAULT_LIMITS.ratio_check_from
_SHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")

Progress = Callable[[int], None] | None
T = TypeVar("T")


def check_workbook(
    data: bytes,
    where: str,
    limits: ReadLimits | None = None,
    *,
    max_unpacked: int | None = None,
    max_ratio: float | None = None,
) -> None:
    """Refuse, before unpacking, what is not a plain xlsx we can afford to open: from the zip's central
    directory alone, its total unpacked size, number of sheets and each part's compression ratio."""
    limits = (limits or DEFAULT_LIMITS).replace(max_unpacked=max_unpacked, max_ratio=max_ratio)
    if data.startswith(OLE_MAGIC):
        raise FormatError(
            where,
            "这是加密（设了打开密码）的工作簿，或旧的 .xls 格式：请在 Excel 中取消密码并另存为 .xlsx 后再导入",
        )
    if not data.startswith(ZIP_MAGIC):
        raise FormatError(where, "不是 xlsx 工作簿（文件头不是 zip）")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as e:
        raise FormatError(where, f"xlsx 文件已损坏（zip 结构无效：{e}）") from e
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        raise FormatError(where, "不是 Excel 工作簿（zip 中没有 xl/workbook.xml）")
    if any(i.flag_bits & 0x1 for i in infos):
        raise FormatError(where, "工作簿中有加密的部分：请取消密码后再导入")
    sheets = sum(1 for n in names if _SHEET_PART.fullmatch(n))
    if sheets > limits.max_sheets:
        raise FormatError(
            where,
            f"工作表太多：{sheets} 个，上限 {limits.max_sheets} 个；请删去多余的工作表或分成几个文件导入",
        )
    total = sum(i.file_size for i in infos)
    if total > limits.max_unpacked:
        raise FormatError(
            where,
            f"解压后太大：{total / 1e6:.0f} MB，上限 {limits.max_unpacked / 1e6:.0f} MB（可能是压缩炸弹）",
        )
    for i in infos:
        ratio = i.file_size / max(i.compress_size, 1)
        if i.file_size >= limits.ratio_check_from and ratio > limits.max_ratio:
            raise FormatError(
                where,
                f"{i.filename} 的压缩比异常（{ratio:.0f} 倍，上限 {limits.max_ratio:.0f}）：可能是压缩炸弹",
            )


def _column_number(letters: bytes) -> int:
    n = 0
    for c in letters:
        n = n * 26 + c - 64
    return n


def declared_cells(zf: zipfile.ZipFile, part: str) -> int:
    """The cells a sheet part says it spans (its ``<dimension ref="A1:H100">``), 0 when it does not say."""
    try:
        with zf.open(part) as f:
            head = f.read(4096)
    except (KeyError, zipfile.BadZipFile, OSError):
        return 0
    m = _DIMENSION.search(head)
    if m is None or m.group(3) is None:
        return 0
    rows = int(m.group(4)) - int(m.group(2)) + 1
    columns = _column_number(m.group(3)) - _column_number(m.group(1)) + 1
    return max(rows, 0) * max(columns, 0)


def _counted(rows: Iterable[T], progress: Progress) -> Iterable[T]:
    """`rows` as they are read, telling `progress` how many every 1000 rows and at the end."""
    if progress is None:
        return rows  # nobody is told: no generator between the reader and the rows
    return _counting(rows, progress)


def _counting(rows: Iterable[T], progress: Callable[[int], None]) -> Iterator[T]:
    n = 0
    for row in rows:
        yield row
        n += 1
        if progress is not None and n == 1000:
            progress(n)
            n = 0
    if progress is not None and n:
        progress(n)


def _sheet_rows(sheet, progress: Progress) -> Iterable[tuple[int, Sequence[object]]]:
    # iter_rows starts at row 1 but at the sheet's first used column.
    pad = [""] * sheet.start[1] if sheet.start else []
    numbered = _counted(enumerate(sheet.iter_rows(), start=1), progress)
    if not pad:
        return numbered
    return ((number, pad + row) for number, row in numbered)


def read(
    source: Source,
    *,
    name: str = "",
    max_bytes: int | None = None,
    max_unpacked: int | None = None,
    max_ratio: float | None = None,
    limits: ReadLimits | None = None,
    progress: Progress = None,
    ids: bool = True,
) -> ImportResult:
    """An xlsx workbook → questions, and a problem per row (``Sheet1!R12``) that could not be taken.

    The keyword bounds override the same fields of `limits`. A workbook beyond a bound is refused whole.
    Without `ids` the questions carry none (see `finish`)."""
    where = source_name(source, name)
    limits = (limits or DEFAULT_LIMITS).replace(
        max_bytes=max_bytes, max_unpacked=max_unpacked, max_ratio=max_ratio
    )
    try:
        data = load_bytes(source, name=name, max_bytes=limits.max_bytes)
        check_workbook(data, where, limits)
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            declared = sum(declared_cells(zf, n) for n in zf.namelist() if _SHEET_PART.fullmatch(n))
            long_sheets = xlsx_parts.long_sheets(zf)
        if declared > limits.max_cells:
            raise FormatError(where, _too_many_cells(declared, limits))
        try:
            workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        except Exception as e:  # calamine raises its own error types for damaged parts
            raise FormatError(where, f"无法读取工作簿：{e}") from e
    except FormatError as e:
        return failure(e, "excel")
    try:
        result = None
        if long_sheets:
            # Whatever the parts cannot read is read whole, after this block: the failed reading's rows are
            # not kept meanwhile (as they would be by a live exception in an except block).
            with contextlib.suppress(xlsx_parts.Unsplittable):
                result = _read_sheets(workbook, data, long_sheets, where, limits, progress, ids)
        if result is None:
            result = _read_sheets(workbook, data, set(), where, limits, progress, ids)
        return result
    except FormatError as e:
        return failure(e, "excel")
    finally:
        workbook.close()


def _read_sheets(
    workbook: CalamineWorkbook,
    data: bytes,
    long_sheets: set[str],
    where: str,
    limits: ReadLimits,
    progress: Progress,
    ids: bool,
) -> ImportResult:
    """The workbook's questions, the `long_sheets` read in parts (see `xlsx_parts`)."""
    cells = 0
    problems: list = []

    def count(more: int) -> None:
        nonlocal cells
        cells += more
        if cells > limits.max_cells:
            raise FormatError(where, _too_many_cells(cells, limits))

    def fits(more: int) -> bool:
        return cells + more <= limits.max_cells

    def sheets(opened: contextlib.ExitStack) -> Iterator[Sheet]:
        for sheet_name in workbook.sheet_names:
            if sheet_name in long_sheets:
                parts = opened.enter_context(contextlib.closing(xlsx_parts.parts(data, sheet_name)))
                rows = _part_rows(parts, count, fits)
                yield Sheet(sheet_name, _counted(rows, progress))
                # Where read_tables left the sheet early (no header), the rest is read all the same: the whole
                # read counts every sheet's cells against the bound. (That also ends the parts and their worker;
                # `opened` ends them where the read stops with an error.)
                for _ in rows:
                    pass
                continue
            try:
                sheet = workbook.get_sheet_by_name(sheet_name)
            except Exception as e:  # a damaged or chart-only sheet
                problems.append(FormatError(f"{sheet_name}", f"无法读取这个工作表：{e}").problem())
                continue
            count(sheet.height * sheet.width)
            yield Sheet(sheet_name, _sheet_rows(sheet, progress))
            del sheet  # one sheet's cells in memory at a time

    with collection_paused(), contextlib.ExitStack() as opened:
        questions, row_problems = read_tables(sheets(opened), lambda sheet: f"{sheet}!R", ids=ids)
        return finish(questions, [*problems, *row_problems], "excel", ids=ids)


def _part_rows(
    parts: Iterable[xlsx_parts.Part], count: Callable[[int], None], fits: Callable[[int], bool]
) -> Iterator[tuple[int, Sequence[object]]]:
    """The rows of a sheet read in parts, numbered as in the sheet, each starting at column A. The sheet's
    cells are counted as the whole read counts them (its used range: first to last row, leftmost to
    rightmost column); past the bound, the parts give way to the whole read and its message."""
    top = left = right = None
    bottom = 0
    for start, rows in parts:
        if start is None or not rows:
            continue
        top = start[0] if top is None else top
        left = start[1] if left is None else min(left, start[1])
        right = start[1] + len(rows[0]) if right is None else max(right, start[1] + len(rows[0]))
        bottom = start[0] + len(rows)
        if not fits((bottom - top) * (right - left)):
            raise xlsx_parts.Unsplittable("more cells than the bound")
        first, pad = start[0] + 1, [""] * start[1]
        if pad:
            yield from ((number, pad + row) for number, row in enumerate(rows, start=first))
        else:
            yield from enumerate(rows, start=first)
    if top is not None:
        count((bottom - top) * (right - left))


def _too_many_cells(cells: int, limits: ReadLimits) -> str:
    return (
        f"单元格太多：至少 {cells:,} 个（含空单元格），上限 {limits.max_cells:,} 个；"
        "请删去多余的行、列和工作表，或分成几个文件导入"
    )


def read_csv(
    source: Source,
    *,
    name: str = "",
    max_bytes: int | None = None,
    limits: ReadLimits | None = None,
    progress: Progress = None,
    ids: bool = True,
) -> ImportResult:
    """A csv file in the same template (UTF-8, UTF-8 with BOM or GBK) → questions; rows are ``line N``.

    Without `ids` the questions carry none (see `finish`)."""
    limits = (limits or DEFAULT_LIMITS).replace(max_bytes=max_bytes)
    try:
        text = load_text(source, name=name, max_bytes=limits.max_bytes, max_lines=limits.max_lines)
    except FormatError as e:
        return failure(e, "csv")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel

    def rows() -> Iterator[tuple[int, Sequence[object]]]:
        reader = csv.reader(io.StringIO(text, newline=""), dialect)
        start = 1
        for record in _counted(reader, progress):
            yield start, record
            start = reader.line_num + 1

    try:
        with collection_paused():
            questions, problems = read_tables([Sheet(None, rows())], lambda _sheet: "line ", ids=ids)
            return finish(questions, problems, "csv", ids=ids)
    except csv.Error as e:
        return failure(FormatError(source_name(source, name), f"csv 格式错误：{e}"), "csv")


def write(questions: Iterable[Question]) -> bytes:
    """Questions → an xlsx in our template. Text is stored as text, and text a spreadsheet would take
    for a formula (``=…``) carries the guard's apostrophe (see `template_rows`)."""
    # Imported here, not at the top: openpyxl (with numpy) costs ~0.3 s to import, and reading never needs it.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("题库")
    for row in template_rows(questions):
        cells = []
        for value in row:
            c = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                c.data_type = "s"
            cells.append(c)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def write_csv(questions: Iterable[Question]) -> bytes:
    """Questions → a UTF-8 csv (with BOM, so Excel shows the Chinese) in our template, formulas guarded."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    for row in template_rows(questions):
        writer.writerow(row)
    return out.getvalue().encode("utf-8-sig")
