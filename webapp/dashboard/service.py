"""The numbers a safety manager answers for, computed afresh from events (nothing stored):
who may not work today and why, make-ups due and what is overdue, the retraining backlog with its age,
certificates (internal and external) expiring within 30/60/90 days, and this month's exams
应考/实考/缺考/通过. Every count comes with the lines behind it, so a page can click through."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizbank import rules
from webapp.certs import service as cert_service
from webapp.certs.models import SpecialCertificate
from webapp.dashboard.roster import due_people, submitted_attempts
from webapp.exams.models import Exam
from webapp.infra import clock
from webapp.org.models import Person
from webapp.standing import service as standing_service

WINDOWS = (30, 60, 90)
AGE_BUCKETS = ((0, 7, "7 天内"), (8, 30, "8–30 天"), (31, 10**6, "30 天以上"))


@dataclass(frozen=True)
class Line:
    """A person on a post and what the dashboard says about them."""

    person: Person
    post: str
    status: str
    reasons: tuple[str, ...]
    due: date | None = None
    age_days: int | None = None


@dataclass(frozen=True)
class Expiring:
    kind: str  # 合格证 | 特种作业证
    number: str
    person: str
    what: str
    due: date
    days: int


@dataclass(frozen=True)
class MonthExams:
    due: int = 0  # 应考
    sat: int = 0  # 实考
    no_show: int = 0  # 缺考 (closed and not sat)
    passed: int = 0  # 通过
    exams: tuple[tuple[Exam, int, int, int, int], ...] = ()  # (exam, due, sat, no_show, passed)


@dataclass(frozen=True)
class Dashboard:
    today: date
    people: int
    may_work: int
    barred: tuple[Line, ...]
    makeup_due: tuple[Line, ...]
    overdue: tuple[Line, ...]
    backlog: tuple[Line, ...]
    expiring: tuple[Expiring, ...]
    month: MonthExams
    backlog_ages: tuple[tuple[str, int], ...] = field(default=())

    @property
    def barred_people(self) -> int:
        """People who may not work today (on some post; `barred` has a line per person and post)."""
        return len({line.person.id for line in self.barred})

    @property
    def overdue_people(self) -> int:
        """People with something overdue: one short on two posts counts once (`overdue` keeps a line per
        person and post, the detail the click-through list shows)."""
        return len({line.person.id for line in self.overdue})

    def expiring_within(self, days: int) -> int:
        return sum(1 for e in self.expiring if 0 <= e.days <= days)


_OVERDUE = {
    rules.Status.ANNUAL_TRAINING_OVERDUE,
    rules.Status.SPECIAL_CERT_REVIEW_OVERDUE,
    rules.Status.SPECIAL_CERT_EXPIRED,
    rules.Status.CERTIFICATE_EXPIRED,
}


def dashboard(s: Session, organisation_id: int, today: date, now: datetime) -> Dashboard:
    people = list(
        s.scalars(
            select(Person)
            .where(Person.organisation_id == organisation_id, Person.active)
            .order_by(Person.employee_no)
        )
    )
    standings = standing_service.standings_of(s, people, today)
    barred, makeup, overdue, backlog = [], [], [], []
    may_work = 0
    for person in people:
        mine = standings.get(person.id, [])
        if mine and all(ps.standing.may_work for ps in mine):
            may_work += 1
        for ps in mine:
            st = ps.standing
            if not st.may_work:
                barred.append(Line(person, ps.post.name, st.status_name, st.reasons))
            for case in st.open_cases:
                if case.kind == "makeup":
                    makeup.append(Line(person, ps.post.name, "待补考", (case.reason,), case.deadline))
                elif case.kind in ("offduty", "violation"):
                    backlog.append(
                        Line(
                            person, ps.post.name, "脱产复训" if case.kind == "offduty" else "三违停岗复训",
                            (case.reason, f"已完成 {case.hours_done:g}/{case.hours_required or 0:g} 学时"),
                            age_days=(today - case.opened).days,
                        )
                    )  # fmt: skip
            missed = [c for c in st.cases if c.kind == "makeup" and c.outcome == "missed"]
            blocks = [
                o.description
                for o in st.owed
                if o.deadline is not None and o.deadline < today and o.kind != "makeup_exam"
            ]
            if missed and any(c.kind == "offduty" and c.is_open for c in st.cases):
                blocks.insert(0, f"补考逾期（期限 {missed[-1].deadline}）")
            if blocks or st.status in _OVERDUE:
                overdue.append(Line(person, ps.post.name, st.status_name, tuple(blocks) or st.reasons))
    backlog.sort(key=lambda line: -(line.age_days or 0))
    ages = tuple(
        (label, sum(1 for b in backlog if lo <= (b.age_days or 0) <= hi)) for lo, hi, label in AGE_BUCKETS
    )
    return Dashboard(
        today=today,
        people=len(people),
        may_work=may_work,
        barred=tuple(barred),
        makeup_due=tuple(sorted(makeup, key=lambda line: line.due or today)),
        overdue=tuple(overdue),
        backlog=tuple(backlog),
        expiring=tuple(expiring(s, organisation_id, today)),
        month=month_exams(s, organisation_id, today, now),
        backlog_ages=ages,
    )


def expiring(s: Session, organisation_id: int, today: date, days: int = WINDOWS[-1]) -> list[Expiring]:
    out = [
        Expiring(
            "合格证",
            live.cert.serial,
            live.cert.person.name,
            live.status_name,
            live.cert.expires_on,
            (live.cert.expires_on - today).days,
        )  # fmt: skip
        for live in cert_service.list_live(s, [organisation_id], within_days=days, today=today)
        if live.status != "revoked"
    ]
    limit = today + timedelta(days=days)
    rows = s.scalars(
        select(SpecialCertificate).where(
            SpecialCertificate.organisation_id == organisation_id,
            ((SpecialCertificate.review_due >= today) & (SpecialCertificate.review_due <= limit))
            | ((SpecialCertificate.expires_on >= today) & (SpecialCertificate.expires_on <= limit)),
        )
    )
    for row in rows:
        due = cert_service.special_status(row, today)
        out.append(Expiring("特种作业证", row.number, row.person.name, due.what_name, due.due, due.days))
    return sorted(out, key=lambda e: (e.due, e.number))


def month_bounds(today: date) -> tuple[datetime, datetime]:
    """This month in China time, as UTC instants [start, end)."""
    start = date(today.year, today.month, 1)
    end = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    to_utc = lambda d: datetime.combine(d, time(0), clock.SHANGHAI).astimezone(UTC)  # noqa: E731
    return to_utc(start), to_utc(end)


def month_exams(s: Session, organisation_id: int, today: date, now: datetime) -> MonthExams:
    start, end = month_bounds(today)
    exams = list(
        s.scalars(
            select(Exam)
            .where(
                Exam.organisation_id == organisation_id,
                Exam.opens_at >= start,
                Exam.opens_at < end,
                Exam.kind != "practice",
            )
            .order_by(Exam.opens_at, Exam.id)
        )
    )
    due = due_people(s, exams)
    attempts = submitted_attempts(s, [e.id for e in exams])
    rows = []
    for e in exams:
        people = due[e.id]
        sat = [p for p in people if (e.id, p.id) in attempts]
        passed = [p for p in sat if any(a.passed for a in attempts[(e.id, p.id)])]
        no_show = len(people) - len(sat) if e.closes_at < now else 0
        rows.append((e, len(people), len(sat), no_show, len(passed)))
    return MonthExams(
        due=sum(r[1] for r in rows),
        sat=sum(r[2] for r in rows),
        no_show=sum(r[3] for r in rows),
        passed=sum(r[4] for r in rows),
        exams=tuple(rows),
    )
