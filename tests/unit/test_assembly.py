import dataclasses
import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizbank.assembly import BankShortfall, assemble, assemble_seeded, index_bank, rebuild
from quizbank.blueprints import cell_matches, default_blueprint
from quizbank.duplicates import group_of
from quizbank.model import Cell
from tests.builders import bank, blueprint, cell, multiple, question, truefalse

BANK = bank(40, tagged_per_cell=2)
BY_ID = {q.id: q for q in BANK}
TAG = "重大事故隐患"


def assert_satisfies(paper, bp):
    ids = [pq.question.id for pq in paper.questions]
    assert len(ids) == len(set(ids)), "a question appears twice"
    assert len(ids) == bp.question_count
    # every cell can be given its own questions: count per (type, part, difficulty-set) fits
    remaining = Counter()
    for pq in paper.questions:
        q = pq.question
        remaining[(q.type, q.part)] += 1
    for c in bp.cells:
        remaining[(c.type, c.part)] -= c.count
    assert all(v == 0 for v in remaining.values()), remaining
    for req in bp.required_tags:
        assert sum(req.tag in pq.question.tags for pq in paper.questions) >= req.at_least
    for pq in paper.questions:
        assert sorted(pq.option_order) == list(range(len(pq.question.options)))
        assert pq.points == bp.points[pq.question.type]


seeds = st.integers(min_value=0, max_value=2**32)
kinds = st.sampled_from(["qualification", "periodic", "spot", "practice"])


@settings(max_examples=40, deadline=None)
@given(seed=seeds, kind=kinds)
def test_the_same_seed_gives_the_same_paper(seed, kind):
    bp = default_blueprint(kind)
    assert assemble_seeded(BANK, bp, seed) == assemble_seeded(BANK, bp, seed)


@settings(max_examples=60, deadline=None)
@given(seed=seeds, kind=kinds)
def test_any_seed_gives_a_paper_that_satisfies_the_blueprint(seed, kind):
    bp = default_blueprint(kind)
    assert_satisfies(assemble_seeded(BANK, bp, seed), bp)


@settings(max_examples=40, deadline=None)
@given(seed=seeds, kind=kinds)
def test_a_paper_rebuilt_from_its_layout_equals_the_paper(seed, kind):
    paper = assemble_seeded(BANK, default_blueprint(kind), seed)
    assert rebuild(BY_ID, paper.blueprint, paper.layout(), seed=paper.seed) == paper


@settings(max_examples=40, deadline=None)
@given(seed=seeds, data=st.data())
def test_difficulty_cells_draw_only_their_levels_even_when_they_overlap_a_broad_cell(seed, data):
    levels = tuple(sorted(data.draw(st.sets(st.integers(1, 5), min_size=1, max_size=3))))
    bp = blueprint([cell("single", "professional", 5), cell("single", "professional", 6, levels)])
    paper = assemble_seeded(BANK, bp, seed)
    assert_satisfies(paper, bp)
    in_levels = [pq for pq in paper.questions if pq.question.difficulty in levels]
    assert len(in_levels) >= 6


def test_papers_list_truefalse_then_single_then_multiple():
    paper = assemble_seeded(BANK, default_blueprint("qualification"), 3)
    types = [pq.question.type for pq in paper.questions]
    assert types == sorted(types, key=["truefalse", "single", "multiple"].index)


def test_truefalse_options_are_never_shuffled_and_others_are():
    paper = assemble_seeded(BANK, default_blueprint("qualification"), 5)
    assert all(pq.option_order == (0, 1) for pq in paper.questions if pq.question.type == "truefalse")
    assert any(
        pq.option_order != tuple(range(len(pq.options)))
        for pq in paper.questions
        if pq.question.type != "truefalse"
    )


def test_options_stay_in_place_when_the_blueprint_says_so():
    bp = dataclasses.replace(default_blueprint("spot"), shuffle_options=False)
    paper = assemble_seeded(BANK, bp, 5)
    assert all(pq.option_order == tuple(range(len(pq.options))) for pq in paper.questions)


def test_the_answer_follows_the_shuffled_options():
    paper = assemble_seeded(BANK, default_blueprint("qualification"), 8)
    for pq in paper.questions:
        assert [pq.options[i] for i in pq.answer] == sorted(
            (pq.question.options[i] for i in pq.question.answer), key=pq.options.index
        )


def test_the_seed_is_recorded():
    assert assemble_seeded(BANK, default_blueprint("spot"), 12345).seed == 12345
    assert assemble(BANK, default_blueprint("spot"), random.Random(1)).seed is None


def test_required_tags_are_met_from_a_bank_where_they_are_rare():
    rare = bank(40, tagged_per_cell=0) + (
        truefalse(id="tagged-1", part="general", tags=(TAG,)),
        multiple(id="tagged-2", part="professional", tags=(TAG,)),
    )
    for seed in range(20):
        paper = assemble_seeded(rare, default_blueprint("qualification"), seed)
        assert {"tagged-1", "tagged-2"} <= {pq.question.id for pq in paper.questions}


def test_a_short_cell_is_named_with_how_many_are_missing():
    small = bank(9)
    with pytest.raises(BankShortfall) as raised:
        assemble_seeded(small, default_blueprint("periodic"), 1)
    shorts = {(s.cell.type, s.cell.part): s.short for s in raised.value.shortfalls}
    assert shorts == {("truefalse", "professional"): 1, ("single", "professional"): 3}
    assert "专业知识 单选题：需要 12 道，题库只有 9 道，差 3 道" in str(raised.value)


def test_too_few_tagged_questions_is_a_shortfall():
    with pytest.raises(BankShortfall) as raised:
        assemble_seeded(bank(40, tagged_per_cell=0), default_blueprint("qualification"), 1)
    assert [(s.tag, s.needed, s.available) for s in raised.value.shortfalls] == [(TAG, 2, 0)]


def test_unusable_and_repeated_questions_are_not_drawn():
    good = [question(id=f"g-{i}") for i in range(3)]
    broken = [question(id="bad-answer", answer=(7,)), question(id="two-answers", answer=(0, 1)), good[0]]
    bp = blueprint([Cell("single", "professional", 3)])
    paper = assemble_seeded(good + broken, bp, 0)
    assert sorted(pq.question.id for pq in paper.questions) == ["g-0", "g-1", "g-2"]
    with pytest.raises(BankShortfall):
        assemble_seeded(good + broken, blueprint([Cell("single", "professional", 4)]), 0)


def test_an_index_built_once_draws_the_same_paper_as_the_bank():
    bp = default_blueprint("qualification")
    assert assemble_seeded(index_bank(BANK), bp, 9) == assemble_seeded(BANK, bp, 9)


def test_every_drawn_question_fits_some_cell():
    bp = blueprint([cell("single", "general", 3, (1,)), cell("multiple", "professional", 2, (4, 5))])
    paper = assemble_seeded(BANK, bp, 2)
    assert all(any(cell_matches(c, pq.question) for c in bp.cells) for pq in paper.questions)


def test_rebuild_refuses_a_layout_that_does_not_fit():
    bp = default_blueprint("spot")
    with pytest.raises(ValueError, match="'nope' is not in the bank"):
        rebuild(BY_ID, bp, [("nope", (0, 1))])
    some = next(q for q in BANK if q.type == "single")
    with pytest.raises(ValueError, match="does not fit"):
        rebuild(BY_ID, bp, [(some.id, (0, 1))])


# Duplicate groups: at most one question of a group on a paper.


def _grouped_bank(copies: int):
    """BANK with `copies` near-copies of every question; groups = original + its copies."""
    extra = [dataclasses.replace(q, id=f"{q.id}~{k}") for q in BANK for k in range(copies)]
    groups = {q.id: q.id.split("~")[0] for q in (*BANK, *extra)}
    return (*BANK, *extra), groups


def _groups_on(paper, groups):
    return Counter(groups[pq.question.id] for pq in paper.questions if pq.question.id in groups)


@settings(max_examples=60, deadline=None)
@given(seed=seeds, kind=kinds, copies=st.integers(min_value=1, max_value=3))
def test_a_paper_holds_at_most_one_question_of_a_duplicate_group(seed, kind, copies):
    grouped, groups = _grouped_bank(copies)
    bp = default_blueprint(kind)
    paper = assemble_seeded(grouped, bp, seed, groups=groups)
    assert_satisfies(paper, bp)
    assert max(_groups_on(paper, groups).values()) == 1


def test_with_1000_seeds_no_paper_holds_two_of_a_group():
    grouped, groups = _grouped_bank(1)
    bp = blueprint([cell("single", "professional", 30)])
    index = index_bank(grouped)
    both_drawn_somewhere = False
    for seed in range(1000):
        paper = assemble_seeded(index, bp, seed, groups=groups)
        assert max(_groups_on(paper, groups).values()) == 1, seed
        ids = {pq.question.id for pq in paper.questions}
        both_drawn_somewhere |= any("~" in i for i in ids) and any("~" not in i for i in ids)
    # the copies are drawn too (one of a group, not always the first): the groups limit, they do not hide
    assert both_drawn_somewhere
    without_groups = [assemble_seeded(index, bp, seed) for seed in range(200)]
    assert any(max(_groups_on(p, groups).values()) > 1 for p in without_groups)


def test_a_bank_with_too_few_groups_for_a_cell_is_a_shortfall():
    a = question(id="a", part="professional")
    copies = [dataclasses.replace(a, id=f"a{k}") for k in range(3)]
    with pytest.raises(BankShortfall):
        assemble_seeded(
            copies, blueprint([cell("single", "professional", 2)]), 1, groups=group_of([("a0", "a1", "a2")])
        )
    paper = assemble_seeded(
        copies, blueprint([cell("single", "professional", 1)]), 1, groups=group_of([("a0", "a1", "a2")])
    )
    assert len(paper.questions) == 1
