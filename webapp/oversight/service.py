"""The regulator's overview (辖区总览): per enterprise of the jurisdiction, aggregates only — handbooks per
post with people, share of workers examined, pass rates, 逢查必考, 三违, barred today, overdue make-ups and
retraining, external certificates expiring — and a ranking of the enterprises that most need a visit.

Each figure is one aggregate query grouped by enterprise over the jurisdiction's ids (never a query per
enterprise or per person), so 200 enterprises × 50,000 workers stay a handful of statements. The ids come
from webapp.infra.security (overseen_org_ids): nothing here decides who sees what. Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Integer, and_, case, exists, func, literal, or_, select, union_all
from sqlalchemy.orm import Session, aliased

from quizbank.rules import Policy
from webapp.certs.models import SpecialCertificate
from webapp.exams.models import Attempt
from webapp.inspections.models import Finding, Inspection
from webapp.org.models import Organisation, Person, PersonPost, Post
from webapp.oversight.handbooks import HandbookState, handbook_status
from webapp.reports.service import COUNTED_KINDS, _utc_bound
from webapp.standing.models import Event

EXPIRING_DAYS = 90  # external certificates expiring (or due for review) within this many days
RETRAINING_OVERDUE_DAYS = 30  # barred for longer than this: retraining is overdue
BLOCKING = ("violation_recorded", "certificate_suspended")


@dataclass(frozen=True)
class PostHandbook:
    code: str
    name: str
    people: int
    handbook: HandbookState | None


@dataclass
class EnterpriseFigures:
    id: int
    name: str
    high_risk: bool
    workers: int = 0
    examined: int = 0
    attempts: int = 0
    attempts_passed: int = 0
    spot_tests: int = 0
    spot_passed: int = 0
    violations: int = 0
    barred: int = 0
    retraining_overdue: int = 0
    makeups_overdue: int = 0
    certs_expiring: int = 0
    open_inspections: int = 0
    posts: list[PostHandbook] = field(default_factory=list)

    @staticmethod
    def _share(n: int, d: int) -> float | None:
        return round(100.0 * n / d, 1) if d else None

    @property
    def examined_share(self) -> float | None:
        return self._share(self.examined, self.workers)

    @property
    def pass_rate(self) -> float | None:
        return self._share(self.attempts_passed, self.attempts)

    @property
    def spot_pass_rate(self) -> float | None:
        return self._share(self.spot_passed, self.spot_tests)

    @property
    def posts_without_handbook(self) -> list[PostHandbook]:
        return [p for p in self.posts if p.handbook is None]


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @classmethod
    def this_year(cls, today: date) -> Period:
        return cls(date(today.year, 1, 1), today)


def _grouped(s: Session, query) -> dict[int, tuple]:
    return {row[0]: tuple(row[1:]) for row in s.execute(query).all()}


def workers(s: Session, ids: Collection[int]):
    return (
        select(Person.organisation_id, func.count())
        .where(Person.organisation_id.in_(ids), Person.active.is_(True))
        .group_by(Person.organisation_id)
    )


def exams(s: Session, ids: Collection[int], period: Period):
    """Examined people (active ones), attempts and passes, spot tests and their passes, in the period."""
    ok = case((Attempt.passed.is_(True), 1), else_=0)
    spot = case((Attempt.inspection_id.is_not(None), 1), else_=0)
    spot_ok = case((and_(Attempt.inspection_id.is_not(None), Attempt.passed.is_(True)), 1), else_=0)
    return (
        select(
            Attempt.organisation_id,
            func.count(func.distinct(Attempt.person_id)),
            func.count(),
            func.sum(ok),
            func.sum(spot),
            func.sum(spot_ok),
        )
        .join(Person, Person.id == Attempt.person_id)
        .where(
            Attempt.organisation_id.in_(ids),
            Person.active.is_(True),
            Attempt.submitted_at >= _utc_bound(period.start),
            Attempt.submitted_at < _utc_bound(period.end + timedelta(days=1)),
            Attempt.kind.in_(COUNTED_KINDS),
        )
        .group_by(Attempt.organisation_id)
    )


def violations(s: Session, ids: Collection[int], period: Period):
    return (
        select(Finding.organisation_id, func.count())
        .where(
            Finding.organisation_id.in_(ids),
            Finding.recorded_at >= _utc_bound(period.start),
            Finding.recorded_at < _utc_bound(period.end + timedelta(days=1)),
        )
        .group_by(Finding.organisation_id)
    )


def barred(s: Session, ids: Collection[int], today: date):
    """Active people taken off their post today: their last 三违 or certificate suspension is later than
    their last reinstatement or passed retraining exam. Also those barred for over RETRAINING_OVERDUE_DAYS."""
    block = (
        select(Event.person_id, func.max(Event.recorded_at).label("at"))
        .where(Event.organisation_id.in_(ids), Event.kind.in_(BLOCKING))
        .group_by(Event.person_id)
        .subquery()
    )
    releases = union_all(
        select(Event.person_id, Event.recorded_at.label("at")).where(
            Event.organisation_id.in_(ids), Event.kind == "certificate_reinstated"
        ),
        select(Attempt.person_id, Attempt.submitted_at.label("at")).where(
            Attempt.organisation_id.in_(ids), Attempt.kind == "retraining", Attempt.passed.is_(True)
        ),
    ).subquery()
    release = (
        select(releases.c.person_id, func.max(releases.c.at).label("at"))
        .group_by(releases.c.person_id)
        .subquery()
    )
    long_ago = _utc_bound(today - timedelta(days=RETRAINING_OVERDUE_DAYS))
    return (
        select(
            Person.organisation_id,
            func.count(),
            func.sum(case((block.c.at < long_ago, 1), else_=literal(0, Integer))),
        )
        .join(block, block.c.person_id == Person.id)
        .outerjoin(release, release.c.person_id == Person.id)
        .where(
            Person.organisation_id.in_(ids),
            Person.active.is_(True),
            or_(release.c.at.is_(None), release.c.at < block.c.at),
        )
        .group_by(Person.organisation_id)
    )


def makeups_overdue(s: Session, ids: Collection[int], today: date, makeup_days: int = Policy().makeup_days):
    """Active people with a failed spot or periodic exam older than the make-up window and no exam taken
    for that post since."""
    later = aliased(Attempt)
    cutoff = _utc_bound(today - timedelta(days=makeup_days))
    return (
        select(Attempt.organisation_id, func.count(func.distinct(Attempt.person_id)))
        .join(Person, Person.id == Attempt.person_id)
        .where(
            Attempt.organisation_id.in_(ids),
            Person.active.is_(True),
            Attempt.kind.in_(("spot", "periodic")),
            Attempt.passed.is_(False),
            Attempt.submitted_at < cutoff,
            ~exists().where(
                later.person_id == Attempt.person_id,
                later.post_id == Attempt.post_id,
                later.submitted_at > Attempt.submitted_at,
                later.kind != "practice",
            ),
        )
        .group_by(Attempt.organisation_id)
    )


def certs_expiring(s: Session, ids: Collection[int], today: date):
    """External (special-operations) certificates of active people expired, expiring or due for review
    within EXPIRING_DAYS."""
    horizon = today + timedelta(days=EXPIRING_DAYS)
    return (
        select(SpecialCertificate.organisation_id, func.count())
        .join(Person, Person.id == SpecialCertificate.person_id)
        .where(
            SpecialCertificate.organisation_id.in_(ids),
            Person.active.is_(True),
            or_(SpecialCertificate.expires_on <= horizon, SpecialCertificate.review_due <= horizon),
        )
        .group_by(SpecialCertificate.organisation_id)
    )


def open_inspections(s: Session, ids: Collection[int]):
    return (
        select(Inspection.organisation_id, func.count())
        .where(Inspection.organisation_id.in_(ids), Inspection.closed_at.is_(None))
        .group_by(Inspection.organisation_id)
    )


def posts_with_people(s: Session, ids: Collection[int]):
    return (
        select(Person.organisation_id, Post.code, Post.name, func.count())  # (person, post) is unique
        .join(PersonPost, PersonPost.person_id == Person.id)
        .join(Post, Post.id == PersonPost.post_id)
        .where(Person.organisation_id.in_(ids), Person.active.is_(True))
        .group_by(Person.organisation_id, Post.code, Post.name)
        .order_by(Person.organisation_id, Post.code)
    )


def overview(s: Session, ids: Collection[int], period: Period, today: date) -> list[EnterpriseFigures]:
    """The figures of each enterprise in `ids` (the caller's jurisdiction), by name."""
    ids = sorted(ids)
    if not ids:
        return []
    orgs = s.execute(
        select(Organisation.id, Organisation.name, Organisation.high_risk).where(Organisation.id.in_(ids))
    ).all()
    out = {i: EnterpriseFigures(i, name, bool(high)) for i, name, high in orgs}
    for org_id, (n,) in _grouped(s, workers(s, ids)).items():
        out[org_id].workers = n
    for org_id, (people, n, ok, spot, spot_ok) in _grouped(s, exams(s, ids, period)).items():
        f = out[org_id]
        f.examined, f.attempts, f.attempts_passed = people, n, int(ok or 0)
        f.spot_tests, f.spot_passed = int(spot or 0), int(spot_ok or 0)
    for org_id, (n,) in _grouped(s, violations(s, ids, period)).items():
        out[org_id].violations = n
    for org_id, (n, overdue) in _grouped(s, barred(s, ids, today)).items():
        out[org_id].barred, out[org_id].retraining_overdue = n, int(overdue or 0)
    for org_id, (n,) in _grouped(s, makeups_overdue(s, ids, today)).items():
        out[org_id].makeups_overdue = n
    for org_id, (n,) in _grouped(s, certs_expiring(s, ids, today)).items():
        out[org_id].certs_expiring = n
    for org_id, (n,) in _grouped(s, open_inspections(s, ids)).items():
        out[org_id].open_inspections = n
    posts = s.execute(posts_with_people(s, ids)).all()
    books = handbook_status(s, ids, {code for _o, code, _n, _c in posts})
    for org_id, code, name, people in posts:
        out[org_id].posts.append(PostHandbook(code, name, people, books.get((org_id, code))))
    return sorted(out.values(), key=lambda f: f.name)
