"""今日可上岗 beside a report's rates: of each group's people, how many may work today (the rules' standing:
on the group's post when grouped by post, on all their posts otherwise).

The standing is read from `standing_snapshots` (webapp.standing), made current first for every person of
the organisation on each post they hold or sat (triggers add the rows): on a day's first report that
replays their events (the core's `standing`), on later ones only the people whose events changed since. The counts are then a join in the report's
query: `flag(...)` is 1 for a (group, person) row whose person may work."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from webapp.org.models import Person, PersonPost
from webapp.standing import service as standing_service
from webapp.standing.models import StandingSnapshot


def refresh(s: Session, organisation_id: int, today: date) -> int:
    """Make the snapshots the report reads current; returns how many had to be computed."""
    return standing_service.refresh_snapshots(s, organisation_id, today)


def _may_work(snapshot, today: date):
    return case((and_(snapshot.computed_for == today, snapshot.may_work.is_(True)), 1), else_=0)


def everywhere(organisation_id: int, today: date):
    """(person_id, ok): 1 when the person holds a post and may work every post they hold today."""
    return (
        select(PersonPost.person_id, func.min(_may_work(StandingSnapshot, today)).label("ok"))
        .join(Person, Person.id == PersonPost.person_id)
        .outerjoin(
            StandingSnapshot,
            and_(
                StandingSnapshot.person_id == PersonPost.person_id,
                StandingSnapshot.post_id == PersonPost.post_id,
            ),
        )
        .where(Person.organisation_id == organisation_id)
        .group_by(PersonPost.person_id)
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
    all_posts = everywhere(organisation_id, today)
    return query.add_columns(func.sum(func.coalesce(all_posts.c.ok, 0)).label("may_work")).outerjoin(
        all_posts, all_posts.c.person_id == per_person.c.person_id
    )
