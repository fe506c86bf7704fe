"""Small functions making event histories for the rules tests."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count

from quizbank.rules import (
    CertificateIssued,
    ExamTaken,
    Hired,
    SpecialCertificateRecorded,
    TrainingCompleted,
    ViolationRecorded,
)

POST = "welding"
HIRED = date(2025, 3, 3)
QUALIFIED = date(2025, 3, 10)

_ids = count(1)


def d(text: str) -> date:
    return date.fromisoformat(text)


def session(on: date, level: str, hours: float, post: str | None = None, session_id: str | None = None):
    return TrainingCompleted(on, level, hours, session_id or f"s{next(_ids)}", post)  # type: ignore[arg-type]


def exam(on: date, kind: str, passed: bool, post: str | None = POST):
    return ExamTaken(
        on, kind, passed=passed, score=90.0 if passed else 60.0, attempt_id=f"a{next(_ids)}", post=post
    )  # type: ignore[arg-type]


def prejob(start: date = HIRED, hours_per_level: float = 8, post: str = POST) -> list:
    """Hired and trained at the three levels, one day each; no exam yet."""
    return [
        Hired(start, post=post),
        session(start + timedelta(days=1), "factory", hours_per_level),
        session(start + timedelta(days=2), "workshop", hours_per_level, post),
        session(start + timedelta(days=3), "team", hours_per_level, post),
    ]


def qualified(on: date = QUALIFIED, post: str = POST, high_risk: bool = False) -> list:
    """A worker who passed the qualification exam on `on` after the full pre-job training."""
    per_level = 24 if high_risk else 8
    return [*prejob(on - timedelta(days=7), per_level, post), exam(on, "qualification", True, post)]


def with_certificate(
    on: date = QUALIFIED, post: str = POST, serial: str = "QB-2025-000001", months: int = 12
):
    expires = on.replace(year=on.year + months // 12) - timedelta(days=1)
    return [*qualified(on, post), CertificateIssued(on, serial, expires, post)]


def violation(on: date, post: str | None = POST):
    return ViolationRecorded(on, "违章作业", note="未系安全带", by="inspector1", post=post)


def special(issued: date, number: str = "T110101199001011234", post: str | None = POST, **kw):
    return SpecialCertificateRecorded(issued, number, "熔化焊接与热切割作业", issued, post=post, **kw)
