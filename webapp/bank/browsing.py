"""Browsing the bank: the sets an organisation may see, the filtered and paged question list (tag search
matches the stored JSON text), section names and live/retired counts per set."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Text, cast, func, select
from sqlalchemy.orm import Session

from webapp.bank.models import HandbookSection, Question, QuestionSet


@dataclass(frozen=True)
class Filters:
    set_id: int | None = None
    post: str | None = None
    type: str | None = None
    part: str | None = None
    section: str | None = None
    tag: str | None = None
    difficulty: int | None = None
    status: str = "live"  # live | retired | all
    q: str | None = None


def visible_sets(s: Session, organisation_id: int) -> list[QuestionSet]:
    return list(
        s.scalars(
            select(QuestionSet)
            .where((QuestionSet.organisation_id.is_(None)) | (QuestionSet.organisation_id == organisation_id))
            .order_by(QuestionSet.organisation_id.is_(None), QuestionSet.title, QuestionSet.id)
        )
    )


def browse_query(s: Session, organisation_id: int, f: Filters):
    sets = visible_sets(s, organisation_id)
    set_ids = [r.id for r in sets]
    if f.set_id is not None:
        set_ids = [i for i in set_ids if i == f.set_id]
    if f.post:
        set_ids = [r.id for r in sets if r.id in set_ids and f.post in (r.post_codes or ())]
    query = select(Question).where(Question.set_id.in_(set_ids))
    if f.type:
        query = query.where(Question.type == f.type)
    if f.part:
        query = query.where(Question.part == f.part)
    if f.section:
        query = query.where(Question.section == f.section)
    if f.difficulty:
        query = query.where(Question.difficulty == f.difficulty)
    if f.tag:
        # Tags are a JSON list stored as text (json.dumps, ASCII-escaped); match the quoted, escaped tag.
        needle = json.dumps(f.tag.strip())
        query = query.where(cast(Question.tags, Text).contains(needle, autoescape=True))
    if f.q:
        query = query.where(Question.stem.contains(f.q.strip(), autoescape=True))
    if f.status == "live":
        query = query.where(Question.retired_at.is_(None))
    elif f.status == "retired":
        query = query.where(Question.retired_at.is_not(None))
    return query


def browse(
    s: Session, organisation_id: int, f: Filters, *, page: int = 1, per_page: int = 50
) -> tuple[list[Question], int]:
    query = browse_query(s, organisation_id, f)
    total = s.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = s.scalars(
        query.order_by(Question.set_id, Question.id).offset((page - 1) * per_page).limit(per_page)
    )
    return list(rows), total


@dataclass(frozen=True)
class SectionNames:
    """Handbook section titles for the question list: a question's section is named from its own set's
    handbook, else from any visible set's (an imported set points at the built-in handbook's ids)."""

    by_set: dict[tuple[int, str], str]
    by_id: dict[str, str]
    # The 章节 filter's choices: per live handbook (its set's title), (section id, title) in handbook order.
    groups: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]

    def title(self, set_id: int, section_id: str | None) -> str | None:
        if not section_id:
            return None
        return self.by_set.get((set_id, section_id)) or self.by_id.get(section_id)


def section_names(s: Session, sets: Sequence[QuestionSet]) -> SectionNames:
    """The sections of `sets` (see `visible_sets`), in one query."""
    by_set: dict[tuple[int, str], str] = {}
    by_id: dict[str, str] = {}
    grouped: dict[int, list[tuple[str, str]]] = {}
    live = {q.id for q in sets if q.retired_at is None}
    offered: set[str] = set()
    rows = s.execute(
        select(HandbookSection.set_id, HandbookSection.section_id, HandbookSection.title)
        .where(HandbookSection.set_id.in_([q.id for q in sets]))
        .order_by(HandbookSection.set_id, HandbookSection.position, HandbookSection.id)
    )
    for set_id, section_id, title in rows:
        by_set[(set_id, section_id)] = title
        if set_id in live or section_id not in by_id:
            by_id[section_id] = title
        if set_id in live and section_id not in offered:
            offered.add(section_id)
            grouped.setdefault(set_id, []).append((section_id, title))
    groups = tuple((f"{q.title} v{q.version}", tuple(grouped[q.id])) for q in sets if q.id in grouped)
    return SectionNames(by_set, by_id, groups)


def question_counts(s: Session, set_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    ids = list(set_ids)
    out: dict[int, dict[str, int]] = {i: {"live": 0, "retired": 0} for i in ids}
    if not ids:
        return out
    rows = s.execute(
        select(Question.set_id, Question.retired_at.is_(None), func.count())
        .where(Question.set_id.in_(ids))
        .group_by(Question.set_id, Question.retired_at.is_(None))
    )
    for set_id, live, n in rows:
        out[set_id]["live" if live else "retired"] += n
    return out
