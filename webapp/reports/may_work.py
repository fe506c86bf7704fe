"""今日可上岗 beside a report's rates: of each group's people, how many may work today (the rules' standing:
on the group's post when grouped by post, on all their posts otherwise)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.org.models import Organisation, Post
from webapp.standing import service as standing_service


class MayWork:
    """Whether a person may work a post today, each (person, post) computed once and remembered: the
    report's rows and its 合计 ask for the same people. Events and posts are loaded for the people
    not seen yet, in two queries per call of `load`."""

    def __init__(self, s: Session, organisation_id: int, today: date) -> None:
        self.s, self.today = s, today
        self.org = s.get(Organisation, organisation_id)
        self.events: dict[int, list] = {}
        self.posts: dict[int, list[Post]] = {}
        self._on: dict[tuple[int, int], bool] = {}
        self._everywhere: dict[int, bool] = {}

    def load(self, ids: set[int]) -> None:
        new = sorted(ids.difference(self.events))
        if new:
            events, posts = standing_service.events_of(self.s, new), standing_service.posts_of(self.s, new)
            for pid in new:
                self.events[pid], self.posts[pid] = events[pid], posts[pid]

    def on(self, pid: int, post: Post) -> bool:
        known = self._on.get((pid, post.id))
        if known is None:
            known = standing_service.compute(self.events[pid], self.org, post, self.today).may_work
            self._on[(pid, post.id)] = known
        return known

    def everywhere(self, pid: int) -> bool:
        known = self._everywhere.get(pid)
        if known is None:
            posts = self.posts[pid]
            known = self._everywhere[pid] = bool(posts) and all(self.on(pid, p) for p in posts)
        return known


def may_work_counts(
    s: Session,
    organisation_id: int,
    by: str,
    groups: dict[object, set[int]],
    today: date,
    may_work: MayWork | None = None,
) -> dict[object, int]:
    """Per group, how many of its people may work today (by post: on that post; else on all their posts)."""
    may_work = may_work or MayWork(s, organisation_id, today)
    may_work.load(set().union(*groups.values()) if groups else set())
    post_rows: dict[int, Post] = {}
    if by == "post":
        post_rows = {p.id: p for p in s.scalars(select(Post).where(Post.id.in_([k for k in groups if k])))}
    counts = {}
    for k, members in groups.items():
        if by == "post" and k in post_rows:
            post = post_rows[k]
            counts[k] = sum(1 for pid in members if may_work.on(pid, post))
        else:
            counts[k] = sum(1 for pid in members if may_work.everywhere(pid))
    return counts
