"""The 特种作业 post sets (issue 14): current law only, every question on its basis, no giveaways.

The withdrawn texts below were confirmed replaced (sources in each set's REVIEW.md and in
question_sets/SPECIAL_OPERATIONS_RULES.md). A set may still *name* a withdrawn text, but only in a
sentence that says it was replaced; it must never cite one as current.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from quizbank.plugins import discover

SPECIAL_OPERATION_SETS = ("low-voltage-electrician", "welding", "work-at-height")

WITHDRAWN = {
    "原国家安全监管总局令第30号": re.compile(r"30\s*号令|总局令第\s*30\s*号"),
    "JGJ 46-2005": re.compile(r"JGJ\s*46(?:-2005)?(?![\d/])|JGJ\s*46\s*[《（(]"),
    "GB/T 3608-2008": re.compile(r"GB/T\s*3608"),
    "GB 9448-1999": re.compile(r"GB\s*9448-1999"),
    "GB 12158-2006": re.compile(r"GB\s*12158-2006"),
    "GB 2893-2008 / GB 2894-2008": re.compile(r"GB\s*289[34]-2008"),
    "化工和危险化学品重大隐患判定标准（2017 试行）": re.compile(
        r"化工和危险化学品生产经营单位重大生产安全事故隐患判定标准"
    ),
}
REPLACED = re.compile(r"代替|取代|已被|废止|不再|不能再|原国家安全监管总局")
SENTENCE = re.compile(r"[^。；\n]+")


@pytest.fixture(scope="module")
def registry():
    return discover()


def _set(registry, set_id):
    qs = registry.set(set_id)
    assert qs is not None, f"set {set_id} did not load"
    return qs


def _texts(qs):
    for q in qs.questions:
        # A true/false stem answered 错误 states a false claim on purpose (e.g. "the old standard is still
        # current"); it is not a citation. Its explanation is still checked.
        false_claim = q.type == "truefalse" and q.answer == (1,)
        for field in (() if false_claim else (q.stem,)) + (*q.options, q.explanation, q.basis):
            yield q.id, field
    for s in qs.handbook.sections:
        yield s.id, s.body


def withdrawn_citations(texts) -> list[tuple[str, str, str]]:
    """(where, withdrawn text, sentence) for every sentence naming a withdrawn text without saying it was replaced."""
    found = []
    for where, text in texts:
        for sentence in SENTENCE.findall(text):
            for label, pattern in WITHDRAWN.items():
                if pattern.search(sentence) and not REPLACED.search(sentence):
                    found.append((where, label, sentence.strip()))
    return found


@pytest.mark.parametrize("set_id", SPECIAL_OPERATION_SETS)
def test_no_withdrawn_text_is_cited_as_current(registry, set_id):
    assert withdrawn_citations(_texts(_set(registry, set_id))) == []


def test_withdrawn_check_flags_a_current_citation_and_allows_a_replacement_note():
    flagged = withdrawn_citations([("q1", "按 JGJ 46，开关箱与设备的距离不宜超过 3 m。")])
    allowed = withdrawn_citations([("q2", "JGJ/T 46-2024 代替了 JGJ 46-2005。")])
    assert [f[1] for f in flagged] == ["JGJ 46-2005"] and allowed == []


@pytest.mark.parametrize("set_id", SPECIAL_OPERATION_SETS)
def test_every_question_names_its_basis(registry, set_id):
    assert [q.id for q in _set(registry, set_id).questions if not q.basis.strip()] == []


@pytest.mark.parametrize("set_id", SPECIAL_OPERATION_SETS)
def test_a_post_set_holds_200_questions_mostly_true_false_and_single(registry, set_id):
    qs = _set(registry, set_id)
    kinds = Counter(q.type for q in qs.questions)
    total = len(qs.questions)
    assert total >= 200
    # about 45/45/10 true-false/single/multiple (the national theory exam has no multiple-choice)
    assert abs(kinds["truefalse"] / total - 0.45) <= 0.05
    assert abs(kinds["single"] / total - 0.45) <= 0.05
    assert abs(kinds["multiple"] / total - 0.10) <= 0.03


@pytest.mark.parametrize("set_id", SPECIAL_OPERATION_SETS)
def test_multiple_choice_questions_keep_at_least_two_wrong_options(registry, set_id):
    thin = [
        q.id
        for q in _set(registry, set_id).questions
        if q.type == "multiple" and len(q.options) - len(q.answer) < 2
    ]
    assert thin == []


@pytest.mark.parametrize("set_id", SPECIAL_OPERATION_SETS)
def test_single_choice_keys_are_spread_over_the_four_positions(registry, set_id):
    singles = [q for q in _set(registry, set_id).questions if q.type == "single"]
    share = Counter(q.answer[0] for q in singles)
    assert all(len(q.options) == 4 for q in singles)
    assert all(0.2 <= share[i] / len(singles) <= 0.3 for i in range(4)), share


@pytest.mark.parametrize("set_id", SPECIAL_OPERATION_SETS)
def test_about_half_of_true_false_answers_are_false(registry, set_id):
    tf = [q for q in _set(registry, set_id).questions if q.type == "truefalse"]
    false_share = sum(1 for q in tf if q.answer == (1,)) / len(tf)
    assert 0.4 <= false_share <= 0.6


NEGATIVE = re.compile(r"不正确|错误的是|不属于|不包括|不符合|不得|不宜|不应")
CATCH_ALL = re.compile(r"以上(?:都|均|全)")
LETTER = re.compile(r"选项\s*[A-E]|[A-E]\s*项|答案[为是]?\s*[A-E]")


@pytest.mark.parametrize("set_id", SPECIAL_OPERATION_SETS)
def test_choice_questions_have_no_giveaway_wording(registry, set_id):
    problems = []
    for q in _set(registry, set_id).questions:
        if q.type != "truefalse" and NEGATIVE.search(q.stem) and "【" not in q.stem:
            problems.append((q.id, "negative stem without 【】"))
        if any(CATCH_ALL.search(o) for o in q.options):
            problems.append((q.id, "以上都… option"))
        if LETTER.search(q.explanation):
            problems.append((q.id, "explanation names an option letter"))
    assert problems == []
