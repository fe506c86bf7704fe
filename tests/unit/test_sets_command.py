import dataclasses
import json

import pytest

from quizbank.cli import main
from tests.builders import bank, question, question_set, write_set_folder


def cmd_set(tmp_path, name="cmd_welding", prefix="cmdweld"):
    qs = [
        dataclasses.replace(q, section=f"{prefix}-a") for q in bank(2, parts=("professional",), prefix=prefix)
    ]
    return write_set_folder(
        tmp_path / name, question_set(qs, id=name.replace("_", "-"), post=f"post-{prefix}")
    )


def test_a_valid_set_validates_with_exit_0(tmp_path, capsys):
    assert main(["sets", "validate", str(cmd_set(tmp_path))]) == 0
    assert "OK" in capsys.readouterr().err


def test_problems_are_printed_as_file_line_message_with_exit_1(tmp_path, capsys):
    folder = cmd_set(tmp_path)
    with (folder / "questions.yaml").open("a", encoding="utf-8") as f:
        f.write("- {id: bad-1, type: single, section: cmdweld-a, stem: x, options: [a, b], answer: E}\n")
        f.write("- {id: bad-2, type: single, section: elsewhere, stem: x, options: [a, b], answer: A}\n")
    lines = []
    assert main(["sets", "validate", str(folder)]) == 1
    lines = capsys.readouterr().out.splitlines()
    text = (folder / "questions.yaml").read_text(encoding="utf-8").splitlines()
    bad1 = text.index(next(t for t in text if "bad-1" in t)) + 1
    assert lines == [
        f"{folder / 'questions.yaml'}:{bad1}: answer 'E': option E is outside the 2 options",
        f"{folder / 'questions.yaml'}:{bad1 + 1}: unknown section 'elsewhere': not in the handbook",
    ]


def test_duplicate_ids_across_the_given_sets_are_reported(tmp_path, capsys):
    cmd_set(tmp_path, "cmd_a", prefix="same")
    cmd_set(tmp_path, "cmd_b", prefix="same")
    assert main(["sets", "validate", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "duplicate id 'same-truefalse-professional-0': also in" in out


def test_a_missing_path_is_an_error(tmp_path, capsys):
    assert main(["sets", "validate", str(tmp_path / "nowhere")]) == 1
    assert "not found" in capsys.readouterr().out


def test_uncited_sections_are_warnings_and_still_exit_0(tmp_path, capsys):
    qs = question_set([question(id="w-1", section="w-a")], id="w", post="w")
    hb = dataclasses.replace(
        qs.handbook, sections=(*qs.handbook.sections, dataclasses.replace(qs.handbook.sections[0], id="w-b"))
    )
    folder = write_set_folder(tmp_path / "w", dataclasses.replace(qs, handbook=hb))
    assert main(["sets", "validate", str(folder)]) == 0
    assert "warning: no question cites section 'w-b'" in capsys.readouterr().out


def test_list_json_shows_sets_from_the_sets_path(tmp_path, capsys, monkeypatch):
    cmd_set(tmp_path)
    monkeypatch.setenv("QUIZBANK_SETS_PATH", str(tmp_path))
    assert main(["sets", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    row = next(s for s in listed["sets"] if s["id"] == "cmd-welding")
    assert row["questions"] == 6
    assert row["posts"] == [{"code": "post-cmdweld", "name": "焊接与热切割作业"}]
    assert row["source"] == f"folder {tmp_path / 'cmd_welding'}"
    assert row["version"] == "2026.1"
    assert row["loaded"] is True
    assert row["problems"] == []


def test_list_json_shows_a_refused_set_with_its_own_problems(tmp_path, capsys, monkeypatch):
    folder = cmd_set(tmp_path)
    questions = folder / "questions.yaml"
    questions.write_text(questions.read_text(encoding="utf-8") + "- id: [broken\n", encoding="utf-8")
    monkeypatch.setenv("QUIZBANK_SETS_PATH", str(tmp_path))
    assert main(["sets", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    row = next(s for s in listed["sets"] if s["source"] == f"folder {folder}")
    assert row["loaded"] is False
    assert row["problems"], row
    assert all(str(folder) in p["where"] or "folder" in p["where"] for p in row["problems"])


def test_list_text_names_each_set(tmp_path, capsys, monkeypatch):
    cmd_set(tmp_path)
    monkeypatch.setenv("QUIZBANK_SETS_PATH", str(tmp_path))
    assert main(["sets", "list"]) == 0
    assert "cmd-welding" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv", [["sets", "--help"], ["sets", "validate", "--help"], ["sets", "list", "--help"]]
)
def test_help_is_in_plain_chinese(argv, capsys):
    assert main(argv) == 0
    assert "题集" in capsys.readouterr().out


def test_problems_are_listed_in_the_order_of_the_file(tmp_path, capsys):
    folder = cmd_set(tmp_path)
    with (folder / "questions.yaml").open("a", encoding="utf-8") as f:
        f.write("- {id: late-1, type: single, section: nowhere, stem: x, options: [a, b], answer: A}\n")
        f.write("- {id: late-2, type: single, section: cmdweld-a, stem: x, options: [a, b], answer: E}\n")
    assert main(["sets", "validate", str(folder)]) == 1
    lines = [int(line.split(":")[1]) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == 2 and lines == sorted(lines)


def test_a_questions_file_that_is_not_yaml_is_not_followed_by_uncited_section_warnings(tmp_path, capsys):
    folder = cmd_set(tmp_path)
    with (folder / "questions.yaml").open("a", encoding="utf-8") as f:
        f.write("- id: broken\n  type: [unclosed\n")
    assert main(["sets", "validate", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "not valid YAML" in out and "warning" not in out
