"""An enterprise's handbook part from Markdown and Word, to Markdown and Word, compared between versions, and
printed as a booklet whose table of contents points at the right pages."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest

from quizbank.handbook_booklet import Booklet, BookletPart, Revision, render_booklet
from quizbank.handbook_files import (
    EditableSection,
    compare,
    section_diff,
    sections_from_docx,
    sections_from_markdown,
    sections_to_docx,
    sections_to_markdown,
)


def test_markdown_sections_keep_their_ids_and_get_new_ones_when_missing():
    text = (
        "---\ntitle: x\n---\n# 专业知识\n\n## 安全阀 {#valve}\n\n正文一\n\n### 小节\n\n## 压力表\n\n正文二\n"
    )
    result = sections_from_markdown(text)
    assert result.ok and result.title == "专业知识"
    assert [(x.id, x.title) for x in result.sections] == [("valve", "安全阀"), ("s-2", "压力表")]
    assert "### 小节" in result.sections[0].body


def test_markdown_without_second_level_headings_uses_the_first_level():
    result = sections_from_markdown("# 一\n\n甲\n\n# 二\n\n乙\n")
    assert [x.title for x in result.sections] == ["一", "二"]


def test_markdown_problems_name_the_line():
    result = sections_from_markdown("## 甲 {#a}\n\n## 乙 {#a}\n\n## 丙 {#Bad_Id}\n", name="h.md")
    assert not result.ok
    assert [p.where for p in result.problems] == ["h.md:5", "h.md:3"]
    assert "重复（第 1 行已用）" in result.problems[1].message


def test_markdown_without_headings_is_refused():
    result = sections_from_markdown("只有正文。", name="x.md")
    assert not result.ok and result.problems[0].where == "x.md:1"


def test_word_round_trip_keeps_titles_and_paragraphs():
    sections = [
        EditableSection("a", "安全阀", "第一段\n\n第二段"),
        EditableSection("b", "压力表", "定期检定"),
    ]
    data = sections_to_docx("手册", [("专业知识", sections)])
    back = sections_from_docx(data)
    assert [(x.title, x.body) for x in back.sections] == [
        ("安全阀", "第一段\n\n第二段"),
        ("压力表", "定期检定"),
    ]


def test_a_file_that_is_not_word_is_refused():
    result = sections_from_docx(b"not a zip", name="x.docx")
    assert not result.ok and result.problems[0].where == "x.docx"


def test_markdown_export_reads_back_the_same_sections():
    sections = (EditableSection("valve", "安全阀", "正文"), EditableSection("gauge", "压力表", "定期检定"))
    assert sections_from_markdown(sections_to_markdown("手册", sections)).sections == sections


def test_compare_names_added_removed_changed_and_moved_sections():
    a, b, c = (EditableSection(i, i.upper(), "x") for i in "abc")
    changes = compare([a, b, c], [EditableSection("c", "C", "y"), a, EditableSection("d", "D")])
    assert (changes.added, changes.removed, changes.changed, changes.moved) == (("d",), ("b",), ("c",), True)
    assert compare([a, b], [a, b]).empty


def test_section_diff_marks_lines_added_and_removed():
    lines = section_diff(EditableSection("a", "甲", "一\n二"), EditableSection("a", "甲", "一\n三"))
    assert [(x.kind, x.text) for x in lines] == [
        ("same", "【甲】"),
        ("same", "一"),
        ("remove", "二"),
        ("add", "三"),
    ]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is missing")
def test_the_booklet_toc_points_at_the_pages_the_sections_are_on(tmp_path):
    body = "作业前检查安全附件是否完好。" * 30
    parts = (
        BookletPart("通用知识", 2, tuple(EditableSection(f"g{i}", f"通用第{i}节", body) for i in range(6))),
        BookletPart(
            "专业知识", 1, tuple(EditableSection(f"p{i}", f"专业第{i}节", body * 3) for i in range(40))
        ),
    )
    booklet = Booklet(
        "甲企业",
        "压力容器操作岗位应知应会手册",
        parts,
        (Revision("专业知识", 1, date(2026, 12, 6), "王培训", "初版"),),
        date(2026, 12, 6),
    )
    path = tmp_path / "b.pdf"
    path.write_bytes(render_booklet(booklet))
    pages = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    toc_lines = [ln for page in pages[1:4] for ln in page.splitlines() if " . . " in ln]
    titles = [x.title for p in parts for x in p.sections]
    assert len(toc_lines) == len(titles) + 4  # the two parts, 修订记录, 签收页
    for title in titles:
        line = next(ln for ln in toc_lines if ln.split()[0] == title)
        assert title in pages[int(line.split()[-1]) - 1], title
    assert "通用知识 第 2 版" in pages[0] and "甲企业" in pages[0]


def test_a_word_file_too_large_unpacked_is_refused_before_unpacking():
    data = sections_to_docx("手册", [("专业知识", [EditableSection("a", "甲", "乙" * 20000)])])
    result = sections_from_docx(data, name="big.docx", max_unpacked=50_000)
    assert not result.ok and "解压后太大" in result.problems[0].message
