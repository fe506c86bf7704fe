"""今日可上岗 beside a report's rates: of each group's people, how many may work today (the rules' standing:
on the group's post when grouped by post, on all their posts otherwise).

The standing is read from `standing_snapshots` (webapp.standing), made current first for every person of
the organisation on each post they hold or sat and on every post they hold (triggers add the rows): on a
day's first report that replays their events (the core's `standing`), on later ones only the people whose
events changed since. The counts are then a join in the report's query (`with_flag`)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from webapp.reports.models import PassRateFact
from webapp.standing import service as standing_service
from webapp.standing.models import EVERY_POST, StandingSnapshot


def refresh(s: Session, organisation_id: int, today: date) -> int:
    """Make the snapshots the report reads current; returns how many had to be computed."""
    return standing_service.refresh_snapshots(s, organisation_id, today)


def _may_work(snapshot, today: date):
    return case((and_(snapshot.computed_for == today, snapshot.may_work.is_(True)), 1), else_=0)


def by_month(organisation_id: int, post_id: int, first: str | None, last: str | None, today: date):
    """(month, may_work): per month, how many of the people who sat then (on `post_id`, or EVERY_POST) may
    work every post they hold today — the people who may work looked up in a set, not joined row by row."""
    F, S = PassRateFact, StandingSnapshot
    may = select(S.person_id).where(
        S.organisation_id == organisation_id,
        S.post_id == EVERY_POST,
        S.computed_for == today,
        S.may_work.is_(True),
    )
    conditions = [
        F.organisation_id == organisation_id,
        F.grain == "M",
        F.post_id == post_id,
        F.person_id.in_(may),
    ]
    if first:
        conditions.append(F.period >= first)
    if last:
        conditions.append(F.period <= last)
    return (
        select(F.period.label("month"), func.count().label("may_work"))
        .where(*conditions)
        .group_by(F.period)
        .subquery()
    )


def with_flag(query, per_person, by: str, organisation_id: int, today: date):
    """`query` (selecting from the per-group-and-person subquery `per_person`) with a `may_work` column: the
    number of its people who may work today, on the group's post when grouped by post, else everywhere."""
    if by == "post":
        on_post = StandingSnapshot.__table__.alias("on_post")
        return query.add_columns(func.sum(_may_work(on_post.c, today)).label("may_work")).outerjoin(
            on_post,
            and_(on_post.c.person_id == per_person.c.person_id, on_post.c.post_id == per_person.c.key),
        )
    every = StandingSnapshot.__table__.alias("every_post")
    return query.add_columns(func.sum(_may_work(every.c, today)).label("may_work")).outerjoin(
        every, and_(every.c.person_id == per_person.c.person_id, every.c.post_id == EVERY_POST)
    )
