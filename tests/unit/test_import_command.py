"""`quizbank import`: the JSON contract, exit codes, the summary, and the hand-over to the web shell."""

from __future__ import annotations

import io
import json
import sys
import types
from pathlib import Path

import pytest

from quizbank import formats
from quizbank.cli import main
from quizbank.commands import import_
from quizbank.model import Question
from tests.corpus import corpus_path


def write_csv(tmp_path, text: str, name="bank.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


BANK = "题型,题干,选项,答案,解析,章节\n单选题,1.问？,A.甲**B.乙,B,因为,weld-prep\n填空题,2.空,,x,,\n"


def test_json_output_is_one_object_with_questions_and_problems(tmp_path, capsys):
    path = write_csv(tmp_path, BANK)
    assert main(["import", str(path), "--dry-run", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["file"] == str(path) and out["format"] == "csv"
    assert out["questions"] == [
        {
            "type": "single",
            "stem": "问？",
            "options": ["甲", "乙"],
            "answer": [1],
            "explanation": "因为",
            "section": "weld-prep",
            "difficulty": 3,
            "source": "line 2",
        }
    ]
    assert out["problems"] == [
        {
            "where": "line 3",
            "message": "不支持的题型“填空题”（只导入 判断题、单选题、多选题）",
            "skipped": True,
        }
    ]


def test_gift_fixture_summary_counts_per_type_and_lists_problems_with_lines(capsys):
    assert main(["import", str(corpus_path("gift", "moodle-questions.gift.txt")), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "可导入 5 题" in out and "单选题 1，多选题 1，判断题 3" in out
    assert "line 5: 配对题（matching）不支持" in out


def test_nothing_importable_exits_1_saying_why(tmp_path, capsys):
    path = write_csv(tmp_path, "题型,题干,选项,答案\n填空题,空,,x\n")
    assert main(["import", str(path), "--dry-run"]) == 1
    assert "没有导入任何题目" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.xlsx", b"", "文件是空的"),
        ("blank.csv", b"\n \n", "文件是空的"),
        ("header_only.csv", "题型,题干,选项,答案\n".encode(), "没有找到题目"),
        ("comments.gift", b"// only a comment\n", "没有找到题目"),
    ],
)
def test_a_file_without_questions_exits_1_with_a_problem_saying_so(tmp_path, capsys, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    assert main(["import", str(path), "--dry-run", "--json"]) == 1
    problems = json.loads(capsys.readouterr().out)["problems"]
    assert [(p["where"], p["skipped"]) for p in problems] == [(str(path), True)]
    assert reason in problems[0]["message"]


def test_encrypted_workbook_exits_1_with_the_reason(tmp_path, capsys):
    path = tmp_path / "locked.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    assert main(["import", str(path), "--dry-run", "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["questions"] == [] and "加密" in out["problems"][0]["message"]


@pytest.mark.parametrize("argv", [["import", "/no/such/file.xlsx"], ["import", "x.csv", "--format", "pdf"]])
def test_usage_errors_exit_2(argv, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.csv").write_text(BANK, encoding="utf-8")
    assert main(argv) == 2


def test_format_that_cannot_be_told_exits_2(tmp_path, capsys):
    path = tmp_path / "notes.txt"
    path.write_text("hello", encoding="utf-8")
    assert main(["import", str(path), "--dry-run"]) == 2
    assert "--format" in capsys.readouterr().err


def test_without_dry_run_the_result_goes_to_the_web_shell_once(tmp_path, monkeypatch, capsys):
    calls = []
    fake = types.ModuleType("webapp.bank.cli")
    fake.import_questions = lambda result, *, post, organisation: (
        calls.append((result, post, organisation)) or len(result.questions)
    )
    monkeypatch.setitem(sys.modules, "webapp.bank.cli", fake)
    path = write_csv(tmp_path, BANK)
    assert main(["import", str(path), "--post", "welding", "--organisation", "7"]) == 0
    ((result, post, organisation),) = calls
    assert (len(result.questions), post, organisation) == (1, "welding", "7")
    assert "已写入数据库：1 题" in capsys.readouterr().out


def test_refusal_by_the_web_shell_exits_1_and_says_nothing_was_written(tmp_path, monkeypatch, capsys):
    def refuse(result, *, post, organisation):
        raise ValueError("unknown post nowhere")

    fake = types.ModuleType("webapp.bank.cli")
    fake.import_questions = refuse
    monkeypatch.setitem(sys.modules, "webapp.bank.cli", fake)
    assert main(["import", str(write_csv(tmp_path, BANK)), "--post", "nowhere"]) == 1
    assert "全部未导入" in capsys.readouterr().err


def test_missing_web_shell_is_a_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "webapp.bank.cli", None)  # import fails
    assert main(["import", str(write_csv(tmp_path, BANK))]) == 1
    assert "--dry-run" in capsys.readouterr().err


@pytest.mark.parametrize(
    "question",
    [
        Question(
            id="a", type="single", stem='引号"与\\反斜杠\n换行', options=("甲", "\u2028乙"), answer=(1,)
        ),
        Question(
            id="b",
            type="multiple",
            stem="问",
            options=("a", "b", "c"),
            answer=(0, 2),
            explanation="因为\t制表",
            section="weld-1",
            difficulty=5,
            tags=("三违", "动火"),
            source="Sheet1!R9",
        ),
    ],
)
def test_each_question_is_written_as_json_dumps_would_write_it(question):
    assert import_.question_text(question) == json.dumps(import_.question_json(question), ensure_ascii=False)


def test_json_is_streamed_one_question_at_a_time(tmp_path):
    path = write_csv(tmp_path, BANK)
    result = formats.read(path)
    out = io.StringIO()
    writes = []
    out.write = lambda text: writes.append(text)  # type: ignore[method-assign]
    import_.write_result_json(str(path), result, out)
    assert max(len(w) for w in writes) < 300  # no piece holds the whole document
    assert json.loads("".join(writes))["questions"][0]["stem"] == "问？"
