"""Grading (阅卷): a paper and the worker's responses → a `Result`.

Responses are keyed by question id; each value lists the positions the worker picked, as the options
stood on their paper. Multiple choice is all-or-nothing unless the blueprint says ``partial``: then any
wrong pick scores 0, otherwise the points times the share of correct options picked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from quizbank.model import ItemResult, MultipleScoring, Paper, PaperQuestion, Result, SectionSummary

# Scores are sums of points such as 0.5 or 2/3 of 3: compare with a little room for float rounding.
_EPSILON = 1e-9


def _clean(chosen: Iterable[int] | None) -> tuple[int, ...]:
    if chosen is None:
        return ()
    return tuple(sorted({int(c) for c in chosen}))


def grade_item(
    paper_question: PaperQuestion, chosen: Sequence[int] | None, scoring: MultipleScoring
) -> ItemResult:
    """One question's result (for instant feedback in practice as well as for a whole paper)."""
    picked = _clean(chosen)
    correct = paper_question.answer
    is_correct = picked == correct
    points = 0.0
    if is_correct:
        points = paper_question.points
    elif (
        scoring == "partial"
        and paper_question.question.type == "multiple"
        and picked
        and set(picked) <= set(correct)
    ):
        points = round(paper_question.points * len(picked) / len(correct), 4)
    q = paper_question.question
    return ItemResult(
        question_id=q.id,
        chosen=picked,
        correct=correct,
        is_correct=is_correct,
        points=points,
        max_points=paper_question.points,
        explanation=q.explanation,
        section=q.section,
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
