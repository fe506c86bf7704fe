"""The law and standard register (法规标准库): laws.yaml read and checked, citations read out of a
basis, matched to entries, and everything citing a withdrawn or replaced text flagged for review."""

from __future__ import annotations

import dataclasses
import datetime as dt
import textwrap

import pytest

from quizbank.citations import Citation, match, needs_review, parse_citations
from quizbank.questionsets import load_folder, validate
from quizbank.register import read_register
from tests.builders import law, question, question_set, section, write_set_folder

LAWS_YAML = textwrap.dedent(
    """\
    - title: 中华人民共和国安全生产法
      issuer: 全国人民代表大会常务委员会
      status: 现行
      effective: 2021-09-01
    - number: GB/T 3608-2008
      title: 高处作业分级
      status: 现行
      effective: 2009-06-01
    - number: GB 30871-2022
      title: 危险化学品企业特殊作业安全规范
      effective: 2022-10-01
    - number: GB 30871-2014
      title: 化学品生产单位特殊作业安全规范
      status: 被替代
      effective: 2015-06-01
      withdrawn: 2022-10-01
      replaced_by: GB 30871-2022
    """
)


def test_a_register_file_is_read_into_entries():
    read = read_register(LAWS_YAML)
    assert read.problems == ()
    act, height, special, old = read.entries
    assert (act.title, act.number, act.status, act.effective) == (
        "中华人民共和国安全生产法",
        "",
        "现行",
        dt.date(2021, 9, 1),
    )
    assert (height.key, height.label) == ("GB/T 3608-2008", "GB/T 3608-2008《高处作业分级》")
    assert (old.status, old.withdrawn, old.replaced_by, old.in_force) == (
        "被替代",
        dt.date(2022, 10, 1),
        "GB 30871-2022",
        False,
    )


@pytest.mark.parametrize(
    "entry, message",
    [
        ("- title: 甲\n  status: 作废\n", "status “作废” 无效"),
        ("- title: 甲\n  effective: 2021-13-01\n", "effective “2021-13-01” 不是日期"),
        ("- title: 甲\n  status: 现行\n  withdrawn: 2020-01-01\n", "状态为现行，却写了废止日期"),
        (
            "- title: 甲\n  status: 已废止\n  effective: 2020-01-01\n  withdrawn: 2019-01-01\n",
            "废止日期早于施行日期",
        ),
        (
            "- title: 甲\n  status: 被替代\n  replaced_by: GB 1-2020\n",
            "replaced_by “GB 1-2020” 不在本法规标准库中",
        ),
        ("- title: 甲\n  status: 被替代\n", "请用 replaced_by 写明被什么替代"),
        ("- title: 甲\n  status: 现行\n  replaced_by: 甲\n", "状态应为“被替代”"),
        ("- number: GB 1-2020\n", "缺少 title"),
        ("- title: 甲\n  year: 2020\n", "未知字段 year"),
        ("title: 甲\n", "应是一个列表"),
        ("- title: [甲\n", "YAML 格式错误"),
    ],
)
def test_a_bad_register_entry_is_reported_at_its_line(entry, message):
    text = ("- title: 乙\n  number: GB 2-2020\n" if entry.startswith("- ") else "") + entry
    problems = read_register(text, name="laws.yaml").problems
    assert any(message in p.message for p in problems), problems
    assert all(p.where.startswith("laws.yaml:") for p in problems)
    if entry.startswith("- title: 甲"):
        assert any(p.where == "laws.yaml:3" for p in problems)


def test_two_entries_with_one_number_are_reported():
    problems = read_register("- title: 甲\n  number: GB 1-2020\n- title: 乙\n  number: GB 1—2020\n").problems
    assert [p.where for p in problems] == ["laws.yaml:3"] and "重复" in problems[0].message


def test_a_set_folder_ships_its_register_and_sets_validate_checks_it(tmp_path):
    folder = write_set_folder(tmp_path / "height", question_set(id="height", post="height"))
    (folder / "laws.yaml").write_text(LAWS_YAML, encoding="utf-8")
    loaded = load_folder(folder)
    assert loaded.ok and [e.key for e in loaded.set.register][1] == "GB/T 3608-2008"
    (folder / "laws.yaml").write_text(LAWS_YAML.replace("status: 被替代", "status: 过期"), encoding="utf-8")
    problems = validate([folder])
    assert [p.where for p in problems if "过期" in p.message] == [f"{folder / 'laws.yaml'}:12"]
    assert load_folder(folder).ok is False


def test_a_set_without_a_register_has_an_empty_one(tmp_path):
    folder = write_set_folder(tmp_path / "height", question_set(id="height", post="height"))
    assert load_folder(folder).set.register == ()


def test_citations_are_read_with_their_clauses():
    assert parse_citations("《安全生产法》第二十八条; GB 30871-2022 5.3") == (
        Citation("《安全生产法》第二十八条", "", "安全生产法", "第二十八条"),
        Citation("GB 30871-2022 5.3", "GB 30871-2022", "", "5.3"),
    )
    assert parse_citations("应急管理部令第19号 第十条") == (
        Citation("应急管理部令第19号 第十条", "应急管理部令第19号", "", "第十条"),
    )
    (standard,) = parse_citations("GB/T 3608—2008《高处作业分级》规定")
    assert (standard.number, standard.title, standard.standard) == (
        "GB/T 3608-2008",
        "高处作业分级",
        ("GB/T3608", "2008"),
    )
    (tsg,) = parse_citations("ＴＳＧ Ｎ0001-2017 第3.2条")
    assert (tsg.number, tsg.clause) == ("TSG N0001-2017", "第3.2条")


def test_a_citation_matches_by_number_and_year_by_title_or_by_order_number():
    register = read_register(LAWS_YAML).entries + (law("生产经营单位安全培训规定", "应急管理部令第19号"),)
    by = {e.key: e for e in register}

    def matched(text):
        (c,) = parse_citations(text)
        found = match(c, register)
        return found.key if found else None

    assert matched("GB 30871-2014 4.1") == "GB 30871-2014"
    assert matched("GB 30871 4.1") == "GB 30871-2022"  # undated: the edition in force
    assert matched("GB 30871-2008") is None  # an edition the register does not know
    assert matched("《安全生产法》第二十八条") == "中华人民共和国安全生产法"
    assert matched("《中华人民共和国安全生产法》") == "中华人民共和国安全生产法"
    assert matched("依据应急管理部令第19号第十条") == "应急管理部令第19号"
    assert matched("《高处作业分级》") == "GB/T 3608-2008"
    assert matched("《消防法》") is None
    assert by["GB 30871-2014"].replaced_by == "GB 30871-2022"


def _height_bank():
    q = lambda i, basis: question(id=i, basis=basis, source=f"questions.yaml:{i[-1]}")  # noqa: E731
    questions = [
        q("h1", "GB/T 3608-2008 3.1"),
        q("h2", "《安全生产法》第二十一条; GB/T 3608—2008《高处作业分级》4.2"),
        q("h3", "GB 30871-2022 5.3"),
        q("h4", "《安全生产法》第二十八条"),
        question(id="h5", basis="", explanation="GB/T 3608-2008 规定……"),  # no basis: not a citation
    ]
    sections = [
        section("height-definition", body="GB/T 3608-2008《高处作业分级》规定 2 m 以上……"),
        section("height-ppe", body="安全带应高挂低用。"),
    ]
    return questions, sections


def test_marking_gbt_3608_2008_replaced_flags_exactly_the_questions_and_sections_citing_it():
    questions, sections = _height_bank()
    register = read_register(LAWS_YAML).entries
    assert needs_review(questions, sections, register) == ()

    # a hypothetical later edition, to mark the 2008 edition replaced (test data, not a legal fact)
    newer = law("高处作业分级", "GB/T 3608-2099", effective=dt.date(2099, 1, 1))
    marked = tuple(
        dataclasses.replace(e, status="被替代", withdrawn=dt.date(2099, 1, 1), replaced_by="GB/T 3608-2099")
        if e.key == "GB/T 3608-2008"
        else e
        for e in register
    ) + (newer,)
    flags = needs_review(questions, sections, marked)
    assert [(f.kind, f.subject) for f in flags] == [
        ("question", "h1"),
        ("question", "h2"),
        ("section", "height-definition"),
    ]
    assert {f.entry.key for f in flags} == {"GB/T 3608-2008"} and {f.replaced_by for f in flags} == {newer}
    assert flags[0].message == (
        "依据 GB/T 3608-2008《高处作业分级》 3.1 已被替代（2099-01-01），现行为 GB/T 3608-2099《高处作业分级》：请对照新文本复核。"
    )
    assert flags[0].where == "questions.yaml:1"


def test_a_replaced_law_flags_its_citers_once_each_with_the_end_of_the_replacement_chain():
    register = (
        law("甲规定", "应急管理部令第1号", status="被替代", replaced_by="应急管理部令第2号"),
        law("甲规定", "应急管理部令第2号", status="被替代", replaced_by="应急管理部令第3号"),
        law("甲规定", "应急管理部令第3号"),
        law("乙法", "", status="已废止", withdrawn=dt.date(2020, 1, 1)),
    )
    questions = [
        question(id="a", basis="应急管理部令第1号 第三条; 应急管理部令第1号 第五条"),
        question(id="b", basis="《乙法》第二条"),
        question(id="c", basis="应急管理部令第3号 第三条"),
    ]
    flags = needs_review(questions, [], register)
    assert [(f.subject, f.entry.key, f.replaced_by.key if f.replaced_by else None) for f in flags] == [
        ("a", "应急管理部令第1号", "应急管理部令第3号"),
        ("b", "乙法", None),
    ]
    assert flags[1].message == "依据 《乙法》 第二条 已废止（2020-01-01）：请复核本题是否仍然成立。"


def test_an_undated_standard_is_flagged_only_when_no_edition_is_in_force():
    withdrawn = (law("高处作业分级", "GB/T 3608-2008", status="已废止"),)
    replaced = (
        law("高处作业分级", "GB/T 3608-2008", status="被替代", replaced_by="GB/T 3608-2099"),
        law("高处作业分级", "GB/T 3608-2099"),
    )
    q = question(id="u", basis="GB/T 3608 3.1")
    assert [f.subject for f in needs_review([q], [], withdrawn)] == ["u"]
    assert needs_review([q], [], replaced) == ()
