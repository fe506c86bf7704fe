"""A long worksheet read in parts (`xlsx_parts`) reads exactly what the whole sheet reads.

The thresholds are lowered so that a few hundred rows are cut into many parts; each test compares the
result with the same workbook read whole."""

from __future__ import annotations

import io
import re
import sys
import threading
import zipfile
from collections.abc import Callable

import pytest

from quizbank.formats import excel, xlsx_parts
from tests.unit.formats.format_builders import workbook

HEADER = ["题型", "题干", "选项", "答案", "解析", "难度", "知识点", "章节"]


def bank_rows(count: int = 300) -> list[list[object]]:
    """A bank with what a reader must keep track of across rows: numbered stems, repeated and unique
    options, empty and unreadable rows, a header repeated half-way, numbers and text in the same column."""
    rows: list[list[object]] = [["某公司安全培训题库"], [], HEADER]
    for i in range(count):
        kind = i % 5
        if i == count // 2:
            rows.append(HEADER)
        if kind == 0:
            rows.append(
                [
                    "判断题",
                    f"{i + 1}、作业前必须检查设备{i}。",
                    "A.正确**B.错误",
                    "AB"[i % 2],
                    "",
                    2,
                    "",
                    "s1",
                ]
            )
        elif kind == 1:
            rows.append(
                [
                    "单选题",
                    f"{i + 1}．动火范围{i}？",
                    f"A.{i}米 B.{i + 1}米 C.{i + 2}米",
                    "B",
                    "规程",
                    3,
                    "动火",
                    "s2",
                ]
            )
        elif kind == 2:
            rows.append(
                [
                    "多选题",
                    f"第{i}题 哪些属于防护用品？",
                    "A.安全帽|B.安全带|C.拖鞋",
                    "AB",
                    None,
                    "难",
                    "防护,个体",
                    None,
                ]
            )
        elif kind == 3:
            rows.append([])  # an empty row between questions
        else:
            rows.append(["问答题", f"{i}. 简述动火审批。", None, None, None, 9, None, None])
    return rows


def read_whole(data: bytes, monkeypatch) -> object:
    with monkeypatch.context() as m:
        m.setattr(xlsx_parts, "SPLIT_FROM", 1 << 40)
        return excel.read(data)


def read_in_parts(data: bytes, monkeypatch, part_bytes: int) -> tuple[object, int]:
    """The result, and how many parts were parsed (0: the sheet was read whole after all)."""
    parsed = 0
    parts = xlsx_parts.parts

    def counted(data: bytes, name: str, part_bytes_: int | None = None):
        nonlocal parsed
        for part in parts(data, name, part_bytes):
            parsed += 1
            yield part

    with monkeypatch.context() as m:
        m.setattr(xlsx_parts, "SPLIT_FROM", 1024)
        m.setattr(xlsx_parts, "parts", counted)
        return excel.read(data), parsed


def with_sheet_xml(
    data: bytes, change: Callable[[bytes], bytes], part: str = "xl/worksheets/sheet1.xml"
) -> bytes:
    """The workbook `data` with one worksheet's XML changed."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info)
            dst.writestr(info.filename, change(content) if info.filename == part else content)
    return out.getvalue()


@pytest.mark.parametrize("part_bytes", [700, 2500, 9000])
def test_a_long_sheet_read_in_parts_reads_exactly_what_the_whole_sheet_reads(monkeypatch, part_bytes):
    data = workbook(("题库", bank_rows()), ("续", [["判断题", "最后一题。", "", "A"]]))

    whole = read_whole(data, monkeypatch)
    split, parsed = read_in_parts(data, monkeypatch, part_bytes)

    assert parsed > 3
    assert split == whole
    assert len(whole.questions) > 150 and whole.problems


def test_rows_of_a_part_that_start_further_right_keep_their_columns(monkeypatch):
    # Every row in column B onwards; in some parts column B's first used cell comes after a blank.
    rows = [[None, *row] for row in bank_rows()]
    data = workbook(("题库", rows))

    split, parsed = read_in_parts(data, monkeypatch, 1500)

    assert parsed > 3
    assert split == read_whole(data, monkeypatch)


CDATA = b"<![CDATA[" + b"x" * 3000 + b'</t></is></c></row><row r="9"><c r="A9"><is><t>' + b"y" * 3000 + b"]]>"
COMMENT = b"<!-- " + b"x" * 3000 + b'</row><row r="9"><c r="A9"><is><t>' + b"y" * 3000 + b" -->"


def in_a_cell(text: bytes) -> Callable[[bytes], bytes]:
    """The empty 解析 cell of the first question (row 4) holding `text`."""
    return lambda xml: xml.replace(
        b'<c r="E4" t="inlineStr"></c>', b'<c r="E4" t="inlineStr"><is><t>' + text + b"</t></is></c>", 1
    )


def between_rows(text: bytes) -> Callable[[bytes], bytes]:
    return lambda xml: xml.replace(b'<row r="5"', text + b'<row r="5"', 1)


@pytest.mark.parametrize(
    "change", [in_a_cell(CDATA), between_rows(COMMENT)], ids=["cdata in a cell", "comment between rows"]
)
def test_row_text_inside_cdata_or_a_comment_at_a_cut_is_read_as_the_whole_sheet_reads_it(monkeypatch, change):
    """A cut that falls on ``<row `` inside text leaves its part unclosed: calamine refuses it and the
    sheet is read whole."""
    plain = workbook(("题库", bank_rows(40)))
    data = with_sheet_xml(plain, change)
    assert data != plain

    split, _ = read_in_parts(data, monkeypatch, 2000)

    assert split == read_whole(data, monkeypatch)


def test_rows_that_do_not_say_their_number_are_read_whole(monkeypatch):
    data = with_sheet_xml(
        workbook(("题库", bank_rows())), lambda xml: re.sub(rb'<row r="\d+"', b"<row ", xml)
    )

    split, parsed = read_in_parts(data, monkeypatch, 1500)

    assert parsed == 0
    assert split == read_whole(data, monkeypatch)


def test_a_sheet_damaged_in_a_late_part_is_reported_as_when_read_whole(monkeypatch):
    def damage(xml: bytes) -> bytes:
        at = xml.index(b'<row r="250"')
        return xml[:at] + b'<row r="250"><c r="A250"><v>1</c>' + xml[at:]

    data = with_sheet_xml(workbook(("题库", bank_rows())), damage)

    split, _ = read_in_parts(data, monkeypatch, 1500)
    whole = read_whole(data, monkeypatch)

    assert split == whole
    assert not whole.questions and "无法读取这个工作表" in whole.problems[0].message


def test_a_reader_that_stops_early_leaves_no_worker_and_the_switch_interval_as_it_was():
    data = workbook(("题库", bank_rows()))
    before = sys.getswitchinterval()

    parts = xlsx_parts.parts(data, "题库", 1500)
    start, rows = next(parts)
    during = sys.getswitchinterval()
    parts.close()

    assert start == (0, 0) and rows[0][0] == "某公司安全培训题库"
    assert during < before
    assert sys.getswitchinterval() == before
    assert not [t for t in threading.enumerate() if t.name.startswith("xlsx-parts")]


def test_a_workbook_with_many_shared_strings_is_read_whole(monkeypatch):
    """Each part would parse the shared strings again (see STRINGS_AT_MOST)."""
    monkeypatch.setattr(xlsx_parts, "SPLIT_FROM", 1024)
    plain = workbook(("题库", bank_rows()))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        dst.writestr("xl/sharedStrings.xml", b"<sst>" + b" " * xlsx_parts.STRINGS_AT_MOST + b"</sst>")

    with zipfile.ZipFile(io.BytesIO(plain)) as zf:
        assert xlsx_parts.long_sheets(zf) == {"题库"}
    with zipfile.ZipFile(out) as zf:
        assert xlsx_parts.long_sheets(zf) == set()


def test_sheet_names_map_to_their_parts_as_calamine_resolves_them():
    data = workbook(("题库", [["判断题", "x", "", "A"]]), ("说明", [["填写说明"]]))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert xlsx_parts.sheet_paths(zf) == {
            "题库": "xl/worksheets/sheet1.xml",
            "说明": "xl/worksheets/sheet2.xml",
        }


def rows_of(xml: bytes) -> tuple[bytes, list[bytes], bytes]:
    """A sheet's XML as (what comes before its rows, its rows, what comes after)."""
    start, end = xml.index(b"<sheetData>") + len(b"<sheetData>"), xml.index(b"</sheetData>")
    return xml[:start], re.findall(rb"<row [^>]*>.*?</row>|<row [^>]*/>", xml[start:end], re.S), xml[end:]


def reordered(change: Callable[[list[bytes]], list[bytes]]) -> Callable[[bytes], bytes]:
    def apply(xml: bytes) -> bytes:
        head, rows, tail = rows_of(xml)
        return head + b"".join(change(rows)) + tail

    return apply


@pytest.mark.parametrize(
    "change",
    [
        reordered(lambda rows: rows[:3] + rows[150:] + rows[3:150]),  # the later half first
        reordered(lambda rows: [*rows, rows[10].replace(b"\xe8\xae\xbe\xe5\xa4\x87", b"XX")]),  # row 11 again
    ],
    ids=["rows out of order", "a row number repeated"],
)
def test_rows_out_of_order_across_parts_are_read_in_the_whole_reads_order(monkeypatch, change):
    """calamine puts a whole sheet in one grid (row order, a repeated row read once): parts out of order
    give way to the whole read."""
    data = with_sheet_xml(workbook(("题库", bank_rows())), change)

    split, _ = read_in_parts(data, monkeypatch, 1500)

    assert split == read_whole(data, monkeypatch)


@pytest.mark.parametrize("max_cells", [5000, 1500])
def test_the_cell_bound_counts_a_sheet_read_in_parts_as_the_whole_sheet(monkeypatch, max_cells):
    """One stray cell far right widens the whole sheet's used range, not only its own part's."""
    stray = b'<c r="Z5" t="inlineStr"><is><t>x</t></is></c></row>'
    data = with_sheet_xml(workbook(("题库", bank_rows())), lambda xml: xml.replace(b"</row>", stray, 5))
    data = with_sheet_xml(data, lambda xml: re.sub(rb"<dimension [^>]*/>", b"", xml))

    with monkeypatch.context() as m:
        m.setattr(xlsx_parts, "SPLIT_FROM", 1 << 40)
        whole = excel.read(data, limits=excel.DEFAULT_LIMITS.replace(max_cells=max_cells))
    with monkeypatch.context() as m:
        m.setattr(xlsx_parts, "SPLIT_FROM", 1024)
        split = excel.read(data, limits=excel.DEFAULT_LIMITS.replace(max_cells=max_cells))

    assert split == whole
    assert not whole.questions and "单元格太多" in whole.problems[0].message


def test_a_damaged_part_calamine_never_reads_does_not_stop_the_parts(monkeypatch):
    plain = workbook(("题库", bank_rows()))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            stored = info.filename == "docProps/app.xml"
            dst.writestr(
                info.filename, src.read(info), zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            )
    data = bytearray(out.getvalue())
    data[data.index(b"<Properties") + 1] = ord("Q")  # its checksum no longer matches
    data = bytes(data)

    split, parsed = read_in_parts(data, monkeypatch, 1500)

    assert parsed > 3
    assert split == read_whole(data, monkeypatch)


def test_a_sheet_left_early_stops_its_worker_before_the_next_sheet_is_read(monkeypatch):
    notes = [[f"说明第{i}行：这里写填写说明，不是题目。"] for i in range(400)]
    data = workbook(("说明", notes), ("题库", bank_rows(50)))
    seen = []

    def progress(_rows: int) -> None:
        seen.append(
            (
                [t.name for t in threading.enumerate() if t.name.startswith("xlsx-parts")],
                sys.getswitchinterval(),
            )
        )

    monkeypatch.setattr(xlsx_parts, "SPLIT_FROM", 1024)
    monkeypatch.setattr(
        xlsx_parts, "long_sheets", lambda zf: {"说明"}
    )  # the notes sheet only: left after its head
    monkeypatch.setattr(xlsx_parts, "PART_BYTES", 1500)
    before = sys.getswitchinterval()

    result = excel.read(data, progress=progress)

    assert len(result.questions) == 30
    assert seen[-1] == ([], before)  # the question sheet's rows, counted at its end


def test_a_long_sheet_without_a_header_counts_its_cells_as_the_whole_read_does(monkeypatch):
    """read_tables leaves a sheet without a header after its first rows; its cells still count."""
    notes = [[f"说明第{i}行：这里写填写说明，不是题目。", "备注"] for i in range(400)]
    data = workbook(("说明", notes), ("题库", [HEADER, ["判断题", "题干一", "A.正确**B.错误", "A"]]))
    data = with_sheet_xml(data, lambda xml: re.sub(rb"<dimension [^>]*/>", b"", xml))  # no early count
    limits = excel.DEFAULT_LIMITS.replace(max_cells=500)

    with monkeypatch.context() as m:
        m.setattr(xlsx_parts, "SPLIT_FROM", 1 << 40)
        whole = excel.read(data, limits=limits)
    with monkeypatch.context() as m:
        m.setattr(xlsx_parts, "SPLIT_FROM", 1024)
        m.setattr(xlsx_parts, "PART_BYTES", 1500)
        split = excel.read(data, limits=limits)

    assert split == whole
    assert not whole.questions and "单元格太多" in whole.problems[0].message


def rezipped(data: bytes, change: Callable[[zipfile.ZipFile, zipfile.ZipFile], None]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        change(src, dst)
    return out.getvalue()


def test_a_member_stored_twice_is_read_as_the_whole_read_reads_it(monkeypatch):
    def sheet_twice(src: zipfile.ZipFile, dst: zipfile.ZipFile) -> None:
        for info in src.infolist():
            content = src.read(info)
            if (
                info.filename == "xl/worksheets/sheet1.xml"
            ):  # an older copy first, then the one calamine reads
                dst.writestr(info.filename, content.replace(b"&#20316;&#19994;", b"&#21478;&#19968;"))
            dst.writestr(info.filename, content)

    with pytest.warns(UserWarning, match="Duplicate name"):
        data = rezipped(workbook(("题库", bank_rows())), sheet_twice)

    split, parsed = read_in_parts(data, monkeypatch, 1500)

    assert parsed == 0
    assert split == read_whole(data, monkeypatch)


def test_a_broken_member_calamine_never_reads_and_no_content_types_still_split(monkeypatch):
    def without_content_types(src: zipfile.ZipFile, dst: zipfile.ZipFile) -> None:
        for info in src.infolist():
            if info.filename != "[Content_Types].xml":
                dst.writestr(info.filename, src.read(info))
        dst.writestr("docProps/custom.xml", b"<Properties/>" * 50)

    data = bytearray(rezipped(workbook(("题库", bank_rows())), without_content_types))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo("docProps/custom.xml")
    at = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[at : at + 4] = b"\xff\xff\xff\xff"  # its deflate stream broken (zlib.error on reading it)
    data = bytes(data)

    split, parsed = read_in_parts(data, monkeypatch, 1500)

    assert parsed > 3
    assert split == read_whole(data, monkeypatch)
