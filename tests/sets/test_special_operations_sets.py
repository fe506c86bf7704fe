"""The 特种作业 post sets (issue 14): every question on its basis, the type mix, no giveaways.

That no set cites a withdrawn text as current is checked for every set, with the one list of withdrawn
texts, in test_no_withdrawn_citations.py.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from quizbank.plugins import discover

SPECIAL_OPERATION_SETS = ("low-voltage-electrician", "welding", "work-at-height")


@pytest.fixture(scope="module")
def registry():
    return discover()


def _set(registry, set_id):
    qs = registry.set(set_id)
    assert qs is not None, f"set {set_id} did not load"
    return qs


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
