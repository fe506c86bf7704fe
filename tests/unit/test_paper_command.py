import dataclasses
import functools
import json

import pytest

from quizbank.cli import main
from quizbank.commands import _sets_path
from quizbank.plugins import discover
from tests.builders import bank, question_set, write_set_folder


@pytest.fixture(autouse=True)
def only_folder_sets(monkeypatch):
    """Draw from the test's folders only, whatever built-in sets are installed."""
    monkeypatch.setattr(_sets_path, "discover", functools.partial(discover, entry_points=False))


@pytest.fixture
def sets_path(tmp_path, monkeypatch):
    general = [
        dataclasses.replace(q, section="pgen-a")
        for q in bank(25, parts=("general",), prefix="pgen", tagged_per_cell=1)
    ]
    pro = [
        dataclasses.replace(q, section="ppro-a")
        for q in bank(25, parts=("professional",), prefix="ppro", tagged_per_cell=1)
    ]
    write_set_folder(tmp_path / "paper_general", question_set(general, id="paper-general", post=None))
    write_set_folder(tmp_path / "paper_post", question_set(pro, id="paper-post", post="paper-post"))
    monkeypatch.setenv("QUIZBANK_SETS_PATH", str(tmp_path))
    return tmp_path


def paper_json(capsys, *args):
    assert main(["paper", "--post", "paper-post", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_same_seed_prints_the_same_paper(sets_path, capsys):
    assert paper_json(capsys, "--seed", "7") == paper_json(capsys, "--seed", "7")
    assert paper_json(capsys, "--seed", "7")["layout"] != paper_json(capsys, "--seed", "8")["layout"]


def test_the_paper_follows_the_chosen_blueprint(sets_path, capsys):
    paper = paper_json(capsys, "--blueprint", "spot", "--seed", "1")
    assert paper["blueprint"]["kind"] == "spot"
    assert len(paper["questions"]) == 10 and paper["max_score"] == 100
    parts = [q["part"] for q in paper["questions"]]
    assert parts.count("general") == 3 and parts.count("professional") == 7


def test_qualification_is_the_default_and_draws_from_general_and_post_sets(sets_path, capsys):
    paper = paper_json(capsys, "--seed", "3")
    assert paper["blueprint"]["kind"] == "qualification"
    ids = [q["id"] for q in paper["questions"]]
    assert len(ids) == 55 and len(set(ids)) == 55
    assert all(i.startswith(("pgen-", "ppro-")) for i in ids)


def test_the_printed_answer_key_gives_each_questions_answer_as_placed_on_the_paper(sets_path, capsys):
    placed = paper_json(capsys, "--blueprint", "spot", "--seed", "2")["questions"]
    assert main(["paper", "--post", "paper-post", "--blueprint", "spot", "--seed", "2"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "逢查必考" in out[0]
    key = out[out.index("答案 / answers:") + 1].split()

    def expected(q):
        if q["type"] == "truefalse":
            return "√" if q["options"][q["answer"][0]] == "正确" else "×"
        return "".join("ABCDEFGH"[i] for i in q["answer"])

    assert key == [f"{n}.{expected(q)}" for n, q in enumerate(placed, start=1)]
    # The options are printed in the paper's order, so a letter in the key names the printed option.
    first_choice = next(q for q in placed if q["type"] != "truefalse")
    assert f"   A. {first_choice['options'][0]}" in out


def test_an_unknown_post_exits_1_naming_the_known_ones(sets_path, capsys):
    assert main(["paper", "--post", "astronaut", "--seed", "1"]) == 1
    assert "paper-post" in capsys.readouterr().err


def test_a_bank_too_small_exits_1_saying_which_cell_is_short(tmp_path, monkeypatch, capsys):
    pro = [dataclasses.replace(q, section="tiny-a") for q in bank(2, parts=("professional",), prefix="tiny")]
    write_set_folder(tmp_path / "tiny", question_set(pro, id="tiny", post="tiny-post"))
    monkeypatch.setenv("QUIZBANK_SETS_PATH", str(tmp_path / "tiny"))
    assert main(["paper", "--post", "tiny-post", "--blueprint", "spot", "--seed", "1"]) == 1
    assert "差" in capsys.readouterr().err


def test_seed_is_required(capsys):
    assert main(["paper", "--post", "x"]) == 2
