"""What happens after a failed exam, as the rules' standing says it: a 补考 by a date, or off the post until
off-duty retraining and a retraining exam. Nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from webapp.exams.models import Attempt, Exam
from webapp.org.models import Person
from webapp.standing import service as standing_service

# Owed items a failed exam can lead to, in the order a worker meets them.
NEXT_KINDS = (
    "makeup_exam",
    "offduty_training",
    "retraining_exam",
    "qualification_exam",
    "certificate_renewal",
)
# The owed item a person-specific exam answers: once the standing no longer owes it, the case has moved on.
CASE_EXAM_OWED = {"makeup": "makeup_exam", "retraining": "retraining_exam"}


@dataclass(frozen=True)
class NextSteps:
    may_work: bool
    status_name: str
    steps: tuple[str, ...]


def after_failure(s: Session, attempt: Attempt, today: date) -> NextSteps | None:
    """For a graded, failed exam: whether the worker may work and what they owe next. None otherwise."""
    if attempt.kind == "practice" or not attempt.is_submitted or attempt.passed is not False:
        return None
    standing = standing_service.standing_of(s, attempt.person, attempt.post, today).standing
    by_kind = {kind: i for i, kind in enumerate(NEXT_KINDS)}
    owed = sorted((o for o in standing.owed if o.kind in by_kind), key=lambda o: by_kind[o.kind])
    return NextSteps(standing.may_work, standing.status_name, tuple(o.description for o in owed))


def case_moved_on(s: Session, person: Person, exam: Exam, today: date) -> bool:
    """A 补考 or 复训考试 whose obligation the person's standing no longer holds (it was failed and the case went
    on to off-duty retraining, or it was closed another way)."""
    owed_kind = CASE_EXAM_OWED.get(exam.kind)
    if owed_kind is None:
        return False
    standing = standing_service.standing_of(s, person, exam.post, today).standing
    return all(o.kind != owed_kind for o in standing.owed)
