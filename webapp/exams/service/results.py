"""What the browser gets: the attempt with its questions (never the key before submit) and the result."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from urllib.parse import quote

from flask import url_for
from sqlalchemy.orm import Session

from quizbank import model
from quizbank.grading import grade
from webapp.bank.models import Question
from webapp.exams.models import Attempt
from webapp.exams.service.papers import _FRESH, _GRADED, paper_of, question_rows, responses_of


def _item_json(item: model.ItemResult, row: Question, links: SectionLinks) -> dict:
    return {
        "correct": item.is_correct,
        "chosen": list(item.chosen),
        "answer": list(item.correct),
        "points": item.points,
        "max_points": item.max_points,
        "explanation": item.explanation,
        "section": item.section,
        "section_url": links(row),
    }


_SEGMENT_SAFE = "!$&'()*+,/:;=@"  # what werkzeug's converters leave unquoted in a path segment
_SECTION, _SET, _VERSION = "qb-section-placeholder", 987654321986, 987654321987


class SectionLinks:
    """Where a wrong answer sends the worker back to the text: the section of the enterprise's handbook
    version the question was written for, else the section of the question's own set. The two URL shapes
    are built once (url_for with placeholders), not once per question."""

    def __init__(self) -> None:
        self._by_version = url_for("handbooks.read", version_id=_VERSION, section_id=_SECTION)
        self._by_set = url_for("exams.handbook_section", set_id=_SET, section_id=_SECTION)

    def __call__(self, row: Question) -> str | None:
        if not row.section:
            return None
        section = quote(row.section, safe=_SEGMENT_SAFE)
        if row.handbook_version_id is not None:
            return self._by_version.replace(str(_VERSION), str(row.handbook_version_id)).replace(
                _SECTION, section
            )
        return self._by_set.replace(str(_SET), str(row.set_id)).replace(_SECTION, section)


def section_url(row: Question) -> str | None:
    return SectionLinks()(row)


def attempt_json(s: Session, attempt: Attempt, now: datetime) -> dict:
    """The attempt as the API returns it. Before submit: questions (id, type, stem, options in paper order)
    and the saved answers, never the answer key or explanations. After submit: the result too."""
    fresh = None if attempt.is_submitted else s.info.get(_FRESH, {}).get(attempt.id)
    rows: Mapping[int, Question | model.Question] = fresh if fresh is not None else question_rows(s, attempt)
    questions = []
    for e in attempt.layout:
        row = rows[e["pk"]]
        questions.append(
            {
                "id": e["id"],
                "type": row.type,
                "stem": row.stem,
                "options": [row.options[i] for i in e["order"]],
            }
        )
    out = {
        "id": attempt.id,
        "kind": attempt.kind,
        "title": attempt.exam.title
        if attempt.exam
        else model.EXAM_KIND_NAMES.get(attempt.kind, attempt.kind),
        "post": attempt.post.code,
        "post_name": attempt.post.name,
        "deadline": attempt.deadline.isoformat() if attempt.deadline else None,
        "server_now": now.isoformat(),
        "submitted": attempt.is_submitted,
        "questions": questions,
        "responses": {} if fresh is not None else responses_of(s, attempt),
    }
    if attempt.is_submitted:
        out["result"] = result_json(s, attempt, rows)  # type: ignore[arg-type]
    return out


def score_json(attempt: Attempt) -> dict:
    """A submitted attempt's score and verdict, from its row (what a submit answers)."""
    max_score = attempt.max_score or 0.0
    return {
        "score": attempt.score,
        "max_score": max_score,
        "pass_score": round(max_score * attempt.pass_percent / 100.0, 4),
        "passed": attempt.passed,
        "percent": attempt.score_percent or 0.0,
    }


def result_json(s: Session, attempt: Attempt, rows: dict[int, Question] | None = None) -> dict:
    graded = s.info.get(_GRADED, {}).get(attempt.id)
    if graded is not None:  # submitted in this request: the result is known
        rows, result = (rows if rows is not None else graded[0]), graded[1]
    else:
        rows = rows if rows is not None else question_rows(s, attempt)
        result = grade(paper_of(s, attempt, rows), responses_of(s, attempt))
    row_of = {e["id"]: rows[e["pk"]] for e in attempt.layout}
    links = SectionLinks()
    return {
        "score": result.score,
        "max_score": result.max_score,
        "pass_score": result.pass_score,
        "passed": result.passed,
        "percent": round(result.percent, 1),
        "results": [
            {"question_id": i.question_id, **_item_json(i, row_of[i.question_id], links)}
            for i in result.items
        ],
    }
