"""DESIGN §5 command line, as an integrator scripts it: exact JSON shapes, exit codes 0/1/2, and no
traceback where a plain message is due."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from quizbank.cli import main

REPO = Path(__file__).resolve().parents[2]


def write_csv(tmp_path: Path, *rows: str, name: str = "bank.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(["题型,题干,选项A,选项B,选项C,答案,解析", *rows]) + "\n", encoding="utf-8")
    return path


def run_json(capsys, *argv: str) -> tuple[int, dict]:
    code = main(list(argv))
    out = capsys.readouterr().out
    return code, json.loads(out)  # exactly one JSON object: json.loads refuses anything after it


def test_import_json_is_exactly_file_format_questions_problems(tmp_path, capsys):
    path = write_csv(
        tmp_path,
        "单选题,12、动火前应清除周围多少米内的可燃物？,A．5米,B、10米,C.15米,B,十米",
        "多选题,（3）哪些属于三违？,A违章指挥,B违章作业,C按时交接班,AB,",
        "判断题,7．先通风再检测后作业。,,,,√,",
        "单选题,答案不对的题,甲,乙,丙,Z,",
    )
    code, body = run_json(capsys, "import", str(path), "--dry-run", "--json")
    assert code == 0
    assert list(body) == ["file", "format", "questions", "problems"]
    assert (body["file"], body["format"]) == (str(path), "csv")
    single, multiple, truefalse = body["questions"]
    assert single == {
        "type": "single",
        "stem": "动火前应清除周围多少米内的可燃物？",
        "options": ["5米", "10米", "15米"],
        "answer": [1],
        "explanation": "十米",
        "difficulty": 3,
        "source": "line 2",
    }
    assert (multiple["stem"], multiple["options"], multiple["answer"]) == (
        "哪些属于三违？",
        ["违章指挥", "违章作业", "按时交接班"],
        [0, 1],
    )
    assert (truefalse["type"], truefalse["stem"], truefalse["answer"]) == (
        "truefalse",
        "先通风再检测后作业。",
        [0],
    )
    allowed = {"type", "stem", "options", "answer", "explanation", "section", "difficulty", "tags", "source"}
    assert all(set(q) <= allowed for q in body["questions"])
    (problem,) = body["problems"]
    assert (
        problem["where"] == "line 5"
        and problem["skipped"] is True
        and set(problem) == {"where", "message", "skipped"}
    )


def test_import_exit_1_when_nothing_was_importable_with_the_reason(tmp_path, capsys):
    path = write_csv(tmp_path, "单选题,,甲,乙,,A,")
    code = main(["import", str(path), "--dry-run", "--json"])
    captured = capsys.readouterr()
    assert code == 1
    body = json.loads(captured.out)
    assert body["questions"] == [] and body["problems"][0]["where"] == "line 2"
    assert "题干为空" in captured.err


@pytest.mark.parametrize(
    "argv",
    [["import"], ["import", "no-such-file.xlsx"], ["import", "x.csv", "--format", "docx"]],
    ids=["no FILE", "missing file", "unknown format"],
)
def test_import_exit_2_on_usage_errors(argv, capsys):
    assert main(argv) == 2
    assert capsys.readouterr().out == ""


def test_sets_validate_exit_1_with_file_line_message(tmp_path, capsys):
    folder = tmp_path / "welding"
    shutil.copytree(
        REPO / "question_sets" / "welding", folder, ignore=shutil.ignore_patterns("*.py", "__pycache__")
    )
    yaml = folder / "questions.yaml"
    lines = yaml.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("answer:"))
    lines[at] = lines[at].split("answer:")[0] + "answer: [9]"
    yaml.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["sets", "validate", str(folder)]) == 1
    assert f"{yaml}:{at + 1}: " in capsys.readouterr().out
    assert main(["sets", "validate", str(REPO / "question_sets" / "welding")]) == 0


def test_paper_json_is_the_same_for_the_same_seed_and_needs_no_database(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("QUIZBANK_HOME", str(tmp_path / "nowhere"))
    code, first = run_json(
        capsys, "paper", "--post", "welding", "--blueprint", "spot", "--seed", "7", "--json"
    )
    assert code == 0 and first["seed"] == 7 and first["questions"]
    assert (
        run_json(capsys, "paper", "--post", "welding", "--blueprint", "spot", "--seed", "7", "--json")[1]
        == first
    )
    assert not (tmp_path / "nowhere").exists()


def test_backup_copy_opens_with_sqlite3_and_holds_every_row(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    with sqlite3.connect(home / "quizbank.sqlite") as c:
        c.execute("PRAGMA journal_mode=WAL")
        c.execute("CREATE TABLE questions (id INTEGER PRIMARY KEY, stem TEXT)")
        c.executemany("INSERT INTO questions (stem) VALUES (?)", [(f"题{i}",) for i in range(250)])
    monkeypatch.setenv("QUIZBANK_HOME", str(home))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    dest = tmp_path / "backups" / "copy.sqlite"
    assert main(["backup", str(dest)]) == 0
    with sqlite3.connect(dest) as c:
        assert c.execute("SELECT count(*) FROM questions").fetchone() == (250,)
        assert c.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_backup_refuses_the_live_database_as_dest(tmp_path, monkeypatch, capsys):
    home = tmp_path / "home"
    home.mkdir()
    with sqlite3.connect(home / "quizbank.sqlite") as c:
        c.execute("CREATE TABLE t (x)")
    monkeypatch.setenv("QUIZBANK_HOME", str(home))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    before = (home / "quizbank.sqlite").stat().st_mtime_ns
    assert main(["backup", str(home / "quizbank.sqlite")]) == 2
    assert main(["backup", str(home)]) == 2  # a folder: DEST would be <folder>/quizbank.sqlite, the live file
    assert "正在使用的数据库" in capsys.readouterr().err
    assert (home / "quizbank.sqlite").stat().st_mtime_ns == before


def test_report_pass_rates_out_into_a_missing_folder_is_a_usage_error(tmp_path, capsys):
    out = tmp_path / "no-such-folder" / "rates.xlsx"
    assert main(["report", "pass-rates", "--by", "post", "--out", str(out)]) == 2
    assert "no-such-folder" in capsys.readouterr().err


def test_report_pass_rates_out_must_be_xlsx_or_csv(tmp_path):
    assert main(["report", "pass-rates", "--by", "post", "--out", str(tmp_path / "rates.txt")]) == 2
    assert main(["report", "pass-rates", "--by", "colour", "--out", str(tmp_path / "rates.csv")]) == 2


def test_a_reader_that_closes_the_pipe_ends_a_command_without_a_traceback():
    proc = subprocess.Popen(
        [sys.executable, "-m", "quizbank", "paper", "--post", "welding", "--seed", "1", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
    )
    proc.stdout.close()  # like `| head -0`: gone before the first write
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert "Traceback" not in err and "BrokenPipeError" not in err, err


def test_import_of_a_workbook_with_only_a_notes_sheet_still_says_why_nothing_was_read(tmp_path, capsys):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    for line in ("填写说明", "1. 每行一道题", "2. 答案填字母"):
        wb.active.append([line])
    path = tmp_path / "notes.xlsx"
    wb.save(path)
    code, body = run_json(capsys, "import", str(path), "--dry-run", "--json")
    assert code == 1
    assert [p["where"] for p in body["problems"]] == ["说明!R1"]
