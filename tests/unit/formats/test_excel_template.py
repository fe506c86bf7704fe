"""Workbooks and csv files in the trainers' templates, with the oddities real banks have."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile

import pytest
from python_calamine import CalamineWorkbook

from quizbank import formats
from quizbank.formats import excel
from quizbank.model import TRUE_FALSE_OPTIONS
from tests.unit.formats.format_builders import by_source, multiple, problems_at, single, truefalse, workbook

TEMPLATE = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "答案", "解析", "难度", "知识点", "章节"]


def test_template_with_separate_option_columns_reads_every_field():
    data = workbook(
        (
            "题库",
            [
                TEMPLATE,
                [
                    "单选题",
                    "12．动火前应检查多大范围？",
                    "A．5米",
                    "B．10米",
                    "C．15米",
                    None,
                    "C",
                    "规程要求",
                    2,
                    "动火，重大事故隐患",
                    "weld-prep",
                ],
                [
                    "多选题",
                    "(3) 哪些是三违？",
                    "违章指挥",
                    "违章作业",
                    "违反劳动纪律",
                    "按时下班",
                    "A、B、C",
                    None,
                    "较难",
                    None,
                    None,
                ],
                ["判断题", "13、高处作业必须系安全带。", None, None, None, None, "√", None, None, None, None],
            ],
        )
    )
    result = excel.read(data)
    q = by_source(result, "题库!R2")
    assert (q.type, q.stem, q.options, q.answer) == (
        "single",
        "动火前应检查多大范围？",
        ("5米", "10米", "15米"),
        (2,),
    )
    assert (q.explanation, q.difficulty, q.tags, q.section) == (
        "规程要求",
        2,
        ("动火", "重大事故隐患"),
        "weld-prep",
    )
    q = by_source(result, "题库!R3")
    assert (q.type, q.stem, q.answer, q.difficulty) == ("multiple", "哪些是三违？", (0, 1, 2), 4)
    q = by_source(result, "题库!R4")
    assert (q.type, q.stem, q.options, q.answer) == (
        "truefalse",
        "高处作业必须系安全带。",
        TRUE_FALSE_OPTIONS,
        (0,),
    )
    assert result.problems == ()
    assert all(q.id.startswith("imp-") for q in result.questions)


def test_unsupported_types_are_reported_row_by_row_not_guessed():
    data = workbook(
        (
            "Sheet1",
            [
                ["题型", "题干", "选项", "答案"],
                ["填空题", "焊工应持（）上岗。", "", "证"],
                ["简答题", "什么是三违？", "", "…"],
                ["单选题", "问？", "A.甲**B.乙", "B"],
            ],
        )
    )
    result = excel.read(data)
    assert [q.source for q in result.questions] == ["Sheet1!R4"]
    assert "不支持的题型“填空题”" in problems_at(result, "Sheet1!R2")[0]
    assert "不支持的题型“简答题”" in problems_at(result, "Sheet1!R3")[0]


def test_multiple_choice_with_one_answer_letter_is_a_problem_not_a_single():
    result = excel.read(
        workbook(("S", [["题型", "题干", "选项", "答案"], ["多选题", "问？", "A.甲**B.乙**C.丙", "B"]]))
    )
    assert result.questions == ()
    assert "多选题至少要有两个答案" in problems_at(result, "S!R2")[0]


def test_single_choice_with_two_answers_is_refused():
    result = excel.read(
        workbook(("S", [["题型", "题干", "选项", "答案"], ["单选题", "问？", "A.甲**B.乙**C.丙", "AB"]]))
    )
    assert "单选题只能有一个答案" in problems_at(result, "S!R2")[0]


def test_true_false_answers_A_and_B_mean_true_and_false():
    rows = [["试题类型(判断题、单选题、多选题)", "题目内容", "题目选项(选项之间用**隔开)", "题目答案"]]
    rows += [
        ["判断题", "1.甲", "A.正确**B.错误", "A"],
        ["判断题", "2.乙", "A.正确**B.错误", "B"],
        ["判断题", "3.丙", "", "错"],
    ]
    rows += [["判断题", "4.丁", "A.错误**B.正确", "A"]]
    result = excel.read(workbook(("S", rows)))
    assert [(q.stem, q.answer) for q in result.questions] == [
        ("甲", (0,)),
        ("乙", (1,)),
        ("丙", (1,)),
        ("丁", (1,)),
    ]


def test_header_one_column_to_the_right_of_the_data_is_realigned():
    rows = [
        [None, "题型", "题干", "选项", "答案"],
        ["单选题", "问一？", "A.甲**B.乙", "B", None],
        ["判断题", "问二。", "", "对", None],
    ]
    result = excel.read(workbook(("S", rows)))
    assert [(q.stem, q.answer) for q in result.questions] == [("问一？", (1,)), ("问二。", (0,))]
    assert any("错开了一列" in p.message and not p.skipped for p in result.problems)


def test_table_starting_in_column_B_with_picture_and_empty_columns():
    rows = [
        [None, "序号", "题型", "题干", "图片", "选项", "答案", None],
        [None, 1, "单选题", "问？", None, "A##B##C", "C", None],
    ]
    result = excel.read(workbook(("S", rows)))
    q = by_source(result, "S!R2")
    assert (q.options, q.answer) == (("A", "B", "C"), (2,))


def test_options_in_one_cell_split_on_hashes_bars_and_new_lines():
    rows = [["题型", "题干", "选项", "答案"]]
    rows += [
        ["单选题", "一", "A、甲##B、乙##C、丙", "A"],
        ["单选题", "二", "(A)甲|(B)乙", "B"],
        ["单选题", "三", "A)甲\nB)乙\nC)丙", "C"],
    ]
    rows += [["单选题", "四", "A.甲 B.乙 C.丙", "B"]]
    result = excel.read(workbook(("S", rows)))
    assert [q.options for q in result.questions] == [
        ("甲", "乙", "丙"),
        ("甲", "乙"),
        ("甲", "乙", "丙"),
        ("甲", "乙", "丙"),
    ]


def test_continuation_sheet_without_header_uses_the_first_sheets_columns():
    first = (
        "Sheet1",
        [
            ["作业种类", "试题类型", "题目内容", "题目选项", "题目答案"],
            ["电焊", "单选题", "1.问？", "**A甲**B乙", "A"],
        ],
    )
    second = (
        "Sheet2",
        [
            ["电焊", "多选题", "2.问二？", "**A甲**B乙**C丙", "AC"],
            ["电焊", "判断题", "3.问三。", "**A.正确**B.错误", "B"],
        ],
    )
    result = excel.read(workbook(first, ("空", []), second))
    q = by_source(result, "Sheet2!R1")
    assert (q.type, q.stem, q.options, q.answer) == ("multiple", "问二？", ("甲", "乙", "丙"), (0, 2))
    assert by_source(result, "Sheet2!R2").answer == (1,)
    assert any("没有表头行" in p.message and not p.skipped for p in result.problems)


def test_sheet_without_header_and_nothing_before_it_is_reported():
    result = excel.read(workbook(("S", [["单选题", "问？", "A.甲**B.乙", "A"]])))
    assert result.questions == ()
    assert "找不到表头行" in problems_at(result, "S!R1")[0]


def test_answer_beyond_the_options_is_reported_with_the_row():
    result = excel.read(
        workbook(("S", [["题型", "题干", "选项", "答案"], ["单选题", "问？", "A.甲**B.乙", "D"]]))
    )
    assert "超出了选项" in problems_at(result, "S!R2")[0]


def test_csv_in_utf8_bom_and_gbk_reads_the_same_with_line_numbers():
    text = '题型,题干,选项,答案,解析\n单选题,1.问？,A.甲**B.乙,B,因为\n判断题,"2.多行\n题干。",,错,\n填空题,3.空,,x,\n'
    for encoding in ("utf-8", "utf-8-sig", "gbk"):
        result = formats.read(text.encode(encoding), format="csv", name="bank.csv")
        assert [(q.source, q.stem, q.answer) for q in result.questions] == [
            ("line 2", "问？", (1,)),
            ("line 3", "多行\n题干。", (1,)),
        ], encoding
        assert "不支持的题型" in problems_at(result, "line 5")[0]


def test_xlsx_written_in_our_template_reads_back_and_keeps_formulas_as_text():
    questions = [
        single(
            stem="=1+1 是公式吗？",
            options=("=A1", "+B", "-5℃", "@x"),
            answer=(3,),
            explanation="**不是**|",
            tags=("a", "b"),
            section="s-1",
            difficulty=5,
        ),
        multiple(),
        truefalse(true=False),
    ]
    data = formats.write(questions, "excel")
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert sheet[0][:3] == ["题型", "题干", "选项A"]
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert b"<f>" not in zf.read("xl/worksheets/sheet1.xml")
    back = excel.read(data).questions
    keep = lambda q: (q.type, q.stem, q.options, q.answer, q.explanation, q.difficulty, q.tags, q.section)  # noqa: E731
    assert [keep(q) for q in back] == [keep(q) for q in questions]


@pytest.mark.parametrize("format", ["excel", "csv"])
def test_every_spreadsheet_writer_neutralises_text_a_spreadsheet_would_run_as_a_formula(format):
    q = single(stem="=1+1 是公式吗？", options=("=A1", "+B", "-5℃", "@x"), answer=(3,), explanation="\tcmd")
    data = formats.write([q], format)
    if format == "excel":
        rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    else:
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header, row = rows[0], rows[1]
    assert [row[header.index(h)] for h in ("题干", "选项A", "选项B", "选项C", "选项D", "解析")] == [
        "'=1+1 是公式吗？",
        "'=A1",
        "'+B",
        "'-5℃",
        "'@x",
        "'\tcmd",
    ]
    back = formats.read(data, format=format).questions[0]
    assert (back.stem, back.options, back.explanation) == (q.stem, q.options, q.explanation)


@pytest.mark.parametrize("format", ["excel", "csv"])
def test_basis_column_is_read_into_the_question_and_written_back(format):
    data = workbook(
        (
            "题库",
            [
                ["题型", "题干", "选项", "答案", "依据（法规条款）"],
                ["单选题", "动火前应清除多大范围的可燃物？", "A.5米**B.10米", "B", "GB 30871-2022 5.3"],
                ["判断题", "特种作业人员必须持证上岗。", None, "对", None],
            ],
        )
    )
    first, second = excel.read(data).questions
    assert (first.basis, second.basis) == ("GB 30871-2022 5.3", "")
    written = formats.write([first, second], format)
    back = formats.read(written, format=format).questions
    assert [q.basis for q in back] == ["GB 30871-2022 5.3", ""]


def test_csv_written_guards_formula_cells_and_reads_them_back():
    q = single(stem='=HYPERLINK("x")', options=("-1", "+2"), answer=(0,))
    data = excel.write_csv([q])
    assert "'=HYPERLINK" in data.decode("utf-8-sig")
    assert excel.read_csv(data).questions[0].stem == q.stem


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_neutralised_in_exports(start):
    assert excel.neutralise_formula(f"{start}cmd|' /C calc'!A0") == f"'{start}cmd|' /C calc'!A0"
    assert excel.neutralise_formula("张三") == "张三"
    assert excel.neutralise_formula(12) == 12


def test_encrypted_or_old_xls_workbook_is_refused_plainly():
    result = excel.read(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, name="bank.xlsx")
    assert result.questions == ()
    assert (
        len(result.problems) == 1
        and "加密" in result.problems[0].message
        and ".xls" in result.problems[0].message
    )


def test_damaged_zip_is_a_clear_error():
    data = workbook(("S", [["题型", "题干", "选项", "答案"]]))
    result = excel.read(data[: len(data) // 2], name="bank.xlsx")
    assert (result.questions, result.problems[0].where) == ((), "bank.xlsx")
    assert "损坏" in result.problems[0].message


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))
    return out.getvalue()


def test_zip_bomb_is_refused_from_the_central_directory():
    data = zip_bomb()
    assert len(data) < 200_000
    result = excel.read(data, name="bomb.xlsx")
    assert result.questions == () and "压缩炸弹" in result.problems[0].message
    result = excel.read(data, name="bomb.xlsx", max_ratio=10**6, max_unpacked=10 * 1024 * 1024)
    assert "解压后太大" in result.problems[0].message


def test_file_larger_than_the_cap_is_refused_before_reading(tmp_path):
    path = tmp_path / "big.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\0" * 2000)
    result = formats.read(path, max_bytes=1000)
    assert result.questions == () and "文件太大" in result.problems[0].message


def test_imported_ids_are_the_content_ids_json_dumps_gave_before():
    """Ids of imported questions stay what they were (a re-import finds the same questions)."""
    rows = [["题型", "题干", "选项", "答案"], ["单选题", '引号"与\\反斜杠', "A.甲**B.乙\n丙", "B"]]
    rows += [
        ["判断题", "高处作业必须系安全带。", None, "对"],
        ["判断题", "高处作业必须系安全带。", None, "对"],
    ]
    result = excel.read(workbook(("S", rows)))
    first, second, again = result.questions
    for q in (first, second):
        payload = json.dumps(
            [q.type, q.stem, list(q.options), list(q.answer)], ensure_ascii=False, separators=(",", ":")
        )
        assert q.id == "imp-" + hashlib.sha256(payload.encode()).hexdigest()[:12]
    assert again.id == second.id + "-2"
    assert "题目完全相同" in problems_at(result, "S!R4")[0]
