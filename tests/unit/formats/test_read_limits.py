"""What one file may cost to read is bounded before unpacking and while reading (issue 8 item 3)."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

from openpyxl import Workbook

from quizbank import formats
from quizbank.formats import ReadLimits, excel
from tests.unit.formats.format_builders import workbook

SHEET_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    '<row r="1"><c r="A1" t="inlineStr"><is><t>{text}</t></is></c></row></sheetData></worksheet>'
)


def many_sheets(count: int, text_bytes: int = 200_000) -> bytes:
    """A valid xlsx of `count` sheets, each one cell of `text_bytes` characters (compresses ~1000×)."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    sheets = "".join(f'<sheet name="S{i}" sheetId="{i}" r:id="rId{i}"/>' for i in range(1, count + 1))
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{rel}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, count + 1)
    )
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, count + 1)
    )
    sheet = SHEET_XML.format(text="x" * text_bytes).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f"{overrides}</Types>",
        )
        zf.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        zf.writestr("xl/workbook.xml", f'<workbook {ns} xmlns:r="{rel}"><sheets>{sheets}</sheets></workbook>')
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>',
        )
        for i in range(1, count + 1):
            zf.writestr(f"xl/worksheets/sheet{i}.xml", sheet)
    return out.getvalue()


def test_a_workbook_of_400_sheets_is_refused_from_its_directory_without_unpacking_them():
    data = many_sheets(400)
    assert len(data) < 2_000_000
    tracemalloc.start()
    try:
        result = formats.read(data, name="bomb.xlsx")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.questions == ()
    assert result.problems[0].where == "bomb.xlsx"
    assert "工作表太多：400 个，上限 50 个" in result.problems[0].message
    assert peak < 5 * len(data)  # nothing unpacked: about the upload itself


def test_a_few_sheets_stay_under_the_sheet_bound():
    result = excel.read(many_sheets(3, text_bytes=10), limits=ReadLimits(max_sheets=3))
    assert "工作表太多" not in " ".join(p.message for p in result.problems)


def test_total_unpacked_size_is_bounded_by_the_limits_passed():
    result = formats.read(many_sheets(10), name="b.xlsx", limits=ReadLimits(max_unpacked=1_000_000))
    assert "解压后太大" in result.problems[0].message


def test_a_sheet_whose_range_holds_too_many_cells_is_refused_before_its_rows_are_read():
    header = [["题型", "题干", "选项", "答案", *[f"备注{i}" for i in range(6)]]]
    rows = [["单选题", f"问{i}？", "A.甲**B.乙", "A", *range(6)] for i in range(2000)]
    result = excel.read(workbook(("S", header + rows)), limits=ReadLimits(max_cells=10_000))
    assert result.questions == ()
    assert "单元格太多" in result.problems[0].message and "10,000" in result.problems[0].message


def test_two_far_apart_cells_are_refused_for_the_range_they_span():
    wb = Workbook()
    wb.active["A1"] = "题型"
    wb.active["Z300000"] = "x"  # a 7.8-million-cell range the reader would hold in memory
    out = io.BytesIO()
    wb.save(out)
    result = excel.read(out.getvalue())
    assert "单元格太多" in result.problems[0].message


def test_csv_and_text_are_bounded_in_bytes_and_lines():
    text = "题型,题干,选项,答案\n" + "".join(f"单选题,问{i}？,A.甲**B.乙,A\n" for i in range(200))
    result = formats.read(text.encode(), format="csv", limits=ReadLimits(max_lines=100))
    assert result.questions == () and "行数太多" in result.problems[0].message
    result = formats.read(text.encode(), format="csv", limits=ReadLimits(max_bytes=1000))
    assert "文件太大" in result.problems[0].message
    gift = "".join(f"问{i}{{T}}\n\n" for i in range(200)).encode()
    assert (
        "行数太多" in formats.read(gift, format="gift", limits=ReadLimits(max_lines=50)).problems[0].message
    )
    assert len(formats.read(gift, format="gift").questions) == 200
    native = b"questions:\n" + b"\n" * 100
    assert (
        "行数太多"
        in formats.read(native, format="native", limits=ReadLimits(max_lines=50)).problems[0].message
    )
