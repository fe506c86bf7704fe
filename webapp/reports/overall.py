"""The pass-rate report's 合计 row: every column over the whole range, people counted once however many groups
(posts, months, inspections) they appear in, and each person's first sitting in the range for 首考."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Integer, case, func, literal, select
from sqlalchemy.orm import Session

from webapp.exams.models import Attempt
from webapp.infra.clock import SHANGHAI
from webapp.reports.service import COUNTED_KINDS, PassRateRow


def _utc(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=SHANGHAI).astimezone(UTC)


def overall(s: Session, organisation_id: int, by: str, start: date | None, end: date | None) -> PassRateRow:
    conditions = [
        Attempt.organisation_id == organisation_id,
        Attempt.submitted_at.is_not(None),
        Attempt.kind.in_(COUNTED_KINDS),
    ]
    if start:
        conditions.append(Attempt.submitted_at >= _utc(start))
    if end:
        conditions.append(Attempt.submitted_at < _utc(end + timedelta(days=1)))
    if by == "inspection":  # that grouping counts only spot tests of inspections
        conditions.append(Attempt.inspection_id.is_not(None))
    ok = case((Attempt.passed.is_(True), 1), else_=0)
    sub = (
        select(
            Attempt.person_id.label("person_id"),
            ok.label("ok"),
            func.row_number()
            .over(partition_by=Attempt.person_id, order_by=(Attempt.submitted_at, Attempt.id))
            .label("n"),
        )
        .where(*conditions)
        .subquery()
    )
    row = s.execute(
        select(
            func.count().label("attempts"),
            func.sum(sub.c.ok).label("attempts_passed"),
            func.count(func.distinct(sub.c.person_id)).label("people"),
            func.count(func.distinct(case((sub.c.ok == 1, sub.c.person_id)))).label("people_passed"),
            func.sum(case((sub.c.n == 1, sub.c.ok), else_=literal(0, Integer))).label("first_passed"),
        )
    ).one()
    return PassRateRow(
        key="",
        label="合计",
        attempts=int(row.attempts or 0),
        attempts_passed=int(row.attempts_passed or 0),
        people=int(row.people or 0),
        people_passed=int(row.people_passed or 0),
        first_passed=int(row.first_passed or 0),
    )
