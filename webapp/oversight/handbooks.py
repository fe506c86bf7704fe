"""Which handbook each post has: the one place the overview reads handbook status from.

Today handbooks come with the question sets (a built-in set's handbook, or one an enterprise imported): the
live (not retired) set covering a post, its version and when it was loaded. When enterprises publish their
own handbooks in their own table, point `handbook_status` at it; nothing else in the overview changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.bank.models import QuestionSet


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
    return out
