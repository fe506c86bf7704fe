"""Which handbook each post has: the one place the overview reads handbook status from.

A post's handbook is the enterprise's own published 专业知识 part when it has one (its latest version,
`webapp.handbooks`), else the live question set covering the post (a built-in set's handbook, or one the
enterprise imported), with its version and when it was loaded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.bank.models import QuestionSet
from webapp.handbooks.models import Handbook, HandbookVersion
from webapp.infra import clock
from webapp.org.models import Post


@dataclass(frozen=True)
class HandbookState:
    title: str
    version: str
    published_on: date | None


def handbook_status(
    s: Session, organisation_ids: Iterable[int], post_codes: Iterable[str]
) -> dict[tuple[int, str], HandbookState]:
    """(organisation, post code) → the handbook published for it; a post missing from the answer has none.
    An organisation's own handbook wins over a built-in one."""
    ids, codes = set(organisation_ids), set(post_codes)
    rows = s.execute(
        select(
            QuestionSet.organisation_id,
            QuestionSet.post_codes,
            QuestionSet.title,
            QuestionSet.version,
            QuestionSet.loaded_at,
        ).where(
            QuestionSet.retired_at.is_(None),
            QuestionSet.organisation_id.is_(None) | QuestionSet.organisation_id.in_(ids),
        )
    ).all()
    builtin: dict[str, HandbookState] = {}
    own: dict[tuple[int, str], HandbookState] = {}
    for org_id, covered, title, version, loaded_at in rows:
        state = HandbookState(title, version, loaded_at.date() if loaded_at else None)
        for code in set(covered or ()) & codes:
            if org_id is None:
                builtin[code] = state
            else:
                own[(org_id, code)] = state
    out = {(o, c): builtin[c] for o in ids for c in codes if c in builtin}
    out.update(own)
    out.update(_published(s, ids, codes))
    return out


def _published(s: Session, ids: set[int], codes: set[str]) -> dict[tuple[int, str], HandbookState]:
    """The latest published version of each enterprise's own 专业知识 part, by (organisation, post code)."""
    latest = (
        select(HandbookVersion.handbook_id, func.max(HandbookVersion.number).label("number"))
        .group_by(HandbookVersion.handbook_id)
        .subquery()
    )
    rows = s.execute(
        select(Handbook.organisation_id, Post.code, HandbookVersion.title, HandbookVersion.number,
               HandbookVersion.published_at)
        .join(Post, Post.id == Handbook.post_id)
        .join(latest, latest.c.handbook_id == Handbook.id)
        .join(HandbookVersion, (HandbookVersion.handbook_id == Handbook.id)
              & (HandbookVersion.number == latest.c.number))
        .where(Handbook.organisation_id.in_(ids), Post.code.in_(codes))
    )  # fmt: skip
    return {
        (org_id, code): HandbookState(title, f"v{number}", clock.local(published_at).date())
        for org_id, code, title, number, published_at in rows
    }
