import dataclasses

import pytest

from quizbank.grading import grade, grade_item
from quizbank.model import PaperQuestion
from tests.builders import blueprint, multiple, paper, question, truefalse


def test_a_fully_correct_paper_scores_the_maximum_and_passes():
    p = paper([question(id="s"), truefalse(id="t"), multiple(id="m")])
    result = grade(p, {pq.question.id: pq.answer for pq in p.questions})
    assert (result.score, result.max_score, result.passed) == (6.0, 6.0, True)
    assert result.percent == 100.0


def test_unanswered_questions_score_zero():
    p = paper([question(id="s"), truefalse(id="t")])
    result = grade(p, {})
    assert result.score == 0 and not result.passed
    assert [i.chosen for i in result.items] == [(), ()]


def test_responses_are_positions_on_the_paper_not_original_indices():
    q = question(id="s", answer=(1,))  # original option 1 is correct
    p = paper([q], orders=[(3, 1, 0, 2)])  # shown at position 1
    assert grade(p, {"s": [1]}).score == 2.0
    assert grade(p, {"s": [0]}).score == 0.0
    assert grade(p, {"s": [1]}).items[0].correct == (1,)


def test_multiple_choice_is_all_or_nothing_by_default():
    p = paper([multiple(id="m", answer=(0, 2, 3))])
    assert grade(p, {"m": [0, 2]}).score == 0
    assert grade(p, {"m": [3, 2, 0]}).score == 3.0


def test_partial_scoring_gives_a_share_for_correct_picks_and_nothing_for_a_wrong_pick():
    bp = blueprint(multiple_scoring="partial")
    p = paper([multiple(id="m", answer=(0, 2, 3))], bp)
    assert grade(p, {"m": [0, 2]}).score == 2.0
    assert grade(p, {"m": [0, 1]}).score == 0.0
    assert grade(p, {"m": [0, 2]}).items[0].is_correct is False


def test_partial_scoring_does_not_apply_to_single_choice():
    bp = blueprint(multiple_scoring="partial")
    p = paper([question(id="s")], bp)
    assert grade(p, {"s": [0, 1]}).score == 0


@pytest.mark.parametrize("right, passed", [(8, True), (7, False)])
def test_pass_needs_the_pass_percent_of_the_maximum(right, passed):
    qs = [truefalse(id=f"t{i}") for i in range(10)]
    p = paper(qs, blueprint(pass_percent=80.0))
    responses = {q.id: [0] if n < right else [1] for n, q in enumerate(qs)}
    result = grade(p, responses)
    assert result.pass_score == 8.0
    assert result.passed is passed


def test_each_item_carries_the_correct_answer_and_explanation():
    p = paper([question(id="s", explanation="因为如此", section="sec-x")])
    item = grade(p, {"s": [0]}).items[0]
    assert (item.correct, item.explanation, item.section, item.is_correct) == (
        (1,),
        "因为如此",
        "sec-x",
        False,
    )


def test_sections_are_summarised_weakest_first():
    qs = [question(id="a1", section="a"), question(id="a2", section="a"), question(id="b1", section="b")]
    qs.append(question(id="c1", section="c"))
    p = paper(qs)
    result = grade(p, {"a1": [1], "a2": [0], "b1": [0], "c1": [1]})
    assert [(s.section, s.asked, s.correct) for s in result.sections] == [
        ("b", 1, 0),
        ("a", 2, 1),
        ("c", 1, 1),
    ]


def test_one_answer_is_graded_at_once_and_an_unanswered_question_scores_zero():
    pq = PaperQuestion(truefalse(id="t", answer=False), (0, 1), 1.0)
    item = grade_item(pq, [1], "all_or_nothing")
    assert item.is_correct and item.points == 1.0 and item.correct == (1,)
    assert grade_item(pq, None, "all_or_nothing").points == 0


def test_a_repeated_pick_counts_once():
    p = paper([multiple(id="m", answer=(0, 2, 3))])
    assert grade(p, {"m": [0, 0, 2, 3]}).score == 3.0


def test_points_come_from_the_paper():
    bp = dataclasses.replace(blueprint(), points={"single": 10.0, "multiple": 10.0, "truefalse": 10.0})
    p = paper([question(id="s")], bp)
    assert grade(p, {"s": [1]}).score == 10.0


@pytest.mark.parametrize("scoring", ["all_or_nothing", "partial"])
def test_grading_from_the_frozen_key_scores_as_grading_the_paper(scoring):
    from quizbank.grading import KeyedItem, grade_keyed

    p = paper(
        [
            question(id="s", answer=(1,)),
            truefalse(id="t"),
            multiple(id="m", answer=(0, 2, 3)),
            question(id="u"),
        ],
        blueprint(multiple_scoring=scoring),
        orders=[(3, 1, 0, 2), (1, 0), (2, 0, 3, 1), (0, 1, 2, 3)],
    )
    keyed = [KeyedItem(pq.question.id, pq.question.type, pq.answer, pq.points) for pq in p.questions]
    for responses in ({}, {"s": [3]}, {"s": [1], "t": [0], "m": [1, 0]}, {"m": [2], "u": [0, 1]}):
        full = grade(p, responses)
        frozen = grade_keyed(keyed, responses, pass_percent=p.blueprint.pass_percent, scoring=scoring)
        assert (frozen.score, frozen.max_score, frozen.passed, frozen.pass_score) == (
            full.score, full.max_score, full.passed, full.pass_score,
        )  # fmt: skip
        assert [(i.is_correct, i.points, i.chosen) for i in frozen.items] == [
            (i.is_correct, i.points, i.chosen) for i in full.items
        ]
