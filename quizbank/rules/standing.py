"""The standing (上岗资格) of a person on a post on a date, computed from events.

`standing` replays the person's events in date order (stable: same-day events keep the order they
were given in) and keeps *cases*: obligations opened by an event and closed by later ones — pre-job
training, a change of post, a make-up, off-duty retraining after a failure, retraining after a 三违.
Training hours go to the case open when they were done, once per session; an exam closes a case
only when taken after its training was complete. Nothing here reads a clock: `today` is given, and
events dated after it are not yet facts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Literal

from quizbank.rules.events import (
    TRAINING_LEVEL_NAMES,
    CertificateIssued,
    CertificateReinstated,
    CertificateRevoked,
    CertificateSuspended,
    Event,
    ExamTaken,
    Hired,
    PostAssigned,
    ReturnedFromAbsence,
    SpecialCertificateRecorded,
    TrainingCompleted,
    ViolationRecorded,
)
from quizbank.rules.policy import DEFAULT_POLICY, Policy


class Status(StrEnum):
    UNTRAINED = "untrained"
    PRE_JOB_TRAINING = "pre_job_training"
    QUALIFIED = "qualified"
    MAKEUP_DUE = "makeup_due"
    OFFDUTY_RETRAINING = "offduty_retraining"
    SUSPENDED_VIOLATION = "suspended_violation"
    NEEDS_REFRESHER = "needs_refresher"
    CERTIFICATE_EXPIRED = "certificate_expired"
    CERTIFICATE_REVOKED = "certificate_revoked"
    CERTIFICATE_SUSPENDED = "certificate_suspended"
    SPECIAL_CERT_MISSING = "special_cert_missing"
    SPECIAL_CERT_EXPIRED = "special_cert_expired"
    SPECIAL_CERT_REVIEW_OVERDUE = "special_cert_review_overdue"
    ANNUAL_TRAINING_OVERDUE = "annual_training_overdue"


STATUS_NAMES: dict[str, str] = {
    Status.UNTRAINED: "未培训",
    Status.PRE_JOB_TRAINING: "岗前培训中",
    Status.QUALIFIED: "合格在岗",
    Status.MAKEUP_DUE: "待补考",
    Status.OFFDUTY_RETRAINING: "脱产复训中",
    Status.SUSPENDED_VIOLATION: "三违停岗",
    Status.NEEDS_REFRESHER: "需车间级、班组级培训",
    Status.CERTIFICATE_EXPIRED: "合格证已过期",
    Status.CERTIFICATE_REVOKED: "合格证已吊销",
    Status.CERTIFICATE_SUSPENDED: "合格证已暂停",
    Status.SPECIAL_CERT_MISSING: "缺特种作业操作证",
    Status.SPECIAL_CERT_EXPIRED: "特种作业操作证已过期",
    Status.SPECIAL_CERT_REVIEW_OVERDUE: "特种作业操作证逾期未复审",
    Status.ANNUAL_TRAINING_OVERDUE: "年度再培训学时不足",
}

OwedKind = Literal[
    "prejob_training",
    "qualification_exam",
    "workshop_team_training",
    "makeup_exam",
    "offduty_training",
    "retraining_exam",
    "annual_training",
    "certificate_renewal",
    "special_cert",
    "special_cert_review",
]
CaseKind = Literal["prejob", "transfer", "refresher", "makeup", "offduty", "violation"]
CertificateStatus = Literal["valid", "expiring", "suspended", "revoked", "expired"]
CERTIFICATE_STATUS_NAMES: dict[str, str] = {
    "valid": "有效",
    "expiring": "即将到期",
    "suspended": "暂停",
    "revoked": "已吊销",
    "expired": "已过期",
}

_PREJOB_LEVELS = ("factory", "workshop", "team")
_REFRESHER_LEVELS = ("workshop", "team")


@dataclass(frozen=True)
class Owed:
    """Something the person owes: an exam, training hours, a certificate."""

    kind: OwedKind
    description: str
    deadline: date | None = None
    hours_remaining: float | None = None


@dataclass(frozen=True)
class Case:
    """An obligation opened by an event: what it asks, and how and when it was closed."""

    kind: CaseKind
    opened: date
    reason: str
    closed: date | None = None
    outcome: Literal["passed", "failed", "missed", "completed", "superseded"] | None = None
    deadline: date | None = None
    hours_required: float | None = None
    hours_done: float = 0.0
    hours_by_level: tuple[tuple[str, float], ...] = ()

    @property
    def is_open(self) -> bool:
        return self.closed is None


@dataclass(frozen=True)
class CertificateState:
    serial: str
    post: str
    kind: str
    issued: date
    expires: date
    status: CertificateStatus
    reason: str | None = None


@dataclass(frozen=True)
class SpecialCertificateState:
    number: str
    kind: str
    issued: date
    review_due: date
    expires: date
    status: Literal["valid", "review_overdue", "expired"]


@dataclass(frozen=True)
class Standing:
    post: str
    on: date
    may_work: bool
    status: Status
    reasons: tuple[str, ...]
    owed: tuple[Owed, ...]
    certificate_serial: str | None = None
    certificate_status: CertificateStatus | None = None
    certificate_reason: str | None = None
    certificate_expires: date | None = None
    certificates: tuple[CertificateState, ...] = ()
    special_certificate: SpecialCertificateState | None = None
    qualified_on: date | None = None
    cases: tuple[Case, ...] = ()

    @property
    def status_name(self) -> str:
        return STATUS_NAMES[self.status]

    @property
    def open_cases(self) -> tuple[Case, ...]:
        return tuple(c for c in self.cases if c.is_open)


# --- the replay ------------------------------------------------------------------------------


@dataclass
class _Case:
    kind: CaseKind
    opened: date
    reason: str
    hours_required: float | None = None
    deadline: date | None = None
    hours: dict[str, float] = field(default_factory=dict)
    sessions: dict[str, int] = field(default_factory=dict)
    closed: date | None = None
    outcome: Literal["passed", "failed", "missed", "completed", "superseded"] | None = None

    @property
    def hours_done(self) -> float:
        return sum(self.hours.values())

    def add(self, level: str, hours: float) -> None:
        self.hours[level] = self.hours.get(level, 0.0) + hours
        self.sessions[level] = self.sessions.get(level, 0) + 1

    def hours_remaining(self) -> float:
        return max(0.0, (self.hours_required or 0.0) - self.hours_done)

    def frozen(self) -> Case:
        return Case(
            kind=self.kind,
            opened=self.opened,
            reason=self.reason,
            closed=self.closed,
            outcome=self.outcome,
            deadline=self.deadline,
            hours_required=self.hours_required,
            hours_done=self.hours_done,
            hours_by_level=tuple(sorted(self.hours.items())),
        )


@dataclass
class _Certificate:
    serial: str
    post: str
    kind: str
    issued: date
    expires: date
    revoked: str | None = None
    suspended: str | None = None


class _Replay:
    def __init__(self, policy: Policy, post: str, high_risk: bool) -> None:
        self.policy = policy
        self.post = post
        self.high_risk = high_risk
        self.cases: list[_Case] = []
        self.onboarding: _Case | None = None  # prejob or transfer: open until qualified on the post
        self.refresher: _Case | None = None
        self.makeup: _Case | None = None
        self.retraining: list[_Case] = []  # offduty and violation cases, in opening order
        self.qualified_on: date | None = None
        self.current_post: str | None = None
        self.assigned_here = False
        self.sessions_seen: set[str] = set()
        self.attempts_seen: set[str] = set()
        self.periodic: list[tuple[date, float]] = []
        self.certificates: dict[str, _Certificate] = {}
        self.special: dict[str, SpecialCertificateRecorded] = {}
        self.exam_taken = False
        self.qualified_elsewhere = False  # passed a qualification exam for another post

    # cases

    def open(self, case: _Case) -> _Case:
        self.cases.append(case)
        return case

    def close(
        self, case: _Case, on: date, outcome: Literal["passed", "failed", "missed", "completed", "superseded"]
    ) -> None:
        case.closed = on
        case.outcome = outcome

    def open_offduty(self, on: date, reason: str) -> None:
        self.retraining.append(
            self.open(_Case("offduty", on, reason, hours_required=self.policy.offduty_hours(self.high_risk)))
        )

    def ensure_onboarding(self, on: date) -> None:
        if self.onboarding is None and self.qualified_on is None:
            self.onboarding = self.open(
                _Case(
                    "prejob",
                    on,
                    "新员工岗前三级安全培训",
                    hours_required=self.policy.prejob_hours(self.high_risk),
                )
            )

    def onboarding_trained(self) -> bool:
        case = self.onboarding
        if case is None:
            return True
        if case.kind == "prejob":
            levels_done = all(case.sessions.get(level, 0) > 0 for level in _PREJOB_LEVELS)
            return levels_done and case.hours_done >= (case.hours_required or 0.0)
        return self.refresher_trained(case)

    def refresher_trained(self, case: _Case) -> bool:
        need = self.policy.refresher_hours_per_level
        return all(
            case.sessions.get(level, 0) > 0 and case.hours.get(level, 0.0) >= need
            for level in _REFRESHER_LEVELS
        )

    def expire_makeup(self, on: date) -> None:
        case = self.makeup
        if case is not None and case.deadline is not None and on > case.deadline:
            self.close(case, case.deadline, "missed")
            self.makeup = None
            self.open_offduty(case.deadline + timedelta(days=1), f"未在 {_d(case.deadline)} 前参加补考")

    # events

    def concerns(self, event: Event) -> bool:
        return event.post is None or event.post == self.post

    def apply(self, event: Event) -> None:
        self.expire_makeup(event.on)
        if isinstance(event, PostAssigned | Hired):
            self.on_assigned(event)
        elif isinstance(event, CertificateIssued):
            if event.post == self.post:
                self.certificates[event.serial] = _Certificate(
                    event.serial, event.post, event.kind, event.on, event.expires
                )
        elif isinstance(event, CertificateRevoked | CertificateSuspended | CertificateReinstated):
            self.on_certificate_change(event)
        elif not self.concerns(event):
            if (
                isinstance(event, ExamTaken)
                and event.kind == "qualification"
                and event.passes(self.policy.pass_mark)
            ):
                self.qualified_elsewhere = True
            return
        elif isinstance(event, TrainingCompleted):
            self.on_training(event)
        elif isinstance(event, ExamTaken):
            self.on_exam(event)
        elif isinstance(event, ViolationRecorded):
            self.retraining.append(
                self.open(
                    _Case(
                        "violation",
                        event.on,
                        f"{_d(event.on)} 记录三违（{event.category}）"
                        + (f"：{event.note}" if event.note else ""),
                        hours_required=self.policy.violation_retraining_hours,
                    )
                )
            )
        elif isinstance(event, ReturnedFromAbsence):
            away = (event.on - event.away_since).days
            if away >= self.policy.away_days_for_retraining and self.qualified_on is not None:
                self.open_refresher(event.on, f"离岗 {away} 天后于 {_d(event.on)} 返岗")
        elif isinstance(event, SpecialCertificateRecorded):
            self.special[event.number] = event

    def on_assigned(self, event: PostAssigned | Hired) -> None:
        if event.post is None:
            self.ensure_onboarding(event.on)
            return
        previous = self.current_post
        self.current_post = event.post
        if event.post != self.post:
            return
        self.assigned_here = True
        if (
            previous is None
            or previous == self.post
            or (self.qualified_on is None and not self.qualified_elsewhere)
        ):
            self.ensure_onboarding(
                event.on
            )  # a first post, or moved before qualifying anywhere: full pre-job
            return
        reason = f"{_d(event.on)} 由其他岗位调入本岗位"
        if self.qualified_on is not None:
            self.open_refresher(event.on, reason)
        else:
            # Already trained at factory level for the first post: 车间/班组 training, then the exam.
            if self.onboarding is not None:
                self.close(self.onboarding, event.on, "superseded")
            self.onboarding = self.open(_Case("transfer", event.on, reason))

    def open_refresher(self, on: date, reason: str) -> None:
        if self.refresher is None:
            self.refresher = self.open(_Case("refresher", on, reason))

    def on_certificate_change(
        self, event: CertificateRevoked | CertificateSuspended | CertificateReinstated
    ) -> None:
        cert = self.certificates.get(event.serial)
        if cert is None:
            return
        who = f"（{event.by}）" if event.by else ""
        if isinstance(event, CertificateRevoked):
            cert.revoked = f"{_d(event.on)} 吊销：{event.reason}{who}"
        elif isinstance(event, CertificateSuspended):
            cert.suspended = f"{_d(event.on)} 暂停：{event.reason}{who}"
        else:
            cert.suspended = None

    def on_training(self, event: TrainingCompleted) -> None:
        if event.session_id:
            if event.session_id in self.sessions_seen:
                return
            self.sessions_seen.add(event.session_id)
        level, hours = event.level, float(event.hours)
        if level == "periodic":
            if self.qualified_on is not None:
                self.periodic.append((event.on, hours))
        elif level == "offduty":
            self.allocate_offduty(hours)
        elif self.refresher is not None and level in _REFRESHER_LEVELS:
            self.refresher.add(level, hours)
            if self.refresher_trained(self.refresher):
                self.close(self.refresher, event.on, "completed")
                self.refresher = None
        elif self.onboarding is not None and (self.onboarding.kind == "prejob" or level in _REFRESHER_LEVELS):
            self.onboarding.add(level, hours)

    def allocate_offduty(self, hours: float) -> None:
        open_cases = self.retraining
        if not open_cases:
            return
        for case in open_cases:
            take = min(hours, case.hours_remaining())
            if take > 0:
                case.add("offduty", take)
                hours -= take
        if hours > 0:  # surplus stays with the latest case: shown, never counted twice
            open_cases[-1].add("offduty", hours)

    def on_exam(self, event: ExamTaken) -> None:
        if event.attempt_id:
            if event.attempt_id in self.attempts_seen:
                return
            self.attempts_seen.add(event.attempt_id)
        if event.kind == "practice":
            return
        self.exam_taken = True
        passed = event.passes(self.policy.pass_mark)
        if event.kind == "qualification":
            if passed and self.onboarding is not None and self.onboarding_trained():
                self.close(self.onboarding, event.on, "passed")
                self.onboarding = None
                if self.qualified_on is None:
                    self.qualified_on = event.on
        elif event.kind in ("spot", "periodic"):
            if passed or self.qualified_on is None or self.onboarding is not None:
                return
            if self.makeup is not None or self.retraining:
                return  # already owes a make-up or is off duty: one case at a time
            name = "逢查必考" if event.kind == "spot" else "定期考试"
            if event.kind == "spot" and self.policy.spot_fail == "retrain":
                self.open_offduty(event.on, f"{_d(event.on)} {name}不合格（严格规则：直接脱产培训）")
            else:
                deadline = event.on + timedelta(days=self.policy.makeup_days)
                self.makeup = self.open(
                    _Case("makeup", event.on, f"{_d(event.on)} {name}不合格", deadline=deadline)
                )
        elif event.kind == "makeup":
            case = self.makeup
            if case is None:
                return
            self.makeup = None
            if passed:
                self.close(case, event.on, "passed")
            else:
                self.close(case, event.on, "failed")
                self.open_offduty(event.on, f"{_d(event.on)} 补考不合格")
        elif event.kind == "retraining" and passed:
            still_open = []
            for case in self.retraining:
                if case.hours_remaining() <= 0:
                    self.close(case, event.on, "passed")
                else:
                    still_open.append(case)
            self.retraining = still_open

    # the result

    def annual_shortfalls(self, today: date) -> list[tuple[int, float]]:
        """(year, hours missing) for each year from the one after qualification to `today`'s."""
        need = self.policy.annual_retraining_hours(self.high_risk)
        if self.qualified_on is None or need <= 0:
            return []
        years = range(self.qualified_on.year + 1, today.year + 1)
        done = dict.fromkeys(years, 0.0)
        for on, hours in self.periodic:
            for year in years:  # late hours make up an earlier year's shortfall first
                if year >= on.year:
                    break
                take = min(hours, need - done[year])
                if take > 0:
                    done[year] += take
                    hours -= take
            if on.year in done:
                done[on.year] += hours
        return [(y, need - done[y]) for y in years if done[y] < need]


def standing(
    events: Iterable[Event],
    policy: Policy = DEFAULT_POLICY,
    today: date | None = None,
    *,
    post: str,
    high_risk: bool = False,
    special_operation: bool = False,
) -> Standing:
    """May this person work `post` on `today`, why not, and what do they owe."""
    if today is None:
        raise TypeError("standing() needs `today`: the rules never read the clock")
    replay = _Replay(policy, post, high_risk)
    ordered = sorted((e for e in events if e.on <= today), key=lambda e: e.on)
    replay.ensure_onboarding(ordered[0].on if ordered else today)
    for event in ordered:
        replay.apply(event)
    replay.expire_makeup(today)
    return _conclude(replay, today, special_operation)


def _conclude(r: _Replay, today: date, special_operation: bool) -> Standing:
    policy = r.policy
    blocks: list[tuple[Status, str]] = []  # (status, reason): each keeps the person off the post
    notes: list[tuple[Status, str]] = []  # reasons that do not
    owed: list[Owed] = []

    case = r.onboarding
    if case is not None and case.kind == "prejob":
        need = case.hours_required or 0.0
        missing_levels = [lv for lv in _PREJOB_LEVELS if case.sessions.get(lv, 0) == 0]
        if case.hours_done == 0 and not r.exam_taken:
            blocks.append((Status.UNTRAINED, "未参加岗前安全培训"))
        else:
            blocks.append((Status.PRE_JOB_TRAINING, "岗前安全培训未完成或上岗考试未通过"))
        if not r.onboarding_trained():
            remaining = max(0.0, need - case.hours_done)
            text = f"岗前三级安全培训不少于 {_h(need)} 学时，还差 {_h(remaining)} 学时"
            if missing_levels:
                text += "（尚缺" + "、".join(TRAINING_LEVEL_NAMES[lv] for lv in missing_levels) + "培训）"
            owed.append(Owed("prejob_training", text, None, remaining))
        owed.append(Owed("qualification_exam", "岗前培训完成后参加上岗考试，合格后方可上岗"))
    elif case is not None:  # transfer
        blocks.append(
            (Status.NEEDS_REFRESHER, f"{case.reason}，需重新接受车间级、班组级安全培训并通过上岗考试")
        )
        if not r.refresher_trained(case):
            owed.append(_refresher_owed(r, case))
        owed.append(Owed("qualification_exam", "车间级、班组级培训完成后参加本岗位上岗考试"))

    violations = [c for c in r.retraining if c.kind == "violation"]
    failures = [c for c in r.retraining if c.kind == "offduty"]
    for c in violations:
        blocks.append(
            (
                Status.SUSPENDED_VIOLATION,
                f"{c.reason}，停岗脱产培训 {_h(c.hours_required or 0)} 学时并考试合格后方可返岗",
            )
        )
    for c in failures:
        blocks.append(
            (
                Status.OFFDUTY_RETRAINING,
                f"{c.reason}，须离岗脱产培训 {_h(c.hours_required or 0)} 学时并通过复训考试",
            )
        )
    if r.retraining:
        remaining = sum(c.hours_remaining() for c in r.retraining)
        if remaining > 0:
            owed.append(Owed("offduty_training", f"脱产培训还差 {_h(remaining)} 学时", None, remaining))
        owed.append(Owed("retraining_exam", "脱产培训学时完成后参加复训考试，合格后方可返岗"))

    current = _current_certificate(r)
    if current is not None and current.revoked:
        blocks.append((Status.CERTIFICATE_REVOKED, f"合格证 {current.serial} 已吊销（{current.revoked}）"))
        owed.append(Owed("qualification_exam", "合格证已吊销，须重新参加上岗考试取得合格证"))
    elif current is not None and current.suspended:
        blocks.append(
            (Status.CERTIFICATE_SUSPENDED, f"合格证 {current.serial} 已暂停（{current.suspended}）")
        )

    if r.refresher is not None:
        blocks.append(
            (Status.NEEDS_REFRESHER, f"{r.refresher.reason}，需重新接受车间级、班组级安全培训后方可上岗")
        )
        owed.append(_refresher_owed(r, r.refresher))

    special_state = None
    if special_operation:
        special_state = _special_state(r, policy, today)
        if special_state is None:
            blocks.append((Status.SPECIAL_CERT_MISSING, "特种作业岗位未登记有效的特种作业操作证"))
            owed.append(Owed("special_cert", "取得特种作业操作证并登记备案"))
        elif special_state.status == "expired":
            blocks.append(
                (
                    Status.SPECIAL_CERT_EXPIRED,
                    f"特种作业操作证 {special_state.number} 已于 {_d(special_state.expires)} 过期",
                )
            )
            owed.append(Owed("special_cert", "特种作业操作证已过期，须重新取证并登记", special_state.expires))
        elif special_state.status == "review_overdue":
            blocks.append(
                (
                    Status.SPECIAL_CERT_REVIEW_OVERDUE,
                    f"特种作业操作证 {special_state.number} 应于 {_d(special_state.review_due)} 前复审，已逾期",
                )
            )
            owed.append(
                Owed(
                    "special_cert_review", "特种作业操作证逾期未复审，须复审后登记", special_state.review_due
                )
            )
        else:
            review_first = special_state.review_due < special_state.expires
            upcoming = special_state.review_due if review_first else special_state.expires
            what = "复审" if review_first else "换证"
            kind: OwedKind = "special_cert_review" if what == "复审" else "special_cert"
            owed.append(
                Owed(kind, f"特种作业操作证 {special_state.number} 应于 {_d(upcoming)} 前{what}", upcoming)
            )

    if current is not None and not current.revoked and current.expires < today:
        blocks.append(
            (Status.CERTIFICATE_EXPIRED, f"合格证 {current.serial} 已于 {_d(current.expires)} 过期")
        )
        owed.append(Owed("certificate_renewal", "合格证已过期，须参加复训考试换发合格证", current.expires))
    elif (
        current is not None
        and not current.revoked
        and (current.expires - today).days <= policy.expiring_soon_days
    ):
        owed.append(
            Owed(
                "certificate_renewal",
                f"合格证将于 {_d(current.expires)} 到期，请及时复训换证",
                current.expires,
            )
        )

    if r.onboarding is None:
        need = policy.annual_retraining_hours(r.high_risk)
        for year, missing in r.annual_shortfalls(today):
            deadline = date(year, 12, 31)
            if year < today.year:
                blocks.append(
                    (
                        Status.ANNUAL_TRAINING_OVERDUE,
                        f"{year} 年度再培训不足 {_h(need)} 学时（差 {_h(missing)} 学时）",
                    )
                )
                owed.append(Owed("annual_training", f"补足 {year} 年度再培训学时", deadline, missing))
            else:
                owed.append(
                    Owed(
                        "annual_training",
                        f"{year} 年度再培训不少于 {_h(need)} 学时，还差 {_h(missing)} 学时",
                        deadline,
                        missing,
                    )
                )

    if r.makeup is not None:
        text = f"{r.makeup.reason}，须在 {_d(r.makeup.deadline)} 前参加补考"  # type: ignore[arg-type]
        (notes if policy.makeup_may_work else blocks).append((Status.MAKEUP_DUE, text))
        owed.append(Owed("makeup_exam", text, r.makeup.deadline))

    may_work = not blocks
    if blocks:
        status = blocks[0][0]
    elif notes:
        status = notes[0][0]
    else:
        status = Status.QUALIFIED
    reasons = tuple(text for _, text in blocks + notes)
    block_reason = next((text for s, text in blocks if not s.startswith("certificate_")), None)
    note = next((f"{STATUS_NAMES[s]}：{text}" for s, text in notes), None)

    certificates = tuple(
        _certificate_state(c, block_reason, note, policy, today)
        for c in sorted(r.certificates.values(), key=lambda c: c.issued)
    )
    current_state = next(
        (c for c in certificates if current is not None and c.serial == current.serial), None
    )
    return Standing(
        post=r.post,
        on=today,
        may_work=may_work,
        status=status,
        reasons=reasons,
        owed=tuple(sorted(_dedupe(owed), key=lambda o: (o.deadline is None, o.deadline or today))),
        certificate_serial=current_state.serial if current_state else None,
        certificate_status=current_state.status if current_state else None,
        certificate_reason=current_state.reason if current_state else None,
        certificate_expires=current_state.expires if current_state else None,
        certificates=certificates,
        special_certificate=special_state,
        qualified_on=r.qualified_on,
        cases=tuple(c.frozen() for c in r.cases),
    )


def certificate_state(
    events: Iterable[Event],
    policy: Policy = DEFAULT_POLICY,
    today: date | None = None,
    *,
    serial: str,
    high_risk: bool = False,
    special_operation: bool = False,
) -> CertificateState | None:
    """The live status of certificate `serial` (what the public verify page shows), or None when
    no such certificate was issued in `events`."""
    events = list(events)
    issued = next((e for e in events if isinstance(e, CertificateIssued) and e.serial == serial), None)
    if issued is None:
        return None
    result = standing(
        events, policy, today, post=issued.post, high_risk=high_risk, special_operation=special_operation
    )
    return next((c for c in result.certificates if c.serial == serial), None)


def _current_certificate(r: _Replay) -> _Certificate | None:
    if not r.certificates:
        return None
    return max(r.certificates.values(), key=lambda c: c.issued)  # latest issued; ties: the later event


def _certificate_state(
    cert: _Certificate, block_reason: str | None, note: str | None, policy: Policy, today: date
) -> CertificateState:
    """Suspended while anything keeps the holder off the post; a valid certificate carries `note` (e.g. a
    make-up owed under a policy that lets the holder keep working) as its reason."""

    def state(status: CertificateStatus, reason: str | None = None) -> CertificateState:
        return CertificateState(cert.serial, cert.post, cert.kind, cert.issued, cert.expires, status, reason)

    if cert.revoked:
        return state("revoked", cert.revoked)
    if cert.expires < today:
        return state("expired", f"已于 {_d(cert.expires)} 过期")
    if cert.suspended:
        return state("suspended", cert.suspended)
    if block_reason:
        return state("suspended", block_reason)
    if (cert.expires - today).days <= policy.expiring_soon_days:
        expiring = f"将于 {_d(cert.expires)} 到期"
        return state("expiring", f"{expiring}；{note}" if note else expiring)
    return state("valid", note)


def _special_state(r: _Replay, policy: Policy, today: date) -> SpecialCertificateState | None:
    if not r.special:
        return None
    # The record kept longest: a renewed certificate supersedes the old one.
    best: SpecialCertificateState | None = None
    for rec in r.special.values():
        review_due = rec.review_due or _add_years(rec.issued, policy.special_cert_review_years)
        expires = rec.expires or _add_years(rec.issued, policy.special_cert_validity_years)
        candidate = SpecialCertificateState(rec.number, rec.kind, rec.issued, review_due, expires, "valid")
        if best is None or (candidate.expires, candidate.review_due) > (best.expires, best.review_due):
            best = candidate
    return _with_status(best, today) if best else None


def _with_status(s: SpecialCertificateState, today: date) -> SpecialCertificateState:
    if s.expires < today:
        status = "expired"
    elif s.review_due < today:
        status = "review_overdue"
    else:
        status = "valid"
    return SpecialCertificateState(s.number, s.kind, s.issued, s.review_due, s.expires, status)  # type: ignore[arg-type]


def _refresher_owed(r: _Replay, case: _Case) -> Owed:
    need = r.policy.refresher_hours_per_level
    missing = [
        lv for lv in _REFRESHER_LEVELS if case.sessions.get(lv, 0) == 0 or case.hours.get(lv, 0.0) < need
    ]
    remaining = (
        sum(max(0.0, need - case.hours.get(lv, 0.0)) for lv in _REFRESHER_LEVELS) if need > 0 else None
    )
    names = "、".join(TRAINING_LEVEL_NAMES[lv] for lv in missing)
    return Owed("workshop_team_training", f"重新接受{names}安全培训", None, remaining)


def _dedupe(owed: list[Owed]) -> list[Owed]:
    seen: set[tuple[str, date | None]] = set()
    out = []
    for o in owed:
        if (o.kind, o.deadline) not in seen:
            seen.add((o.kind, o.deadline))
            out.append(o)
    return out


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _d(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _h(hours: float) -> str:
    return f"{hours:g}"


def standing_to_dict(s: Standing) -> dict:
    """JSON-ready standing (dates ISO): what `GET /api/v1/people/{id}/standing` returns."""

    def iso(d: date | None) -> str | None:
        return d.isoformat() if d else None

    return {
        "post": s.post,
        "on": s.on.isoformat(),
        "may_work": s.may_work,
        "status": str(s.status),
        "status_name": s.status_name,
        "reasons": list(s.reasons),
        "owed": [
            {
                "kind": o.kind,
                "description": o.description,
                "deadline": iso(o.deadline),
                "hours_remaining": o.hours_remaining,
            }
            for o in s.owed
        ],
        "certificate": {
            "serial": s.certificate_serial,
            "status": s.certificate_status,
            "reason": s.certificate_reason,
            "expires": iso(s.certificate_expires),
        }
        if s.certificate_serial
        else None,
        "certificates": [
            {
                "serial": c.serial,
                "post": c.post,
                "kind": c.kind,
                "issued": iso(c.issued),
                "expires": iso(c.expires),
                "status": c.status,
                "status_name": CERTIFICATE_STATUS_NAMES[c.status],
                "reason": c.reason,
            }
            for c in s.certificates
        ],
        "special_certificate": {
            "number": s.special_certificate.number,
            "kind": s.special_certificate.kind,
            "issued": iso(s.special_certificate.issued),
            "review_due": iso(s.special_certificate.review_due),
            "expires": iso(s.special_certificate.expires),
            "status": s.special_certificate.status,
        }
        if s.special_certificate
        else None,
        "qualified_on": iso(s.qualified_on),
    }
