"""一人一档: a person's training archive assembled from their events.

`assemble(facts, today)` takes what the shell loaded — identity, posts, the person's events with who
recorded them, and the names behind session and attempt ids — plus the standing already computed per
post, and returns an `Archive`: the 三级安全教育 card, every session and its hours by year and kind,
every exam and spot test, 三违 with their retraining, certificates with their whole history, external
certificates with their reviews, and hours owed per year. Nothing is read or computed twice: the
archive is a regrouping of the facts, which is why the PDF, the Excel file and the page agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from quizbank.model import EXAM_KIND_NAMES
from quizbank.records.hours import HoursOwed
from quizbank.rules import (
    DEFAULT_POLICY,
    TRAINING_LEVEL_NAMES,
    CertificateIssued,
    CertificateReinstated,
    CertificateRevoked,
    CertificateSuspended,
    Event,
    ExamTaken,
    Hired,
    Policy,
    PostAssigned,
    SpecialCertificateRecorded,
    Standing,
    TrainingCompleted,
    ViolationRecorded,
)

THREE_LEVELS = ("factory", "workshop", "team")
CASE_OUTCOME_NAMES = {
    None: "进行中",
    "passed": "复训考试合格，已返岗",
    "failed": "考试不合格",
    "missed": "逾期未考",
    "completed": "已完成",
    "superseded": "已由新的安排代替",
}


@dataclass(frozen=True)
class Identity:
    name: str
    employee_no: str
    employment_type: str
    organisation: str
    department: str
    id_number: str  # masked by the shell
    hired_on: date | None
    active: bool


@dataclass(frozen=True)
class PostRef:
    code: str
    name: str
    since: date | None = None


@dataclass(frozen=True)
class Recorded:
    """An event and who recorded it (a user's display name, or "" when the system did)."""

    event: Event
    by: str = ""


@dataclass(frozen=True)
class SessionInfo:
    title: str
    trainer: str = ""
    content: str = ""


@dataclass(frozen=True)
class ExamInfo:
    title: str = ""
    max_score: float | None = None
    inspection: str = ""  # "检查 #12 一车间" for a spot test


@dataclass(frozen=True)
class Facts:
    identity: Identity
    posts: tuple[PostRef, ...]
    events: tuple[Recorded, ...]
    standings: tuple[Standing, ...] = ()
    post_names: Mapping[str, str] = field(default_factory=dict)
    sessions: Mapping[str, SessionInfo] = field(default_factory=dict)  # by TrainingCompleted.session_id
    exams: Mapping[str, ExamInfo] = field(default_factory=dict)  # by ExamTaken.attempt_id
    hours_owed: tuple[HoursOwed, ...] = ()
    acknowledgements: tuple[tuple[date, str, str], ...] = ()  # (date, handbook, version)
    policy: Policy = DEFAULT_POLICY


@dataclass(frozen=True)
class TrainingLine:
    on: date
    level: str
    hours: float
    title: str
    trainer: str
    content: str
    post: str

    @property
    def level_name(self) -> str:
        return TRAINING_LEVEL_NAMES.get(self.level, self.level)


@dataclass(frozen=True)
class YearHours:
    year: int
    by_level: tuple[tuple[str, float], ...]  # (level, hours) in TRAINING_LEVELS order, levels with hours only

    @property
    def total(self) -> float:
        return sum(h for _, h in self.by_level)


@dataclass(frozen=True)
class ExamLine:
    on: date
    kind: str
    post: str
    score: float | None
    passed: bool | None
    title: str
    inspection: str

    @property
    def kind_name(self) -> str:
        return EXAM_KIND_NAMES.get(self.kind, self.kind)


@dataclass(frozen=True)
class ViolationLine:
    on: date
    category: str
    note: str
    by: str
    post: str
    retraining: str  # what became of the retraining case


@dataclass(frozen=True)
class CertificateLine:
    serial: str
    post: str
    kind: str
    issued: date
    expires: date
    status: str
    history: tuple[tuple[date, str, str, str], ...]  # (date, 签发/暂停/恢复/吊销, reason, by)


@dataclass(frozen=True)
class SpecialLine:
    number: str
    kind: str
    issued: date
    review_due: date | None
    expires: date | None
    recorded_on: date
    by: str


@dataclass(frozen=True)
class PostChange:
    on: date
    post: str
    what: str  # 入职 | 调岗


@dataclass(frozen=True)
class Archive:
    identity: Identity
    today: date
    posts: tuple[PostRef, ...]
    post_history: tuple[PostChange, ...]
    three_level_card: tuple[tuple[str, tuple[TrainingLine, ...]], ...]  # (level, sessions) for 厂/车间/班组
    training: tuple[TrainingLine, ...]
    hours_by_year: tuple[YearHours, ...]
    exams: tuple[ExamLine, ...]
    violations: tuple[ViolationLine, ...]
    certificates: tuple[CertificateLine, ...]
    specials: tuple[SpecialLine, ...]
    standings: tuple[Standing, ...]
    hours_owed: tuple[HoursOwed, ...]
    acknowledgements: tuple[tuple[date, str, str], ...]

    @property
    def may_work_any(self) -> bool:
        return any(s.may_work for s in self.standings)

    @property
    def total_hours(self) -> float:
        return sum(y.total for y in self.hours_by_year)


def assemble(facts: Facts, today: date) -> Archive:
    """The archive as of `today` (events dated later are not facts yet)."""
    events = sorted((r for r in facts.events if r.event.on <= today), key=lambda r: r.event.on)
    name = _post_namer(facts)
    training = _training(events, facts, name)
    return Archive(
        identity=facts.identity,
        today=today,
        posts=facts.posts,
        post_history=tuple(
            PostChange(r.event.on, name(r.event.post), "入职" if isinstance(r.event, Hired) else "调岗")
            for r in events
            if isinstance(r.event, Hired | PostAssigned) and r.event.post
        ),
        three_level_card=tuple(
            (level, tuple(t for t in training if t.level == level)) for level in THREE_LEVELS
        ),
        training=training,
        hours_by_year=hours_by_year(training),
        exams=_exams(events, facts, name),
        violations=_violations(events, facts, name),
        certificates=_certificates(events, facts, name, today),
        specials=_specials(events, facts),
        standings=facts.standings,
        hours_owed=facts.hours_owed,
        acknowledgements=facts.acknowledgements,
    )


def hours_by_year(training: Sequence[TrainingLine]) -> tuple[YearHours, ...]:
    """Hours per calendar year and kind (厂级, 车间级, 班组级, 年度再培训, 脱产培训)."""
    years: dict[int, dict[str, float]] = {}
    for t in training:
        levels = years.setdefault(t.on.year, {})
        levels[t.level] = levels.get(t.level, 0.0) + t.hours
    order = list(TRAINING_LEVEL_NAMES)
    return tuple(
        YearHours(year, tuple(sorted(levels.items(), key=lambda kv: order.index(kv[0]))))
        for year, levels in sorted(years.items())
    )


def _post_namer(facts: Facts):
    names = dict(facts.post_names)
    names.update({p.code: p.name for p in facts.posts})

    def name(code: str | None) -> str:
        return "" if code is None else names.get(code, code)

    return name


def _training(events: Sequence[Recorded], facts: Facts, name) -> tuple[TrainingLine, ...]:
    seen: set[str] = set()
    out = []
    for r in events:
        e = r.event
        if not isinstance(e, TrainingCompleted):
            continue
        if e.session_id:  # a session counts once, as in the rules
            if e.session_id in seen:
                continue
            seen.add(e.session_id)
        info = facts.sessions.get(e.session_id, SessionInfo(TRAINING_LEVEL_NAMES[e.level] + "安全培训"))
        out.append(
            TrainingLine(e.on, e.level, float(e.hours), info.title, info.trainer, info.content, name(e.post))
        )
    return tuple(out)


def _exams(events: Sequence[Recorded], facts: Facts, name) -> tuple[ExamLine, ...]:
    seen: set[str] = set()
    out = []
    for r in events:
        e = r.event
        if not isinstance(e, ExamTaken) or e.kind == "practice":
            continue
        if e.attempt_id:
            if e.attempt_id in seen:
                continue
            seen.add(e.attempt_id)
        info = facts.exams.get(e.attempt_id, ExamInfo())
        out.append(ExamLine(e.on, e.kind, name(e.post), e.score, e.passed, info.title, info.inspection))
    return tuple(out)


def _violations(events: Sequence[Recorded], facts: Facts, name) -> tuple[ViolationLine, ...]:
    cases = [c for s in facts.standings for c in s.cases if c.kind == "violation"]
    out = []
    for r in events:
        e = r.event
        if not isinstance(e, ViolationRecorded):
            continue
        case = next((c for c in cases if c.opened == e.on), None)
        if case is None:
            outcome = "未关联岗位"
        else:
            outcome = CASE_OUTCOME_NAMES.get(case.outcome, str(case.outcome))
            if case.closed:
                outcome += f"（{case.closed.isoformat()}）"
            else:
                outcome += f"（已完成 {case.hours_done:g}/{case.hours_required or 0:g} 学时）"
        out.append(ViolationLine(e.on, e.category, e.note, e.by or r.by, name(e.post), outcome))
    return tuple(out)


def _certificates(events: Sequence[Recorded], facts: Facts, name, today: date) -> tuple[CertificateLine, ...]:
    status = {c.serial: c.status for s in facts.standings for c in s.certificates}
    issued: dict[str, CertificateIssued] = {}
    history: dict[str, list[tuple[date, str, str, str]]] = {}
    for r in events:
        e = r.event
        if isinstance(e, CertificateIssued):
            issued[e.serial] = e
            history.setdefault(e.serial, []).append((e.on, "签发", EXAM_KIND_NAMES.get(e.kind, e.kind), r.by))
        elif isinstance(e, CertificateSuspended | CertificateReinstated | CertificateRevoked):
            action = {
                CertificateSuspended: "暂停",
                CertificateReinstated: "恢复",
                CertificateRevoked: "吊销",
            }[type(e)]
            history.setdefault(e.serial, []).append((e.on, action, e.reason, e.by or r.by))
    return tuple(
        CertificateLine(
            serial,
            name(e.post),
            e.kind,
            e.on,
            e.expires,
            status.get(serial) or _status_from_history(history.get(serial, []), e.expires, today),
            tuple(history.get(serial, ())),
        )
        for serial, e in issued.items()
    )


def _status_from_history(history: list[tuple[date, str, str, str]], expires: date, today: date) -> str:
    """For a certificate of a post the person no longer holds (no standing computed for it)."""
    last = history[-1][1] if history else "签发"
    if last == "吊销":
        return "revoked"
    if expires < today:
        return "expired"
    return "suspended" if last == "暂停" else "valid"


def _specials(events: Sequence[Recorded], facts: Facts) -> tuple[SpecialLine, ...]:
    """Each recording of an external certificate; dates the record left to the policy are filled in from
    it (review every 3 years, valid 6, unless the enterprise says otherwise)."""
    policy = facts.policy
    return tuple(
        SpecialLine(
            e.number,
            e.kind,
            e.issued,
            e.review_due or _add_years(e.issued, policy.special_cert_review_years),
            e.expires or _add_years(e.issued, policy.special_cert_validity_years),
            e.on,
            r.by,
        )
        for r in events
        if isinstance(e := r.event, SpecialCertificateRecorded)
    )


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)
