"""`quizbank bank check FILE|SET_PATH… [--json]` as an integrator scripts it (DESIGN §5): exactly
{"warnings": [{where, check, severity, message}], "duplicates": [[where…]…]}, exit 0 unless errors,
1 with errors, 2 on usage errors; no database."""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from pathlib import Path

import pytest

from quizbank import formats
from quizbank.assembly import assemble_seeded, index_bank
from quizbank.blueprints import default_blueprint
from quizbank.cli import main
from quizbank.duplicates import duplicate_ids, group_of
from quizbank.plugins import discover
from tests.builders import question, question_set, write_set_folder

REPO = Path(__file__).resolve().parents[2]
# ../shared/corpus beside the project; a git worktree (…/wt/<name>) finds it one level further up.
CORPUS_FORKLIFT = next(
    (
        root / "shared" / "corpus" / "excel" / "省级叉车司机.xlsx"
        for root in (REPO.parent, REPO.parent.parent)
        if (root / "shared" / "corpus" / "excel" / "省级叉车司机.xlsx").exists()
    ),
    REPO.parent / "shared" / "corpus" / "excel" / "省级叉车司机.xlsx",
)


def write_csv(tmp_path: Path, *rows: str, name: str = "bank.csv") -> Path:
    path = tmp_path / name
    path.write_text(
        "\n".join(["题型,题干,选项A,选项B,选项C,选项D,答案,解析", *rows]) + "\n", encoding="utf-8"
    )
    return path


def run_json(capsys, *argv: str) -> tuple[int, dict]:
    code = main(list(argv))
    return code, json.loads(capsys.readouterr().out)  # exactly one JSON object


def test_json_is_exactly_warnings_and_duplicates_with_places(tmp_path, capsys):
    path = write_csv(
        tmp_path,
        "单选题,1、现在广泛使用的制动液是（ ）。,植物制动液,矿物制动液,合成制动液,水,C,见《特种设备安全法》",
        "单选题,2、现在广泛使用的制动液是,合成制动液,水,植物制动液,矿物制动液,A,见《特种设备安全法》",
        "单选题,3、下列说法不正确的是,甲,乙,丙,丁,B,依据 GB 30871-2022",
    )
    code, body = run_json(capsys, "bank", "check", str(path), "--json")
    assert list(body) == ["warnings", "duplicates"]
    assert body["duplicates"] == [[f"{path}:line 2", f"{path}:line 3"]]
    assert body["warnings"] == [
        {
            "where": f"{path}:line 4",
            "check": "negative_stem",
            "severity": "warning",
            "message": "题干含否定词“不正确”但未加强调，容易看漏；请写成【不正确】或 **不正确**。",
        }
    ]
    assert code == 0  # warnings only


def test_exit_1_when_a_check_finds_an_error(tmp_path, capsys):
    path = write_csv(tmp_path, "单选题,作业前应检查什么,工具,防护用品,天气,以上都对,D,依据《安全生产法》")
    code, body = run_json(capsys, "bank", "check", str(path), "--json")
    assert code == 1
    assert [(w["check"], w["severity"]) for w in body["warnings"]] == [("all_of_the_above", "error")]


def test_rows_that_could_not_be_read_are_errors_with_their_place(tmp_path, capsys):
    path = write_csv(tmp_path, "单选题,,甲,乙,丙,丁,A,", "单选题,题干,甲,乙,丙,丁,A,依据《安全生产法》")
    code, body = run_json(capsys, "bank", "check", str(path), "--json")
    assert code == 1
    assert [(w["where"], w["check"], w["severity"]) for w in body["warnings"]] == [
        (f"{path}:line 2", "import", "error")
    ]


@pytest.mark.parametrize("argv", [["nope.xlsx"], ["--json", "nope"]])
def test_exit_2_for_a_path_that_does_not_exist(argv, capsys):
    assert main(["bank", "check", *argv]) == 2
    captured = capsys.readouterr()
    assert "找不到文件或文件夹" in captured.err and captured.out == ""


def test_exit_2_for_a_file_of_no_known_format(tmp_path, capsys):
    path = tmp_path / "notes.txt"
    path.write_text("随便写的一段话", encoding="utf-8")
    assert main(["bank", "check", str(path)]) == 2
    assert "无法判断文件格式" in capsys.readouterr().err


def test_the_help_documents_the_exit_codes(capsys):
    assert main(["bank", "check", "--help"]) == 0
    out = capsys.readouterr().out
    assert all(s in out for s in ("0 = 没有错误级问题", "1 = 有错误级问题", "2 = 用法错误"))


def _distinct_stem(n: int) -> str:
    rng = random.Random(n)
    return (
        "".join(
            rng.choice("安全作业检查设备人员应当必须电焊叉车有限空间通风检测动火许可证高处防护")
            for _ in range(16)
        )
        + "？"
    )


def test_set_folders_are_checked_per_set_and_duplicates_found_across_them(tmp_path, capsys):
    stem = "进入有限空间作业前，应当先做什么？"
    options = ("通风、检测", "直接进入", "戴口罩进入", "喊一声再进入")
    general = question_set(
        [
            question(
                id="g-1", stem=stem, options=options, section="g-sec", part="general", basis="GB 30871-2022"
            )
        ],
        id="general",
        post=None,
    )
    confined = question_set(
        [
            question(
                id="c-1",
                stem="1. 进入有限空间作业前应当先做什么",
                options=options[::-1],
                section="c-sec",
                basis="GB 30871-2022",
            ),
            *[
                question(
                    id=f"c-{n}",
                    stem=_distinct_stem(n),
                    options=("甲", "乙", "丙", "丁"),
                    answer=(0,),
                    section="c-sec",
                    basis="GB 30871-2022",
                )
                for n in range(2, 22)
            ],
        ],
        id="confined",
        post="confined",
    )
    root = tmp_path / "sets"
    write_set_folder(root / "general", general)
    write_set_folder(root / "confined", confined)
    code, body = run_json(capsys, "bank", "check", str(root), "--json")
    (group,) = body["duplicates"]
    assert [re.sub(r":\d+$", "", w) for w in group] == [
        str(root / "confined" / "questions.yaml"),
        str(root / "general" / "questions.yaml"),
    ]
    (lean,) = body["warnings"]
    assert (lean["where"], lean["check"], lean["severity"], code) == ("confined", "key_position", "error", 1)


def test_human_output_names_each_finding_and_group(tmp_path, capsys):
    path = write_csv(
        tmp_path,
        "单选题,制动液是（ ）。,植物,矿物,合成,水,C,见《特种设备安全法》",
        "单选题,制动液是,植物,矿物,合成,水,C,见《特种设备安全法》",
        "单选题,下列说法不正确的是,甲,乙,丙,丁,B,依据 GB 30871-2022",
    )
    assert main(["bank", "check", str(path)]) == 0
    captured = capsys.readouterr()
    assert f"{path}:line 4: [警告] 否定题干未加强调（negative_stem）" in captured.out
    assert f"1. {path}:line 2 ≈ {path}:line 3" in captured.out
    assert "3 题：错误 0，警告 1，重复题 1 组" in captured.err


# The real provincial bank from ../shared/corpus (skipped where the corpus is not beside the project).
needs_corpus = pytest.mark.skipif(
    not CORPUS_FORKLIFT.exists(),
    reason=f"corpus not found at {CORPUS_FORKLIFT} (../shared/corpus is not here)",
)
_BLANK = re.compile(r"[（(]\s*[)）]")


def _blank_only_pairs(questions) -> list[tuple[str, str]]:
    """Pairs whose stems differ only by a "（ ）" blank (and the punctuation around it), same options."""
    key = lambda q: (re.sub(r"[\s：:。．.]", "", _BLANK.sub("", q.stem)), frozenset(q.options))  # noqa: E731
    by_key: dict = {}
    for q in questions:
        by_key.setdefault(key(q), []).append(q)
    return [
        (a.source, b.source)
        for qs in by_key.values()
        for i, a in enumerate(qs)
        for b in qs[i + 1 :]
        if a.stem != b.stem and (_BLANK.search(a.stem) or _BLANK.search(b.stem))
    ]


@needs_corpus
def test_the_forklift_corpus_shows_the_pairs_that_differ_only_by_a_blank(capsys):
    code, body = run_json(capsys, "bank", "check", str(CORPUS_FORKLIFT), "--json")
    questions = formats.read(CORPUS_FORKLIFT).questions
    pairs = _blank_only_pairs(questions)
    assert len(pairs) >= 2
    group_of_place = {w: n for n, group in enumerate(body["duplicates"]) for w in group}
    for a, b in pairs:
        pa, pb = f"{CORPUS_FORKLIFT}:{a}", f"{CORPUS_FORKLIFT}:{b}"
        assert pa in group_of_place and group_of_place.get(pa) == group_of_place.get(pb), (a, b)
    assert code == 1  # the bank has errors too (multiple-choice with one wrong option)
    assert Counter(w["check"] for w in body["warnings"])["few_distractors"] > 0


@needs_corpus
def test_papers_drawn_from_the_forklift_corpus_never_hold_two_of_a_group():
    imported = formats.read(CORPUS_FORKLIFT).questions
    bank = (*discover().bank("forklift"), *[q for q in imported])
    groups = group_of(duplicate_ids(bank))
    assert len(set(groups.values())) >= 30
    bp = default_blueprint("qualification")
    index = index_bank(bank)
    for seed in random.Random(11).sample(range(10**6), 1000):
        paper = assemble_seeded(index, bp, seed, groups=groups)
        drawn = Counter(groups[pq.question.id] for pq in paper.questions if pq.question.id in groups)
        assert not drawn or max(drawn.values()) == 1, seed


def test_a_set_citing_a_replaced_text_of_its_register_is_flagged_for_review(tmp_path, capsys):
    cites = question(
        id="h-1",
        stem="作业高度 10 m 属于几级高处作业？",
        options=("Ⅰ级", "Ⅱ级", "Ⅲ级", "Ⅳ级"),
        section="h-sec",
        basis="GB/T 3608-2008 3.1",
    )
    folder = write_set_folder(tmp_path / "height", question_set([cites], id="height", post="height"))
    (folder / "laws.yaml").write_text(
        "- number: GB/T 3608-2008\n  title: 高处作业分级\n  status: 被替代\n  replaced_by: GB/T 3608-2099\n"
        "- number: GB/T 3608-2099\n  title: 高处作业分级\n",
        encoding="utf-8",
    )
    code, body = run_json(capsys, "bank", "check", str(folder), "--json")
    flagged = [w for w in body["warnings"] if w["check"] == "cites_withdrawn"]
    line = flagged[0]["where"].rsplit(":", 1)[1] if flagged else ""
    assert line.isdigit()
    assert flagged == [
        {
            "where": f"{folder}/questions.yaml:{line}",
            "check": "cites_withdrawn",
            "severity": "warning",
            "message": "依据 GB/T 3608-2008《高处作业分级》 3.1 已被替代，现行为 GB/T 3608-2099《高处作业分级》：请对照新文本复核。",
        }
    ]
    assert code == 0
