"""错题本: the questions a person last answered wrong."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.analysis.models import ItemResult
from webapp.bank.models import Question
from webapp.exams.models import Attempt, Response
from webapp.exams.service.results import SectionLinks
from webapp.org.models import Person


def wrong_book(s: Session, person: Person, post_id: int | None = None) -> list[dict]:
    """The person's questions whose latest graded answer was wrong, newest first. An exam's answers are
    graded in its item results (written at submit); a practice answer is marked when it is checked."""
    graded = ItemResult.correct
    query = (
        select(Response, Attempt, graded)
        .join(Attempt, Attempt.id == Response.attempt_id)
        .outerjoin(
            ItemResult,
            (ItemResult.attempt_id == Response.attempt_id) & (ItemResult.question_id == Response.question_id),
        )
        .where(Attempt.person_id == person.id, Response.correct.is_not(None) | graded.is_not(None))
        .order_by(Response.saved_at, Response.id)
    )
    if post_id is not None:
        query = query.where(Attempt.post_id == post_id)
    latest: dict[str, tuple[Response, Attempt, bool]] = {}
    for response, attempt, exam_correct in s.execute(query):
        correct = response.correct if response.correct is not None else exam_correct
        latest[response.question_id] = (response, attempt, correct)
    wrong = [(r, a) for r, a, correct in latest.values() if correct is False]
    pk_of = {}
    for r, a in wrong:
        pk_of[r.question_id] = next(e["pk"] for e in a.layout if e["id"] == r.question_id)
    rows = {q.id: q for q in s.scalars(select(Question).where(Question.id.in_(list(pk_of.values()))))}
    out = []
    links = SectionLinks()
    for r, a in sorted(wrong, key=lambda ra: ra[0].saved_at, reverse=True):
        row = rows[pk_of[r.question_id]]
        entry = next(e for e in a.layout if e["id"] == r.question_id)
        options = [row.options[i] for i in entry["order"]]
        answer = sorted(entry["order"].index(i) for i in row.answer)
        out.append(
            {
                "question_id": r.question_id,
                "type": row.type,
                "stem": row.stem,
                "options": options,
                "chosen": list(r.choices),
                "answer": answer,
                "explanation": row.explanation,
                "section_url": links(row),
                "post_id": a.post_id,
                "answered_at": r.saved_at,
            }
        )
    return out
