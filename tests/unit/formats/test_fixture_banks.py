"""Small banks of our own that reproduce each quirk of the real banks in the shared corpus, so the
importer is tested wherever the repository is cloned (the corpus tests are an extra on top).

Each bank mirrors one real bank's layout and oddities with invented questions:
- a welding bank: 作业种类 column, options joined by ``**`` without dots, a B typed as 8, ``**`` inside
  an option, stems numbered ``201，`` and ``325、16MnDR…`` / ``113.1Cr18Ni9…``;
- a forklift bank: hints in the header cells, a trailing ``**`` and new line after the last option;
- a pressure-vessel bank: 作业种类 (a chapter) and 章节 columns, full-width labels, a missing separator, options on lines,
  a true/false row with stray choice options, and the rows broken in the source itself;
- a GIFT file with the question types Moodle's own fixture has.
"""

from __future__ import annotations

import pytest

from quizbank import formats
from quizbank.formats import excel
from quizbank.model import TRUE_FALSE_OPTIONS
from tests.unit.formats.format_builders import by_source, by_stem, problems_at, workbook

WELDING = [
    ["题型", "题干", "选项", "答案", "作业种类"],
    ["单选题", "1、下列哪项不是焊工的职责？", "**A检查设备**B清理现场**C佩戴护具**D擅自离岗", "D", "电焊"],
    ["多选题", "2、焊接现场应配备", "**A灭火器**B防护面罩**C通风设施**D香烟", "ABC", "电焊"],
    ["判断题", "3、焊接电缆可以搭在氧气瓶上。", None, "错", "电焊"],
    ["单选题", "4、低碳钢焊缝的冷却过程属于", "**A两次冷却8一次冷却**C三次冷却**D四次冷却", "B", "电焊"],
    [
        "单选题",
        "5、下列气体中属于惰性气体的是",
        "**A氩气（Ar**）**B氧气（O2）**C氢气（H2）**D乙炔（C2H2）",
        "A",
        "电焊",
    ],
    ["单选题", "201，焊机外壳接地线的截面积不小于", "**A1**B1.5**C2**D2.5", "C", "电焊"],
    ["判断题", "325、16MnDR钢适用于低温压力容器。", None, "对", "电焊"],
    ["单选题", "112、焊前预热的目的是", "**A减少裂纹**B增加硬度", "A", "电焊"],
    ["单选题", "113.1Cr18Ni9钢属于哪类钢？", "**A不锈钢**B碳素钢", "A", "电焊"],
]

FORKLIFT = [
    ["序号", "试题类型(判断题、单选题、多选题)", "试题内容（题干）", "选项（用**分隔）", "答案（填字母）"],
    [1, "判断题", "叉车可以载人作业。", None, "错"],
    [2, "单选题", "叉车起步前应先", "A.鸣笛**B.加速**C.倒车**D.熄火", "A"],
    [3, "单选题", "叉车货叉插入托盘的深度应为", "A.全部插入**B.一半**C.三分之一**\n", "A"],
    [4, "多选题", "叉车日常检查包括", "A.轮胎气压**B.制动性能**C.液压油位**D.货叉裂纹", "ABCD"],
]

VESSEL = [
    ["作业种类", "章节", "试题类型", "题目内容", "题目选项", "题目答案", None],
    ["第一章 基础知识", "1.1概述", "判断题", "1．压力容器的设计压力不得低于工作压力。", None, "正确"],
    [
        "第一章 基础知识",
        "1.1概述",
        "多选题",
        "2．压力容器的主要参数有",
        "**A．压力**B．温度**C．容积**D．颜色",
        "ABC",
    ],
    [
        "第一章 基础知识",
        "1.2仪表",
        "单选题",
        "3．真空表测量的是",
        "**A．绝对压力**Ｂ．负压**Ｃ．表压力**Ｄ．大气压",
        "B",
    ],
    [
        "第一章 基础知识",
        "1.2仪表",
        "单选题",
        "4．安全阀应在容器（ ）校验。",
        "**A.运行时B．停用时**C．外部**D．内部",
        "B",
    ],
    ["第一章 基础知识", "1.2仪表", "单选题", "5．常见的密封形式是", "A．强制式\nB．自紧式\nC．半自紧式", "A"],
    ["第一章 基础知识", "1.3介质", "判断题", "6．氮气是有毒气体。", "A.有毒**B.无毒", "B"],
    ["第二章 操作", "2.1开车", "多选题", "7．置换的方法有", "**A.抽真空法", "ACD"],
    ["第二章 操作", "2.1开车", "单选题", "8．低压容器的压力范围是", "**A.低压**B.中压**", "C"],
    ["第二章 操作", "2.2停车", "单选题", "9．下图中哪个是爆破片？", "A   B   C   D", "A"],
]
VESSEL_BROKEN = {
    "Sheet1!R8": "至少要有两个选项",
    "Sheet1!R9": "超出了选项",
    "Sheet1!R10": "只有选项字母",
}


@pytest.fixture(scope="module")
def welding():
    return excel.read(workbook(("Sheet1", WELDING)))


def test_welding_bank_imports_every_row(welding):
    assert len(welding.questions) == len(WELDING) - 1 and welding.problems == ()


def test_options_joined_by_stars_without_dots_lose_their_bare_labels(welding):
    q = by_source(welding, "Sheet1!R2")
    assert (q.type, q.stem, q.options, q.answer) == (
        "single",
        "下列哪项不是焊工的职责？",
        ("检查设备", "清理现场", "佩戴护具", "擅自离岗"),
        (3,),
    )
    assert q.tags == ("电焊",)  # 作业种类
    assert by_source(welding, "Sheet1!R4").options == TRUE_FALSE_OPTIONS


def test_a_label_B_typed_as_8_is_recovered(welding):
    assert by_source(welding, "Sheet1!R5").options == ("两次冷却", "一次冷却", "三次冷却", "四次冷却")


def test_stars_inside_an_option_stay_in_that_option(welding):
    assert by_source(welding, "Sheet1!R6").options == (
        "氩气（Ar）",
        "氧气（O2）",
        "氢气（H2）",
        "乙炔（C2H2）",
    )


def test_stems_numbered_with_a_comma_or_before_a_steel_grade_lose_only_the_number(welding):
    assert by_source(welding, "Sheet1!R7").stem == "焊机外壳接地线的截面积不小于"
    assert by_source(welding, "Sheet1!R7").options == ("1", "1.5", "2", "2.5")
    assert by_source(welding, "Sheet1!R8").stem == "16MnDR钢适用于低温压力容器。"
    assert by_source(welding, "Sheet1!R10").stem == "1Cr18Ni9钢属于哪类钢？"


def test_forklift_bank_with_hints_in_its_header_and_a_trailing_separator():
    result = excel.read(workbook(("Sheet1", FORKLIFT)))
    assert len(result.questions) == 4 and result.problems == ()
    q = by_stem(result, "叉车可以载人作业")
    assert (q.type, q.options, q.answer) == ("truefalse", TRUE_FALSE_OPTIONS, (1,))
    assert by_stem(result, "叉车货叉插入托盘").options == ("全部插入", "一半", "三分之一")
    assert by_stem(result, "叉车日常检查包括").answer == (0, 1, 2, 3)


@pytest.fixture(scope="module")
def vessel():
    return excel.read(workbook(("Sheet1", VESSEL)))


def test_pressure_vessel_bank_imports_every_row_but_those_broken_in_the_source(vessel):
    assert len(vessel.questions) == len(VESSEL) - 1 - len(VESSEL_BROKEN)
    skipped = {p.where: p.message for p in vessel.problems if p.skipped}
    assert set(skipped) == set(VESSEL_BROKEN)
    for where, reason in VESSEL_BROKEN.items():
        assert reason in skipped[where]


def test_chapter_and_section_columns_and_full_width_numbering(vessel):
    q = by_source(vessel, "Sheet1!R2")
    assert (q.stem, q.type, q.answer, q.section, q.tags) == (
        "压力容器的设计压力不得低于工作压力。",
        "truefalse",
        (0,),
        "1.1概述",
        ("第一章 基础知识",),
    )
    assert by_source(vessel, "Sheet1!R3").options == ("压力", "温度", "容积", "颜色")


def test_full_width_labels_a_missing_separator_and_options_on_lines(vessel):
    assert by_source(vessel, "Sheet1!R4").options == ("绝对压力", "负压", "表压力", "大气压")
    assert by_source(vessel, "Sheet1!R5").options == ("运行时", "停用时", "外部", "内部")
    assert by_source(vessel, "Sheet1!R6").options == ("强制式", "自紧式", "半自紧式")


def test_true_false_row_with_stray_choice_options_reads_its_letter_as_true_or_false(vessel):
    q = by_source(vessel, "Sheet1!R7")
    assert (q.type, q.options, q.answer) == ("truefalse", TRUE_FALSE_OPTIONS, (1,))
    assert any("已忽略" in m for m in problems_at(vessel, "Sheet1!R7"))


GIFT = """// essay: not supported
::E1:: 描述动火作业的流程。 {}

::M1:: 配对 {
=氧气 -> 助燃
=乙炔 -> 可燃
=氮气 -> 惰性
}

::Q1:: 哪种气体助燃？ {=氧气#对 ~氮气#错 ~氦气}

::Q2:: 哪些是三违？ {~%50%违章指挥 ~%50%违章作业 ~%-100%按时下班}

::N1:: 安全电压是多少伏？ {#36}

::S1:: 三违中的第一个是？ {=违章指挥}

::T1:: 焊工必须持证上岗。 {T#对}

::T2:: 氧气瓶可以卧放。 {FALSE}
"""


def test_gift_file_imports_the_supported_types_and_reports_the_others_by_line():
    result = formats.read(GIFT.encode(), format="gift")
    got = [(q.source, q.type, q.answer) for q in result.questions]
    assert got == [
        ("line 10", "single", (0,)),
        ("line 12", "multiple", (0, 1)),
        ("line 18", "truefalse", (0,)),
        ("line 20", "truefalse", (1,)),
    ]
    assert result.questions[0].explanation == "对"
    skipped = {p.where: p.message for p in result.problems if p.skipped}
    assert set(skipped) == {"line 2", "line 4", "line 14", "line 16"}
    assert "essay" in skipped["line 2"] and "matching" in skipped["line 4"]
    assert "numerical" in skipped["line 14"] and "short answer" in skipped["line 16"]
