"""Grading (阅卷): a paper and the worker's responses → a `Result`.

Responses are keyed by question id; each value lists the positions the worker picked, as the options
stood on their paper. Multiple choice is all-or-nothing unless the blueprint says ``partial``: then any
wrong pick scores 0, otherwise the points times the share of correct options picked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from quizbank.model import (
    ItemResult,
    MultipleScoring,
    Paper,
    PaperQuestion,
    QuestionType,
    Result,
    SectionSummary,
)

# Scores are sums of points such as 0.5 or 2/3 of 3: compare with a little room for float rounding.
_EPSILON = 1e-9


def _clean(chosen: Iterable[int] | None) -> tuple[int, ...]:
    if chosen is None:
        return ()
    return tuple(sorted({int(c) for c in chosen}))


def _points(
    type_: str, correct: tuple[int, ...], picked: tuple[int, ...], points: float, scoring: MultipleScoring
) -> float:
    if picked == correct:
        return points
    if scoring == "partial" and type_ == "multiple" and picked and set(picked) <= set(correct):
        return round(points * len(picked) / len(correct), 4)
    return 0.0


def grade_item(
    paper_question: PaperQuestion, chosen: Sequence[int] | None, scoring: MultipleScoring
) -> ItemResult:
    """One question's result (for instant feedback in practice as well as for a whole paper)."""
    picked = _clean(chosen)
    correct = paper_question.answer
    q = paper_question.question
    return ItemResult(
        question_id=q.id,
        chosen=picked,
        correct=correct,
        is_correct=picked == correct,
        points=_points(q.type, correct, picked, paper_question.points, scoring),
        max_points=paper_question.points,
        explanation=q.explanation,
        section=q.section,
    )


@dataclass(frozen=True)
class KeyedItem:
    """A question as frozen on a paper at start: its id, type, correct positions on the paper and points.
    Enough to grade without the question's text (`grade_keyed`)."""

    question_id: str
    type: QuestionType
    correct: tuple[int, ...]
    points: float


def grade_keyed(
    items: Sequence[KeyedItem],
    responses: Mapping[str, Sequence[int]],
    *,
    pass_percent: float,
    scoring: MultipleScoring,
) -> Result:
    """`grade` from a paper's frozen key: the same scores and verdict, items without explanations or
    sections (those come with the questions' text, for the result page)."""
    graded = []
    for item in items:
        picked = _clean(responses.get(item.question_id))
        graded.append(
            ItemResult(
                question_id=item.question_id,
                chosen=picked,
                correct=item.correct,
                is_correct=picked == item.correct,
                points=_points(item.type, item.correct, picked, item.points, scoring),
                max_points=item.points,
            )
        )
    score = round(sum(i.points for i in graded), 4)
    max_score = sum(i.points for i in items)
    pass_score = round(max_score * pass_percent / 100.0, 4)
    return Result(
        score=score,
        max_score=max_score,
        passed=score + _EPSILON >= pass_score,
        pass_score=pass_score,
        items=tuple(graded),
        sections=(),
    )


def grade(paper: Paper, responses: Mapping[str, Sequence[int]]) -> Result:
    """Score every question on `paper` (unanswered scores 0); pass when score ≥ pass_percent of the maximum.
    Sections are summarised weakest first (lowest share correct, then most wrong)."""
    scoring = paper.blueprint.multiple_scoring
    items = tuple(grade_item(pq, responses.get(pq.question.id), scoring) for pq in paper.questions)
    score = round(sum(i.points for i in items), 4)
    max_score = paper.max_score
    pass_score = round(max_score * paper.blueprint.pass_percent / 100.0, 4)
    return Result(
        score=score,
        max_score=max_score,
        passed=score + _EPSILON >= pass_score,
        pass_score=pass_score,
        items=items,
        sections=summarise_sections(items),
    )


def summarise_sections(items: Iterable[ItemResult]) -> tuple[SectionSummary, ...]:
    asked: dict[str | None, int] = {}
    correct: dict[str | None, int] = {}
    for item in items:
        asked[item.section] = asked.get(item.section, 0) + 1
        correct[item.section] = correct.get(item.section, 0) + (1 if item.is_correct else 0)
    summaries = [SectionSummary(s, asked[s], correct[s]) for s in asked]
    summaries.sort(key=lambda s: (s.correct / s.asked, -s.wrong, s.section or ""))
    return tuple(summaries)
