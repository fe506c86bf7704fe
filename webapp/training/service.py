"""Training use cases: record a session with attendance (→ one `training_completed` event per person),
the retraining queue (open cases from the core's standing), and exams scheduled for a case.

Nothing here commits. Cases are never stored: the queue is the core's `Standing.cases` that are open.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizbank import rules
from webapp.exams.models import Exam
from webapp.exams.service import schedule_exam
from webapp.infra import clock
from webapp.infra.errors import ApiError
from webapp.org.models import Person, Post, User
from webapp.standing import service as standing_service
from webapp.training.models import Attendance, CaseExam, TrainingSession

MAX_SESSION_HOURS = 200.0
QUEUE_CASES = ("makeup", "offduty", "violation")  # failing, a missed make-up, a 三违
CASE_NAMES = {"makeup": "补考", "offduty": "脱产复训", "violation": "三违停岗复训"}
RETRAINING_EXAM_DAYS = 14  # how long a scheduled 复训考试 stays open


class BadSession(ApiError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(400, "bad_session", f"{field}：{message}")
        self.field = field


# --- sessions -----------------------------------------------------------------------------------------------


def record_session(
    s: Session,
    *,
    organisation_id: int,
    level: str,
    title: str,
    held_on: date,
    hours: float,
    attendees: Sequence[tuple[Person, float]],
    by: User,
    today: date,
    post_code: str | None = None,
    department_id: int | None = None,
    trainer_name: str = "",
    note: str = "",
) -> TrainingSession:
    """Record a session and who attended with how many hours; all or nothing (BadSession names the field)."""
    if level not in rules.TRAINING_LEVELS:
        raise BadSession("培训类别", f"必须是 {'、'.join(rules.TRAINING_LEVEL_NAMES.values())} 之一")
    title = (title or "").strip()
    if not title:
        raise BadSession("培训名称", "请填写")
    if held_on > today:
        raise BadSession("培训日期", "不能晚于今天（只登记已完成的培训）")
    if not 0 < hours <= MAX_SESSION_HOURS:
        raise BadSession("学时", f"必须大于 0 且不超过 {MAX_SESSION_HOURS:g}")
    if not attendees:
        raise BadSession("参加人员", "请至少选择一人")
    seen: set[int] = set()
    for person, person_hours in attendees:
        if person.organisation_id != organisation_id:
            raise BadSession("参加人员", f"{person.name} 不属于本企业")
        if person.id in seen:
            raise BadSession("参加人员", f"{person.name} 重复")
        seen.add(person.id)
        if not 0 < person_hours <= hours:
            raise BadSession(f"{person.name} 的学时", f"必须大于 0 且不超过本次培训的 {hours:g} 学时")
    session_row = TrainingSession(
        organisation_id=organisation_id,
        level=level,
        title=title[:200],
        held_on=held_on,
        hours=float(hours),
        post_code=post_code or None,
        department_id=department_id,
        trainer_name=(trainer_name or "").strip()[:100],
        note=(note or "").strip()[:2000],
        recorded_at=clock.now(),
        recorded_by=by.id,
    )
    s.add(session_row)
    s.flush()
    for person, person_hours in attendees:
        event = rules.TrainingCompleted(
            on=held_on,
            level=level,  # type: ignore[arg-type]
            hours=float(person_hours),
            session_id=session_row.session_key,
            post=post_code or None,
        )
        row = standing_service.record_event(s, person, event, recorded_by=by.id)
        s.add(
            Attendance(
                session_id=session_row.id, person_id=person.id, hours=float(person_hours), event_id=row.id
            )
        )
    s.flush()
    return session_row


def sessions(s: Session, org_ids: Iterable[int], limit: int = 100) -> list[TrainingSession]:
    return list(
        s.scalars(
            select(TrainingSession)
            .where(TrainingSession.organisation_id.in_(list(org_ids)))
            .order_by(TrainingSession.held_on.desc(), TrainingSession.id.desc())
            .limit(limit)
        )
    )


# --- the retraining queue -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueItem:
    ps: standing_service.PostStanding
    case: rules.Case
    exams: tuple[CaseExam, ...]  # scheduled for this case, newest first

    @property
    def person(self) -> Person:
        return self.ps.person

    @property
    def post(self) -> Post:
        return self.ps.post

    @property
    def name(self) -> str:
        return CASE_NAMES[self.case.kind]

    @property
    def hours_remaining(self) -> float:
        return max(0.0, (self.case.hours_required or 0.0) - self.case.hours_done)

    @property
    def exam_kind(self) -> str:
        return "makeup" if self.case.kind == "makeup" else "retraining"

    @property
    def exam_due(self) -> bool:
        """The exam may be scheduled: a make-up at once; a retraining exam once the hours are done."""
        return self.case.kind == "makeup" or self.hours_remaining <= 0

    @property
    def open_exam(self) -> CaseExam | None:
        now = clock.now()
        return next((e for e in self.exams if e.exam.closes_at > now), None)

    @property
    def overdue(self) -> bool:
        return self.case.deadline is not None and self.case.deadline < self.ps.standing.on


def queue(s: Session, org_ids: Iterable[int], today: date | None = None) -> list[QueueItem]:
    """Open make-up, off-duty and 三违 cases of active people, most urgent first."""
    today = today or clock.today()
    people = list(
        s.scalars(
            select(Person)
            .where(Person.organisation_id.in_(list(org_ids)), Person.active.is_(True))
            .order_by(Person.employee_no)
        )
    )
    standings = standing_service.standings_of(s, people, today)
    scheduled: dict[tuple[int, str, str, date], list[CaseExam]] = {}
    for row in s.scalars(
        select(CaseExam).where(CaseExam.person_id.in_([p.id for p in people])).order_by(CaseExam.id.desc())
    ):
        scheduled.setdefault((row.person_id, row.post_code, row.case_kind, row.case_opened), []).append(row)
    items = [
        QueueItem(ps, case, tuple(scheduled.get((ps.person.id, ps.post.code, case.kind, case.opened), ())))
        for person in people
        for ps in standings[person.id]
        for case in ps.standing.open_cases
        if case.kind in QUEUE_CASES
    ]
    return sorted(items, key=lambda i: (i.case.deadline or date.max, i.case.opened, i.person.employee_no))


def find_case(s: Session, person: Person, post: Post, kind: str, opened: date) -> QueueItem:
    for item in queue(s, [person.organisation_id]):
        if (
            item.person.id == person.id
            and item.post.id == post.id
            and item.case.kind == kind
            and item.case.opened == opened
        ):
            return item
    raise ApiError(409, "no_open_case", f"{person.name} 没有这项待处理的复训事项（可能已经结案）。")


def schedule_case_exam(s: Session, item: QueueItem, *, by: User, now: datetime) -> Exam:
    """Schedule the case's exam for the person: a 补考 open until the make-up deadline (end of that day,
    China time), or a 复训考试 open for two weeks once the off-duty hours are done."""
    if not item.exam_due:
        raise ApiError(
            409,
            "hours_owed",
            f"{item.person.name} 还差 {item.hours_remaining:g} 学时脱产培训，完成后再安排复训考试。",
        )
    if item.open_exam is not None:
        raise ApiError(
            409, "already_scheduled", f"已为 {item.person.name} 安排了《{item.open_exam.exam.title}》。"
        )
    if item.case.deadline is not None:
        closes = datetime.combine(item.case.deadline, time(23, 59), tzinfo=clock.SHANGHAI)
        if closes <= now:
            raise ApiError(409, "deadline_passed", "补考期限已过，该人员将转入脱产培训。")
    else:
        closes = now + timedelta(days=RETRAINING_EXAM_DAYS)
    kind_name = "补考" if item.exam_kind == "makeup" else "复训考试"
    exam = schedule_exam(
        s,
        organisation_id=item.person.organisation_id,
        title=f"{kind_name}：{item.person.name}（{item.post.name}）",
        post=item.post,
        kind=item.exam_kind,
        opens_at=now,
        closes_at=closes,
        department_id=item.person.department_id,
        person=item.person,
        created_by=by.id,
    )
    s.add(
        CaseExam(
            organisation_id=item.person.organisation_id,
            person_id=item.person.id,
            exam_id=exam.id,
            post_code=item.post.code,
            case_kind=item.case.kind,
            case_opened=item.case.opened,
            created_at=now,
            created_by=by.id,
        )
    )
    s.flush()
    return exam


def scheduled_for(s: Session, person: Person) -> list[CaseExam]:
    """Exams scheduled for this person's cases that are still open."""
    now = clock.now()
    rows = s.scalars(select(CaseExam).where(CaseExam.person_id == person.id).order_by(CaseExam.id.desc()))
    return [r for r in rows if r.exam.closes_at > now]
