"""Real banks' numbering and option labels (issue 8 item 19), each in a small bank of our own.

Numbering is told from text by the row sequence: a number that may be text (``79 车辆``, ``1.15cm``)
is numbering only where the rows count up to it or on from it. Options in one cell are split by the
labels' sequence A, B, C… whatever separates them."""

from __future__ import annotations

import pytest

from quizbank.formats import excel
from quizbank.formats import text as t
from quizbank.formats.options import split_options
from tests.unit.formats.format_builders import workbook

HEADER = ["题型", "题干", "选项", "答案"]


def stems(rows: list[list[object]]) -> list[str]:
    result = excel.read(workbook(("Sheet1", [HEADER, *rows])))
    assert [p for p in result.problems if p.skipped] == []
    return [q.stem for q in result.questions]


def tf(stem: str) -> list[object]:
    return ["判断题", stem, None, "对"]


def single(stem: str) -> list[object]:
    return ["单选题", stem, "A.甲**B.乙**C.丙**D.丁", "B"]


def test_stems_numbered_with_a_tab_a_space_a_stray_comma_or_nothing_lose_the_number():
    rows = [
        tf("77.氧气瓶应直立放置。"),
        tf("78车辆倒车时应鸣笛。"),
        tf("79 车辆在厂区内应限速行驶。"),
        tf("80\t氩气是惰性气体。"),
        tf("81,、乙炔瓶不得卧放。"),
    ]
    assert stems(rows) == [
        "氧气瓶应直立放置。",
        "车辆倒车时应鸣笛。",
        "车辆在厂区内应限速行驶。",
        "氩气是惰性气体。",
        "乙炔瓶不得卧放。",
    ]


def test_a_tab_or_a_comma_and_pause_mark_is_numbering_even_out_of_sequence():
    assert t.number_stem("263\t氩气是惰性气体。") == ("氩气是惰性气体。", 263)
    assert t.number_stem("155,、乙炔瓶不得卧放。") == ("乙炔瓶不得卧放。", 155)


def test_numbering_restarting_at_1_in_a_new_block_loses_only_the_number():
    rows = [tf("51.安全帽应定期检查。"), tf("52.高处作业应系安全带。")]
    rows += [single("1.15cm粗的钢丝绳的安全系数应为多少？"), single("2.起重作业应由谁指挥？")]
    assert stems(rows)[2:] == ["15cm粗的钢丝绳的安全系数应为多少？", "起重作业应由谁指挥？"]


def test_a_number_that_belongs_to_the_stem_stays_where_the_sequence_does_not_reach_it():
    rows = [
        tf("40.灭火器应定期检查。"),
        single("1211灭火器适用于扑救哪类火灾？"),
        single("42.动火作业应办理什么手续？"),
        single("600兆瓦以上锅炉应配备几名司炉工？"),
        single("44 起重机吊运时下方能否站人？"),
    ]
    assert stems(rows) == [
        "灭火器应定期检查。",
        "1211灭火器适用于扑救哪类火灾？",
        "动火作业应办理什么手续？",
        "600兆瓦以上锅炉应配备几名司炉工？",
        "起重机吊运时下方能否站人？",
    ]


def test_an_unnumbered_bank_keeps_every_leading_number():
    rows = [
        single("1.5米以上为高处作业吗？"),
        single("600兆瓦以上锅炉的运行要求？"),
        tf("10 kV线路应停电检修。"),
    ]
    assert stems(rows) == ["1.5米以上为高处作业吗？", "600兆瓦以上锅炉的运行要求？", "10 kV线路应停电检修。"]


@pytest.mark.parametrize(
    "cell, options",
    [
        ("**A、氧气**B、氮气 C、氩气D、乙炔", ("氧气", "氮气", "氩气", "乙炔")),
        ("**A、氧气B、氮气C,氩气", ("氧气", "氮气", "氩气")),
        ("**A、氧气**B、氮气**c、氩气**D、乙炔", ("氧气", "氮气", "氩气", "乙炔")),
        ("**a、氧气**b、氮气**c、氩气", ("氧气", "氮气", "氩气")),
        ("Ａ．氧气Ｂ．氮气 Ｃ．氩气", ("氧气", "氮气", "氩气")),
        ("A.维生素B、C B.钙片", ("维生素B、C", "钙片")),
    ],
)
def test_options_in_one_cell_are_split_by_the_sequence_of_their_labels(cell, options):
    assert split_options(cell) == options


def test_a_row_with_mixed_delimiters_imports_with_its_answer_D():
    result = excel.read(
        workbook(
            ("Sheet1", [HEADER, ["单选题", "3.哪种气体可燃？", "**A、氧气**B、氮气 C、氩气D、乙炔", "D"]])
        )
    )
    q = result.questions[0]
    assert (q.options, q.answer, result.problems) == (("氧气", "氮气", "氩气", "乙炔"), (3,), ())


def test_a_row_is_reported_only_when_no_reading_by_labels_reaches_its_answer():
    result = excel.read(
        workbook(("Sheet1", [HEADER, ["单选题", "哪种气体可燃？", "**A、氧气**B、氮气 D、乙炔", "D"]]))
    )
    assert result.questions == ()
    assert "超出了选项" in result.problems[0].message and result.problems[0].where == "Sheet1!R2"


def test_numbering_in_brackets_or_as_di_n_ti_keeps_the_sequence_going():
    assert t.number_stem("（12）焊工应持证。") == ("焊工应持证。", 12)
    assert t.number_stem("第13题 焊工应持证。") == ("焊工应持证。", 13)
    assert t.number_stem("．集油器应定期排油。") == ("集油器应定期排油。", None)
    assert t.number_stem("焊工应持证。") == ("焊工应持证。", None)
    rows = [tf("（40）灭火器应定期检查。"), tf("41 车辆在厂区内应限速行驶。")]
    assert stems(rows) == ["灭火器应定期检查。", "车辆在厂区内应限速行驶。"]
