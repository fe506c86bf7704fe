"""Standing (上岗资格) in the shell: load a person's events, hand them to the core's `standing(...)`
with the organisation's policy (`Policy.from_dict(org.policy)`), `high_risk` from the organisation and the
post (`rules.is_high_risk`: a high-risk enterprise, or a post whose risk is high) and `special_operation`
from the post. Nothing is stored but a cache: every call recomputes from the `events` table, except what
`refresh_snapshots` keeps for reports (whether each person may work each post today, current while their
events, the post and the organisation are unchanged and the date is the same).

Also the one place that appends events for the inspection and training areas (`record_event`), so
every event row is written the same way (kind and data from `quizbank.rules.event_to_dict`).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from quizbank import rules
from webapp.infra import clock
from webapp.org.models import Organisation, Person, PersonPost, Post
from webapp.standing.models import EVERY_POST, Event, StandingSnapshot, StandingVersion


class EventDataError(ValueError):
    """An event row the core refuses; says which row."""


@dataclass(frozen=True)
class PostStanding:
    """A person's standing on one of their posts, with the post row for names."""

    person: Person
    post: Post
    standing: rules.Standing

    @property
    def tone(self) -> str:
        """ok: may work, owes nothing pressing; warn: may work but owes (e.g. a make-up); bad: may not work."""
        if not self.standing.may_work:
            return "bad"
        return "ok" if self.standing.status == rules.Status.QUALIFIED else "warn"


def policy_of(org: Organisation) -> rules.Policy:
    try:
        return _policy(json.dumps(org.policy or {}, sort_keys=True))
    except ValueError as e:
        raise EventDataError(f"organisations[{org.id}].policy: {e}") from None


@lru_cache(maxsize=256)
def _policy(text: str) -> rules.Policy:
    # A report computes thousands of standings under one or a few policies: each is parsed once.
    return rules.Policy.from_dict(json.loads(text))


def to_core_event(row) -> rules.Event:
    """An `Event` row (or a row of its id, kind and data) → the core's event; EventDataError names the row."""
    try:
        return rules.event_from_dict(row.kind, dict(row.data or {}))
    except (ValueError, TypeError) as e:
        raise EventDataError(f"events[{row.id}] ({row.kind}): {e}") from None


def events_of(s: Session, person_ids: Iterable[int]) -> dict[int, list[rules.Event]]:
    """Each person's events in the order recorded (the core sorts by date, keeping same-day order)."""
    ids = list(person_ids)
    out: dict[int, list[rules.Event]] = defaultdict(list)
    if not ids:
        return out
    # Plain rows through Core, not the ORM: a report asks for thousands of people's events at once.
    rows = s.connection().execute(
        select(Event.id, Event.person_id, Event.kind, Event.data)
        .where(Event.person_id.in_(ids))
        .order_by(Event.occurred_on, Event.id)
    )
    for row in rows:
        out[row.person_id].append(to_core_event(row))
    return out


def posts_of(s: Session, person_ids: Iterable[int]) -> dict[int, list[Post]]:
    ids = list(person_ids)
    out: dict[int, list[Post]] = defaultdict(list)
    if not ids:
        return out
    rows = s.execute(
        select(PersonPost.person_id, Post)
        .join(Post, Post.id == PersonPost.post_id)
        .where(PersonPost.person_id.in_(ids))
        .order_by(PersonPost.id)
    )
    for person_id, post in rows:
        out[person_id].append(post)
    return out


def compute(events: Sequence[rules.Event], org: Organisation, post: Post, today: date) -> rules.Standing:
    return rules.standing(
        events,
        policy_of(org),
        today,
        post=post.code,
        high_risk=rules.is_high_risk(org.high_risk, post.risk),
        special_operation=bool(post.special_operation),
        certificate=post.certificate_document,
    )


def standing_of(s: Session, person: Person, post: Post, today: date | None = None) -> PostStanding:
    """The person's standing on `post` today (China time unless `today` is given)."""
    today = today or clock.today()
    org = s.get(Organisation, person.organisation_id)
    events = events_of(s, [person.id])[person.id]
    return PostStanding(person, post, compute(events, org, post, today))


def standings_of(
    s: Session, people: Sequence[Person], today: date | None = None
) -> dict[int, list[PostStanding]]:
    """Every person's standing on each of their posts, loading events and posts in two queries."""
    today = today or clock.today()
    ids = [p.id for p in people]
    events, posts = events_of(s, ids), posts_of(s, ids)
    orgs: dict[int, Organisation] = {}
    out: dict[int, list[PostStanding]] = {}
    for person in people:
        org = orgs.get(person.organisation_id) or s.get(Organisation, person.organisation_id)
        orgs[person.organisation_id] = org
        out[person.id] = [
            PostStanding(person, post, compute(events[person.id], org, post, today))
            for post in posts[person.id]
        ]
    return out


def refresh_snapshots(s: Session, organisation_id: int, today: date) -> int:
    """Make the organisation's `standing_snapshots` current for `today`: the rows of another day, or older
    than the person's events, or made stale by a trigger (a post given or sat, a post or the organisation
    changed) are computed from the events (the core's `standing`) and written; the rest are left alone.
    Returns how many were computed. Computes from a read and only then queues for the write lock (on
    SQLite), so exam answers are not held up while thousands of people's events are replayed."""
    version = func.coalesce(StandingVersion.version, 0)
    stale = (
        select(StandingSnapshot.person_id, StandingSnapshot.post_id, version)
        .outerjoin(StandingVersion, StandingVersion.person_id == StandingSnapshot.person_id)
        .where(
            StandingSnapshot.organisation_id == organisation_id,
            or_(StandingSnapshot.computed_for != today, StandingSnapshot.version != version),
        )
    )
    # The versions are read before the events: an event committed in between leaves a snapshot that reads
    # as stale next time, never one that reads as current without it. Two first views at once may both
    # compute; if the slower one writes an older version over a newer row, that row reads as stale again.
    # In key order, so that two writers on PostgreSQL lock the rows in the same order.
    todo = s.execute(stale.order_by(StandingSnapshot.person_id, StandingSnapshot.post_id)).all()
    if not todo:
        return 0
    events = events_of(s, {pid for pid, _, _ in todo})
    held = posts_of(s, {pid for pid, post, _ in todo if post == EVERY_POST})
    posts = {p.id: p for p in s.scalars(select(Post).where(Post.id.in_({post for _, post, _ in todo})))}
    org = s.get(Organisation, organisation_id)
    known: dict[tuple[int, int], bool] = {}

    def may_work(pid: int, post: Post) -> bool:
        if (pid, post.id) not in known:
            known[(pid, post.id)] = compute(events[pid], org, post, today).may_work
        return known[(pid, post.id)]

    def row(pid: int, post: int, seen: int) -> dict[str, Any]:
        if post == EVERY_POST:
            ok = bool(held[pid]) and all(may_work(pid, p) for p in held[pid])
        else:
            ok = may_work(pid, posts[post])
        return {
            "person_id": pid,
            "post_id": post,
            "organisation_id": organisation_id,
            "computed_for": today,
            "version": seen,
            "may_work": ok,
        }

    rows = [row(pid, post, seen) for pid, post, seen in todo]
    if s.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    from webapp.infra.db import take_write_lock

    take_write_lock(s)  # on SQLite ends the read; what was computed from it stays right (see above)
    upsert = insert(StandingSnapshot)
    upsert = upsert.on_conflict_do_update(
        index_elements=[StandingSnapshot.person_id, StandingSnapshot.post_id],
        set_={k: upsert.excluded[k] for k in ("organisation_id", "computed_for", "version", "may_work")},
    )
    s.connection().execute(upsert, rows)  # Core: the ORM's bulk path would collect each row again
    return len(rows)


def record_event(s: Session, person: Person, event: rules.Event, *, recorded_by: int | None) -> Event:
    """Append one event row (never edited afterwards)."""
    row = Event(
        organisation_id=person.organisation_id,
        person_id=person.id,
        post_code=getattr(event, "post", None),
        kind=rules.event_kind(event),
        occurred_on=event.on,
        data=rules.event_to_dict(event),
        recorded_at=clock.now(),
        recorded_by=recorded_by,
    )
    s.add(row)
    s.flush()
    return row


# --- what the API and the pages show -----------------------------------------------------------------------


def owed_json(o: rules.Owed) -> dict[str, Any]:
    return {
        "kind": o.kind,
        "description": o.description,
        "deadline": o.deadline.isoformat() if o.deadline else None,
        "hours_remaining": o.hours_remaining,
    }


def certificate_json(c: rules.CertificateState) -> dict[str, Any]:
    return {
        "serial": c.serial,
        "post": c.post,
        "kind": c.kind,
        "issued": c.issued.isoformat(),
        "expires": c.expires.isoformat(),
        "status": c.status,
        "status_name": rules.CERTIFICATE_STATUS_NAMES[c.status],
        "reason": c.reason,
    }


def standing_json(ps: PostStanding, certificates: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """DESIGN §5: `{may_work, status, owed, certificates}` plus names and reasons for display."""
    st = ps.standing
    special = st.special_certificate
    return {
        "person_id": ps.person.id,
        "post": ps.post.code,
        "post_name": ps.post.name,
        "on": st.on.isoformat(),
        "may_work": st.may_work,
        "status": str(st.status),
        "status_name": st.status_name,
        "reasons": list(st.reasons),
        "owed": [owed_json(o) for o in st.owed],
        "certificates": certificates
        if certificates is not None
        else [certificate_json(c) for c in st.certificates],
        "special_certificate": None
        if special is None
        else {
            "number": special.number,
            "kind": special.kind,
            "issued": special.issued.isoformat(),
            "review_due": special.review_due.isoformat(),
            "expires": special.expires.isoformat(),
            "status": special.status,
        },
    }
