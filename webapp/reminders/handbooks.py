"""Handbook versions to acknowledge: for each active person of an enterprise, the latest published version
of its 通用知识 part and of the 专业知识 part of each post they hold, less those they confirmed reading."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quizbank.records import reminders as core
from webapp.handbooks.models import Acknowledgement, Handbook, HandbookVersion
from webapp.infra import clock
from webapp.org.models import Organisation, Person, PersonPost


def handbook_versions_to_acknowledge(
    s: Session, org: Organisation, today: date
) -> Iterable[tuple[int | None, core.Occasion]]:
    latest = (
        select(HandbookVersion.handbook_id, func.max(HandbookVersion.number).label("number"))
        .join(Handbook, Handbook.id == HandbookVersion.handbook_id)
        .where(Handbook.organisation_id == org.id)
        .group_by(HandbookVersion.handbook_id)
        .subquery()
    )
    versions = s.execute(
        select(HandbookVersion.id, Handbook.post_id, Handbook.title, HandbookVersion.number,
               HandbookVersion.published_at)
        .join(Handbook, Handbook.id == HandbookVersion.handbook_id)
        .join(latest, (latest.c.handbook_id == Handbook.id) & (latest.c.number == HandbookVersion.number))
    ).all()  # fmt: skip
    if not versions:
        return []
    people = list(s.scalars(select(Person).where(Person.organisation_id == org.id, Person.active)))
    posts: dict[int, set[int]] = {}
    for person_id, post_id in s.execute(
        select(PersonPost.person_id, PersonPost.post_id).where(
            PersonPost.person_id.in_([p.id for p in people])
        )
    ):
        posts.setdefault(person_id, set()).add(post_id)
    read = set(
        s.execute(
            select(Acknowledgement.person_id, Acknowledgement.version_id).where(
                Acknowledgement.version_id.in_([v.id for v in versions])
            )
        ).all()
    )
    out: list[tuple[int | None, core.Occasion]] = []
    for person in people:
        unread = [
            core.PublishedHandbook(v.id, v.title, v.number, clock.local(v.published_at).date())
            for v in versions
            if (v.post_id is None or v.post_id in posts.get(person.id, ())) and (person.id, v.id) not in read
        ]
        ref = core.PersonRef(person.id, person.name, person.employee_no, {})
        out += [(person.id, o) for o in core.handbook_occasions(ref, unread)]
    return out
