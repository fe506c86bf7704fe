"""一人一档 in the shell: load one person's facts (events with who recorded them, the sessions and
attempts their ids name, posts, standing per post) and hand them to `quizbank.records.assemble`.

`archive_of` is the one use case; the page, the JSON API, the PDF, the Excel file, the department zip
and `quizbank archive` all call it, so they show the same archive. Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizbank import records, rules
from webapp.exams.models import Attempt, Exam
from webapp.handbooks.models import Acknowledgement, Handbook, HandbookVersion
from webapp.infra import clock
from webapp.inspections.models import Inspection
from webapp.org.models import Department, Organisation, Person, PersonPost, Post, User
from webapp.standing import service as standing_service
from webapp.standing.models import Event
from webapp.training.models import TrainingSession


def facts_of(s: Session, person: Person, today: date) -> records.Facts:
    org = s.get(Organisation, person.organisation_id)
    department = s.get(Department, person.department_id) if person.department_id else None
    post_rows = s.execute(
        select(Post, PersonPost.since)
        .join(PersonPost, PersonPost.post_id == Post.id)
        .where(PersonPost.person_id == person.id)
        .order_by(PersonPost.id)
    ).all()
    rows = list(
        s.scalars(select(Event).where(Event.person_id == person.id).order_by(Event.occurred_on, Event.id))
    )
    user_ids = {r.recorded_by for r in rows if r.recorded_by}
    users = (
        dict(s.execute(select(User.id, User.display_name).where(User.id.in_(user_ids))).all())
        if user_ids
        else {}
    )
    recorded = tuple(
        records.Recorded(standing_service.to_core_event(r), users.get(r.recorded_by, "")) for r in rows
    )
    core_events = [r.event for r in recorded]
    standings = tuple(standing_service.compute(core_events, org, post, today) for post, _ in post_rows)
    codes = {getattr(e, "post", None) for e in core_events} - {None}
    post_names = (
        dict(s.execute(select(Post.code, Post.name).where(Post.code.in_(codes))).all()) if codes else {}
    )
    policy = standing_service.policy_of(org)
    first_year = min((e.on.year for e in core_events), default=today.year)
    terms = [records.PostTerms(p.code, rules.is_high_risk(org.high_risk, p.risk)) for p, _ in post_rows]
    owed = tuple(
        records.hours_owed_over_posts(core_events, policy, year=y, today=today, posts=terms)
        for y in range(first_year, today.year + 1)
    )
    return records.Facts(
        identity=records.Identity(
            name=person.name,
            employee_no=person.employee_no,
            employment_type=person.employment_type,
            organisation=org.name,
            department=department.name if department else "",
            id_number=person.masked_id_number,
            hired_on=person.hired_on,
            active=person.active,
        ),
        posts=tuple(records.PostRef(p.code, p.name, since) for p, since in post_rows),
        events=recorded,
        standings=standings,
        post_names=post_names,
        sessions=_sessions(s, core_events),
        exams=_exams(s, core_events),
        hours_owed=tuple(o for o in owed if o.lines),
        policy=policy,
        acknowledgements=_acknowledgements(s, person),
    )


def _acknowledgements(s: Session, person: Person) -> tuple[tuple[date, str, str], ...]:
    """(date, handbook, version) of every handbook version the person confirmed having read (已阅读确认)."""
    rows = s.execute(
        select(Acknowledgement.acknowledged_at, Handbook.title, HandbookVersion.number)
        .join(HandbookVersion, HandbookVersion.id == Acknowledgement.version_id)
        .join(Handbook, Handbook.id == HandbookVersion.handbook_id)
        .where(Acknowledgement.person_id == person.id)
        .order_by(Acknowledgement.acknowledged_at)
    )
    return tuple((clock.local(at).date(), title, f"第 {number} 版") for at, title, number in rows)


def archive_of(s: Session, person: Person, today: date) -> records.Archive:
    return records.assemble(facts_of(s, person, today), today)


def _sessions(s: Session, events: Sequence[rules.Event]) -> dict[str, records.SessionInfo]:
    ids = {
        int(e.session_id.removeprefix("session:"))
        for e in events
        if isinstance(e, rules.TrainingCompleted)
        and e.session_id.removeprefix("session:").isdigit()
        and e.session_id.startswith("session:")
    }
    if not ids:
        return {}
    return {
        row.session_key: records.SessionInfo(row.title, row.trainer_name, row.note)
        for row in s.scalars(select(TrainingSession).where(TrainingSession.id.in_(ids)))
    }


def _exams(s: Session, events: Sequence[rules.Event]) -> dict[str, records.ExamInfo]:
    ids = {int(e.attempt_id) for e in events if isinstance(e, rules.ExamTaken) and e.attempt_id.isdigit()}
    if not ids:
        return {}
    rows = s.execute(
        select(Attempt.id, Attempt.max_score, Attempt.inspection_id, Exam.title, Department.name)
        .outerjoin(Exam, Exam.id == Attempt.exam_id)
        .outerjoin(Inspection, Inspection.id == Attempt.inspection_id)
        .outerjoin(Department, Department.id == Inspection.department_id)
        .where(Attempt.id.in_(ids))
    )
    return {
        str(aid): records.ExamInfo(
            title or ("逢查必考" if inspection_id else ""),
            max_score,
            f"检查 #{inspection_id} {dept or ''}".strip() if inspection_id else "",
        )
        for aid, max_score, inspection_id, title, dept in rows
    }


def department_people(s: Session, organisation_id: int, department_id: int) -> list[int]:
    """The active people of a department and the departments under it, by 工号."""
    from webapp.inspections.service import department_ids_under

    ids = department_ids_under(s, department_id)
    return list(
        s.scalars(
            select(Person.id)
            .where(Person.organisation_id == organisation_id, Person.department_id.in_(ids), Person.active)
            .order_by(Person.employee_no)
        )
    )


def iter_archives(s: Session, person_ids: Sequence[int], today: date) -> Iterator[records.Archive]:
    """One archive at a time (bounded memory): the session forgets each person before the next."""
    for pid in person_ids:
        person = s.get(Person, pid)
        if person is None:
            continue
        yield archive_of(s, person, today)
        s.expunge_all()
