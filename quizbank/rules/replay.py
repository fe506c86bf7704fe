"""The replay of a person's events in date order: the cases (obligations opened by an event and closed by later
ones) and the certificates, as they stand after each event. It draws no conclusion (see conclusion.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from quizbank.rules.events import (
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
from quizbank.rules.policy import Policy
from quizbank.rules.standing_values import PREJOB_LEVELS, REFRESHER_LEVELS, Case, CaseKind, zh_date

# --- the replay ------------------------------------------------------------------------------


@dataclass
class CaseInProgress:
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
class CertificateInProgress:
    serial: str
    post: str
    kind: str
    issued: date
    expires: date
    revoked: str | None = None
    suspended: str | None = None


class Replay:
    def __init__(self, policy: Policy, post: str, high_risk: bool) -> None:
        self.policy = policy
        self.post = post
        self.high_risk = high_risk
        self.cases: list[CaseInProgress] = []
        self.onboarding: CaseInProgress | None = None  # prejob or transfer: open until qualified on the post
        self.refresher: CaseInProgress | None = None
        self.makeup: CaseInProgress | None = None
        self.retraining: list[CaseInProgress] = []  # offduty and violation cases, in opening order
        self.qualified_on: date | None = None
        self.current_post: str | None = None
        self.assigned_here = False
        self.sessions_seen: set[str] = set()
        self.attempts_seen: set[str] = set()
        self.periodic: list[tuple[date, float]] = []
        self.certificates: dict[str, CertificateInProgress] = {}
        self.special: dict[str, SpecialCertificateRecorded] = {}
        self.exam_taken = False
        self.qualified_elsewhere = False  # passed a qualification exam for another post

    # cases

    def open(self, case: CaseInProgress) -> CaseInProgress:
        self.cases.append(case)
        return case

    def close(
        self,
        case: CaseInProgress,
        on: date,
        outcome: Literal["passed", "failed", "missed", "completed", "superseded"],
    ) -> None:
        case.closed = on
        case.outcome = outcome

    def open_offduty(self, on: date, reason: str) -> None:
        self.retraining.append(
            self.open(
                CaseInProgress(
                    "offduty", on, reason, hours_required=self.policy.offduty_hours(self.high_risk)
                )
            )
        )

    def ensure_onboarding(self, on: date) -> None:
        if self.onboarding is None and self.qualified_on is None:
            self.onboarding = self.open(
                CaseInProgress(
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
            levels_done = all(case.sessions.get(level, 0) > 0 for level in PREJOB_LEVELS)
            return levels_done and case.hours_done >= (case.hours_required or 0.0)
        return self.refresher_trained(case)

    def refresher_trained(self, case: CaseInProgress) -> bool:
        need = self.policy.refresher_hours_per_level
        return all(
            case.sessions.get(level, 0) > 0 and case.hours.get(level, 0.0) >= need
            for level in REFRESHER_LEVELS
        )

    def expire_makeup(self, on: date) -> None:
        case = self.makeup
        if case is not None and case.deadline is not None and on > case.deadline:
            self.close(case, case.deadline, "missed")
            self.makeup = None
            self.open_offduty(case.deadline + timedelta(days=1), f"未在 {zh_date(case.deadline)} 前参加补考")

    # events

    def concerns(self, event: Event) -> bool:
        return event.post is None or event.post == self.post

    def apply(self, event: Event) -> None:
        self.expire_makeup(event.on)
        if isinstance(event, PostAssigned | Hired):
            self.on_assigned(event)
        elif isinstance(event, CertificateIssued):
            if event.post == self.post:
                self.certificates[event.serial] = CertificateInProgress(
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
                    CaseInProgress(
                        "violation",
                        event.on,
                        f"{zh_date(event.on)} 记录三违（{event.category}）"
                        + (f"：{event.note}" if event.note else ""),
                        hours_required=self.policy.violation_retraining_hours,
                    )
                )
            )
        elif isinstance(event, ReturnedFromAbsence):
            away = (event.on - event.away_since).days
            if away >= self.policy.away_days_for_retraining and self.qualified_on is not None:
                self.open_refresher(event.on, f"离岗 {away} 天后于 {zh_date(event.on)} 返岗")
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
        reason = f"{zh_date(event.on)} 由其他岗位调入本岗位"
        if self.qualified_on is not None:
            self.open_refresher(event.on, reason)
        else:
            # Already trained at factory level for the first post: 车间/班组 training, then the exam.
            if self.onboarding is not None:
                self.close(self.onboarding, event.on, "superseded")
            self.onboarding = self.open(CaseInProgress("transfer", event.on, reason))

    def open_refresher(self, on: date, reason: str) -> None:
        if self.refresher is None:
            self.refresher = self.open(CaseInProgress("refresher", on, reason))

    def on_certificate_change(
        self, event: CertificateRevoked | CertificateSuspended | CertificateReinstated
    ) -> None:
        cert = self.certificates.get(event.serial)
        if cert is None:
            return
        who = f"（{event.by}）" if event.by else ""
        if isinstance(event, CertificateRevoked):
            cert.revoked = f"{zh_date(event.on)} 吊销：{event.reason}{who}"
        elif isinstance(event, CertificateSuspended):
            cert.suspended = f"{zh_date(event.on)} 暂停：{event.reason}{who}"
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
        elif self.refresher is not None and level in REFRESHER_LEVELS:
            self.refresher.add(level, hours)
            if self.refresher_trained(self.refresher):
                self.close(self.refresher, event.on, "completed")
                self.refresher = None
        elif self.onboarding is not None and (self.onboarding.kind == "prejob" or level in REFRESHER_LEVELS):
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
                self.open_offduty(event.on, f"{zh_date(event.on)} {name}不合格（严格规则：直接脱产培训）")
            else:
                deadline = event.on + timedelta(days=self.policy.makeup_days)
                self.makeup = self.open(
                    CaseInProgress("makeup", event.on, f"{zh_date(event.on)} {name}不合格", deadline=deadline)
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
                self.open_offduty(event.on, f"{zh_date(event.on)} 补考不合格")
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
