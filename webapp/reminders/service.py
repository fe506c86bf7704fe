"""The reminder run: plan (the rules' occasions → one `Reminder` per key, one `Delivery` per reminder and
channel, both inserted only when absent), then deliver (`webapp.reminders.delivery`).

Durability: every step is its own committed transaction, so a process killed at any point loses
nothing. A delivery claimed by a process that died is taken again once its lease has run out; one that
the receiver accepted just before the process died is sent again (at least once — see
`webapp.reminders.channels` for what each channel makes of that).

`OCCASION_SOURCES` is where a feature adds its own occasions (the handbook versions a person has not
yet confirmed reading come from `webapp.reminders.handbooks`) (a function `(session, organisation, today) -> iterable of (person_id | None, Occasion)`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from quizbank.records import reminders as core
from webapp.dashboard.roster import due_people, submitted_attempts
from webapp.exams.models import Exam
from webapp.infra import clock
from webapp.infra.db import database, transaction
from webapp.org.models import Organisation, Person, Post
from webapp.reminders.delivery import RunReport, deliver_due
from webapp.reminders.handbooks import handbook_versions_to_acknowledge
from webapp.reminders.models import Delivery, NotificationChannel, Reminder
from webapp.standing import service as standing_service

BATCH = 500
OCCASION_SOURCES: list[
    Callable[[Session, Organisation, date], Iterable[tuple[int | None, core.Occasion]]]
] = [handbook_versions_to_acknowledge]


def _insert_ignore(s: Session, table, rows: list[dict], keys: list[str]) -> None:
    if not rows:
        return
    if s.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    for i in range(0, len(rows), 500):
        s.execute(insert(table).on_conflict_do_nothing(index_elements=keys), rows[i : i + 500])


def ensure_inbox(s: Session, organisation_id: int, now: datetime) -> NotificationChannel:
    row = s.scalar(
        select(NotificationChannel).where(
            NotificationChannel.organisation_id == organisation_id, NotificationChannel.kind == "inbox"
        )
    )
    if row is None:
        row = NotificationChannel(
            organisation_id=organisation_id, kind="inbox", name="站内消息", config={}, sealed_secrets={},
            audience=list(core.AUDIENCES), active=True, created_at=now,
        )  # fmt: skip
        s.add(row)
        s.flush()
    return row


def _exams_by_person(s: Session, org_id: int, now: datetime) -> dict[int, list[core.ScheduledExam]]:
    window = timedelta(days=7)
    exams = list(
        s.scalars(
            select(Exam).where(
                Exam.organisation_id == org_id,
                Exam.opens_at <= now + window,
                Exam.closes_at >= now - window,
                Exam.kind != "practice",
            )
        )
    )
    due = due_people(s, exams)
    sat = submitted_attempts(s, [e.id for e in exams])
    out: dict[int, list[core.ScheduledExam]] = {}
    for e in exams:
        for p in due[e.id]:
            out.setdefault(p.id, []).append(
                core.ScheduledExam(
                    e.id, e.title, "", clock.local(e.opens_at), clock.local(e.closes_at), (e.id, p.id) in sat
                )
            )  # type: ignore[arg-type]
    return out


def plan(s: Session, org: Organisation, today: date, now: datetime, leads: core.Leads = core.Leads()) -> int:
    """Add the reminders due today that are not in the outbox yet, with a delivery per channel; returns
    how many occasions were looked at."""
    ensure_inbox(s, org.id, now)
    channels = list(
        s.scalars(
            select(NotificationChannel).where(
                NotificationChannel.organisation_id == org.id, NotificationChannel.active
            )
        )
    )
    post_names = dict(s.execute(select(Post.code, Post.name)).all())
    exams = _exams_by_person(s, org.id, now)
    people = list(
        s.scalars(select(Person).where(Person.organisation_id == org.id, Person.active).order_by(Person.id))
    )
    found: list[tuple[int | None, core.Occasion]] = []
    for i in range(0, len(people), BATCH):
        chunk = people[i : i + BATCH]
        ids = [p.id for p in chunk]
        events, posts = standing_service.events_of(s, ids), standing_service.posts_of(s, ids)
        for p in chunk:
            standings = [standing_service.compute(events[p.id], org, post, today) for post in posts[p.id]]
            ref = core.PersonRef(p.id, p.name, p.employee_no, post_names)
            found += [(p.id, o) for o in core.occasions(ref, standings, exams.get(p.id, ()), today, leads)]
    for source in OCCASION_SOURCES:
        found += list(source(s, org, today))
    # Only occasions not in the outbox yet; the unique key settles a race with another planner (its row
    # wins, ours is ignored, and both add the same deliveries, which are unique too).
    existing: set[str] = set()
    keys = list(dict.fromkeys(o.key for _, o in found))
    for i in range(0, len(keys), BATCH):
        existing.update(
            s.scalars(
                select(Reminder.key).where(
                    Reminder.organisation_id == org.id, Reminder.key.in_(keys[i : i + BATCH])
                )
            )
        )
    fresh = [(pid, o) for pid, o in found if o.key not in existing]
    _insert_ignore(
        s,
        Reminder.__table__,
        [
            {
                "organisation_id": org.id,
                "person_id": pid,
                "key": o.key,
                "kind": o.kind,
                "subject": o.subject[:300],
                "body": o.body,
                "due_on": o.due_on,
                "audience": list(o.audience),
                "created_at": now,
            }
            for pid, o in fresh
        ],  # fmt: skip
        ["organisation_id", "key"],
    )
    new_keys = [o.key for _, o in fresh]
    new: list[tuple[int, list[str]]] = []
    for i in range(0, len(new_keys), BATCH):
        new += list(
            s.execute(
                select(Reminder.id, Reminder.audience).where(
                    Reminder.organisation_id == org.id, Reminder.key.in_(new_keys[i : i + BATCH])
                )
            ).all()
        )
    _insert_ignore(
        s,
        Delivery.__table__,
        [
            {
                "organisation_id": org.id,
                "reminder_id": rid,
                "channel_id": c.id,
                "status": "pending",
                "attempts": 0,
                "next_try_at": now,
                "last_error": "",
                "created_at": now,
            }
            for rid, audience in new
            for c in channels
            if set(audience) & set(c.audience or ())
        ],  # fmt: skip
        ["reminder_id", "channel_id"],
    )
    return len(found)


def run(app: Flask, *, organisation_id: int | None = None) -> RunReport:
    """Plan every enterprise's reminders (one transaction each), then deliver what is due."""
    report = RunReport()
    with app.app_context():
        today, now = clock.today(), clock.now()
        with database(app).sessionmaker() as s:
            q = select(Organisation.id).where(Organisation.kind == "enterprise")
            if organisation_id is not None:
                q = q.where(Organisation.id == organisation_id)
            org_ids = list(s.scalars(q))
        for oid in org_ids:
            with transaction(app) as s:
                report.occasions += plan(s, s.get(Organisation, oid), today, now)
            # The day's standing snapshots made current here, so that the day's first report is not the
            # one that replays every person's events (it takes the write lock only to write them).
            with transaction(app, write=False) as s:
                standing_service.refresh_snapshots(s, oid, today)
        deliver_due(app, report)
    return report
