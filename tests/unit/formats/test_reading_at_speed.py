"""What the quick paths of table reading keep: the same questions, problems and notes as the long ways."""

from __future__ import annotations

import dataclasses

import pytest

from quizbank import formats
from quizbank.model import Question
from quizbank.questionsets import question_problems
from tests.unit.formats.format_builders import by_source, problems_at, workbook

HEADER = ["题型", "题干", "选项", "答案", "难度", "章节"]


def test_a_dry_run_reads_what_the_commit_reads_without_content_ids_and_tells_the_same_repeats():
    rows = [
        HEADER,
        ["判断题", "1．作业前必须检查设备。", "A.正确**B.错误", "A", 2, "s1"],
        ["单选题", "2．动火范围？", "**A5米**B10米", "B", 3, "s2"],
        ["判断题", "3．作业前必须检查设备。", "A.正确**B.错误", "A", 2, "s1"],  # the first again
        ["单选题", "4．动火范围？", "**A5米**B10米", "A", 3, "s2"],  # another answer: not a repeat
    ]
    data = workbook(("Sheet1", rows))
    committed = formats.read(data, format="excel", name="b.xlsx")
    dry = formats.read(data, format="excel", name="b.xlsx", ids=False)
    assert [q.id for q in dry.questions] == [""] * 4
    assert all(q.id.startswith("imp-") for q in committed.questions)
    assert [dataclasses.replace(q, id="") for q in committed.questions] == list(dry.questions)
    assert dry.problems == committed.problems
    assert problems_at(dry, "Sheet1!R4") == ["与 Sheet1!R2 的题目完全相同（已导入，请确认是否重复）"]


def test_cells_that_compare_equal_but_say_different_things_are_each_read_as_written():
    # A boolean TRUE cell is 对 for a 判断题; the number 1 is no answer at all. In Python True == 1 and
    # 3 == 3.0, so what a reader keeps per cell value must tell them apart by their kind.
    rows = [
        HEADER,
        ["判断题", "甲", "", True, True, True],
        ["判断题", "乙", "", 1, 1, 1],
        ["判断题", "丙", "", True, 1.0, 1.0],
    ]
    result = formats.read(workbook(("Sheet1", rows)), format="excel", name="b.xlsx")
    first = by_source(result, "Sheet1!R2")
    assert (first.answer, first.section) == ((0,), "TRUE")
    assert problems_at(result, "Sheet1!R2") == ["难度“TRUE”无法识别（应为 1–5 或 易/中/难），按 3 导入"]
    assert problems_at(result, "Sheet1!R3") == ["答案 '1' 不是选项字母（A–H）"]
    third = by_source(result, "Sheet1!R4")
    assert (third.answer, third.difficulty, third.section) == ((0,), 1, "1")


GOOD = Question("q1", "single", "问", ("甲", "乙"), (1,))


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"options": ("甲", " 甲")},  # the same once stripped
        {"options": ("甲", "  ")},
        {"answer": (2,)},
        {"answer": (-1,)},
        {"type": "multiple", "answer": (1, 1)},
        {"type": "multiple", "answer": (1,)},
        {"type": "truefalse"},
        {"type": "truefalse", "options": ("正确", "错误"), "answer": (0, 1)},
        {"type": "truefalse", "options": ["正确", "错误"], "answer": (0,)},  # a list: the long way, valid
        {"difficulty": True},  # a bool is an int: the long way, valid
        {"difficulty": 6},
        {"id": " "},
        {"stem": "\u3000"},
        {"type": "essay"},
        {"options": tuple("ABCDEFGHI"), "answer": (0,)},
    ],
)
def test_question_problems_finds_on_the_quick_path_what_the_long_way_finds(changes):
    from quizbank import questionsets

    q = dataclasses.replace(GOOD, **changes)
    quick = question_problems(q)
    saved = questionsets._plainly_valid
    questionsets._plainly_valid = lambda q: False
    try:
        assert quick == question_problems(q)
    finally:
        questionsets._plainly_valid = saved
