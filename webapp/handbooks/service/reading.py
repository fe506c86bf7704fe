"""Workers read their handbooks: which sections each person opened, 已阅读确认 per version, and who has not
read the current version (for HR)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.handbooks.models import Acknowledgement, Handbook, HandbookVersion, SectionOpened
from webapp.handbooks.service.drafts import handbook_of
from webapp.handbooks.service.publishing import current_version
from webapp.infra.errors import ApiError
from webapp.org.models import Person, PersonPost, Post


@dataclass(frozen=True)
class Reading:
    """One published part a person is to read, with what they opened and whether they acknowledged it."""

    post: Post | None
    version: HandbookVersion
    opened: frozenset[str]
    acknowledged_at: datetime | None


def readings_of(s: Session, person: Person) -> list[Reading]:
    """The published 通用知识 part and the 专业知识 part of each of the person's posts."""
    posts: list[Post | None] = [None, *[pp.post for pp in person.posts if pp.post.retired_at is None]]
    out = []
    for post in posts:
        hb = handbook_of(s, person.organisation_id, post, create=False)
        version = current_version(hb)
        if version is None:
            continue
        opened = frozenset(
            s.scalars(
                select(SectionOpened.section_id).where(
                    SectionOpened.person_id == person.id, SectionOpened.version_id == version.id
                )
            )
        )
        ack = s.scalar(
            select(Acknowledgement.acknowledged_at).where(
                Acknowledgement.person_id == person.id, Acknowledgement.version_id == version.id
            )
        )
        out.append(Reading(post, version, opened, ack))
    return out


def readable_version(s: Session, person: Person, version_id: int) -> HandbookVersion:
    """A version the person may read: of their enterprise, the general part or one of their posts."""
    version = s.get(HandbookVersion, version_id)
    if version is None or version.handbook.organisation_id != person.organisation_id:
        raise ApiError(404, "not_found", "手册不存在")
    post_id = version.handbook.post_id
    if post_id is not None and post_id not in {pp.post_id for pp in person.posts}:
        raise ApiError(404, "not_found", "手册不存在")
    return version


def record_opened(
    s: Session, person: Person, version: HandbookVersion, section_id: str, at: datetime
) -> None:
    if section_id not in {d["id"] for d in version.sections}:
        raise ApiError(404, "no_section", f"章节 {section_id} 不存在")
    exists = s.scalar(
        select(SectionOpened.id).where(
            SectionOpened.person_id == person.id,
            SectionOpened.version_id == version.id,
            SectionOpened.section_id == section_id,
        )
    )
    if exists is None:
        s.add(SectionOpened(person_id=person.id, version_id=version.id, section_id=section_id, opened_at=at))
        s.flush()


def acknowledge(s: Session, person: Person, version: HandbookVersion, at: datetime) -> None:
    """已阅读确认 of `version` (idempotent). Only the current version of its handbook can be acknowledged."""
    if current_version(version.handbook) is not version:
        raise ApiError(409, "not_current", f"第 {version.number} 版已不是现行版本，请阅读最新版后确认")
    exists = s.scalar(
        select(Acknowledgement.id).where(
            Acknowledgement.person_id == person.id, Acknowledgement.version_id == version.id
        )
    )
    if exists is None:
        s.add(Acknowledgement(person_id=person.id, version_id=version.id, acknowledged_at=at))
        s.flush()


@dataclass(frozen=True)
class ReaderRow:
    person: Person
    opened: int
    acknowledged_at: datetime | None


def readers(s: Session, hb: Handbook) -> tuple[HandbookVersion | None, list[ReaderRow]]:
    """Everyone who should read the current version (the post's holders; everyone for 通用知识), unread
    first."""
    version = current_version(hb)
    if version is None:
        return None, []
    query = select(Person).where(Person.organisation_id == hb.organisation_id, Person.active.is_(True))
    if hb.post_id is not None:
        query = query.where(
            Person.id.in_(select(PersonPost.person_id).where(PersonPost.post_id == hb.post_id))
        )
    people = s.scalars(query.order_by(Person.employee_no)).all()
    acks = dict(
        s.execute(
            select(Acknowledgement.person_id, Acknowledgement.acknowledged_at).where(
                Acknowledgement.version_id == version.id
            )
        ).all()
    )
    opened: dict[int, int] = {}
    for (pid,) in s.execute(select(SectionOpened.person_id).where(SectionOpened.version_id == version.id)):
        opened[pid] = opened.get(pid, 0) + 1
    rows = [ReaderRow(p, opened.get(p.id, 0), acks.get(p.id)) for p in people]
    return version, sorted(rows, key=lambda r: (r.acknowledged_at is not None, r.person.employee_no))
