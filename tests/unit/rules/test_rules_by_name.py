"""One test per rule of DESIGN §3, table-driven: a history, a date, the expected standing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest

from quizbank.rules import (
    CertificateIssued,
    CertificateRevoked,
    CertificateSuspended,
    ExamTaken,
    Hired,
    Policy,
    PostAssigned,
    ReturnedFromAbsence,
    Status,
    standing,
)
from tests.unit.rules.rules_builders import (
    POST,
    QUALIFIED,
    d,
    exam,
    prejob,
    qualified,
    session,
    special,
    violation,
    with_certificate,
)


@dataclass(frozen=True)
class Case:
    events: list
    today: date
    status: Status
    may_work: bool
    owed: tuple[str, ...] = ()
    policy: Policy = field(default_factory=Policy)
    high_risk: bool = False
    special_operation: bool = False
    post: str = POST


SPOT = d("2026-05-04")


def check(case: Case):
    result = standing(
        case.events,
        case.policy,
        case.today,
        post=case.post,
        high_risk=case.high_risk,
        special_operation=case.special_operation,
    )
    assert (result.status, result.may_work) == (case.status, case.may_work), result.reasons
    assert tuple(o.kind for o in result.owed) == case.owed, result.owed
    assert bool(result.reasons) == (result.status != Status.QUALIFIED)
    return result


RULES = {
    # Fail a spot or periodic exam → one make-up within 7 days; pass → back to qualified.
    "spot_fail_makeup_within_7_days": Case(
        [*qualified(), exam(SPOT, "spot", False)],
        SPOT + timedelta(days=1),
        Status.MAKEUP_DUE,
        False,
        ("makeup_exam", "annual_training"),
    ),
    "periodic_fail_makeup_within_7_days": Case(
        [*qualified(), exam(SPOT, "periodic", False)],
        SPOT + timedelta(days=7),
        Status.MAKEUP_DUE,
        False,
        ("makeup_exam", "annual_training"),
    ),
    "spot_fail_then_makeup_passed_is_qualified": Case(
        [*qualified(), exam(SPOT, "spot", False), exam(SPOT + timedelta(days=7), "makeup", True)],
        SPOT + timedelta(days=8),
        Status.QUALIFIED,
        True,
        ("annual_training",),
    ),
    "makeup_pending_may_work_when_the_enterprise_allows_it": Case(
        [*qualified(), exam(SPOT, "spot", False)],
        SPOT,
        Status.MAKEUP_DUE,
        True,
        ("makeup_exam", "annual_training"),
        policy=Policy(makeup_may_work=True),
    ),
    # The strict setting: a failed spot test goes straight to off-duty retraining.
    "strict_spot_fail_retrain_goes_to_offduty_retraining": Case(
        [*qualified(), exam(SPOT, "spot", False)],
        SPOT + timedelta(days=1),
        Status.OFFDUTY_RETRAINING,
        False,
        ("annual_training", "offduty_training", "retraining_exam"),
        policy=Policy(spot_fail="retrain"),
    ),
    "strict_setting_keeps_makeup_for_periodic_exam": Case(
        [*qualified(), exam(SPOT, "periodic", False)],
        SPOT + timedelta(days=1),
        Status.MAKEUP_DUE,
        False,
        ("makeup_exam", "annual_training"),
        policy=Policy(spot_fail="retrain"),
    ),
    # Fail the make-up, or miss its deadline → off-duty retraining, 24 h (72 high-risk), then an exam.
    "failed_makeup_offduty_retraining_24_hours": Case(
        [*qualified(), exam(SPOT, "spot", False), exam(SPOT + timedelta(days=3), "makeup", False)],
        SPOT + timedelta(days=4),
        Status.OFFDUTY_RETRAINING,
        False,
        ("annual_training", "offduty_training", "retraining_exam"),
    ),
    "missed_makeup_deadline_offduty_retraining": Case(
        [*qualified(), exam(SPOT, "spot", False)],
        SPOT + timedelta(days=8),
        Status.OFFDUTY_RETRAINING,
        False,
        ("annual_training", "offduty_training", "retraining_exam"),
    ),
    "offduty_hours_done_then_retraining_exam_passed_returns_to_post": Case(
        [
            *qualified(),
            exam(SPOT, "spot", False),
            exam(SPOT + timedelta(days=3), "makeup", False),
            session(SPOT + timedelta(days=4), "offduty", 16),
            session(SPOT + timedelta(days=5), "offduty", 8),
            exam(SPOT + timedelta(days=6), "retraining", True),
        ],
        SPOT + timedelta(days=6),
        Status.QUALIFIED,
        True,
        ("annual_training",),
    ),
    "retraining_exam_before_hours_are_done_does_not_count": Case(
        [
            *qualified(),
            exam(SPOT, "spot", False),
            exam(SPOT + timedelta(days=1), "makeup", False),
            session(SPOT + timedelta(days=2), "offduty", 16),
            exam(SPOT + timedelta(days=3), "retraining", True),
        ],
        SPOT + timedelta(days=4),
        Status.OFFDUTY_RETRAINING,
        False,
        ("annual_training", "offduty_training", "retraining_exam"),
    ),
    # 三违 → off-duty retraining (8 h) and an exam before returning.
    "violation_offduty_8_hours_and_exam": Case(
        [*qualified(), violation(SPOT)],
        SPOT,
        Status.SUSPENDED_VIOLATION,
        False,
        ("annual_training", "offduty_training", "retraining_exam"),
    ),
    "violation_cleared_by_8_hours_and_passed_exam": Case(
        [
            *qualified(),
            violation(SPOT),
            session(SPOT + timedelta(days=1), "offduty", 8),
            exam(SPOT + timedelta(days=2), "retraining", True),
        ],
        SPOT + timedelta(days=2),
        Status.QUALIFIED,
        True,
        ("annual_training",),
    ),
    "violation_without_post_applies_to_every_post": Case(
        [*qualified(), violation(SPOT, post=None)],
        SPOT,
        Status.SUSPENDED_VIOLATION,
        False,
        ("annual_training", "offduty_training", "retraining_exam"),
    ),
    "violation_on_another_post_does_not_touch_this_one": Case(
        [*qualified(), violation(SPOT, post="forklift")],
        SPOT,
        Status.QUALIFIED,
        True,
        ("annual_training",),
    ),
    # New hire → pre-job training ≥ 24 h (72 high-risk) across 厂/车间/班组, then the qualification exam.
    "new_hire_without_training_is_untrained": Case(
        [Hired(d("2026-01-05"), post=POST)],
        d("2026-01-05"),
        Status.UNTRAINED,
        False,
        ("prejob_training", "qualification_exam"),
    ),
    "new_hire_prejob_24_hours_across_three_levels": Case(
        prejob(d("2026-01-05"), hours_per_level=6),
        d("2026-01-10"),
        Status.PRE_JOB_TRAINING,
        False,
        ("prejob_training", "qualification_exam"),
    ),
    "new_hire_prejob_needs_every_level": Case(
        [
            Hired(d("2026-01-05"), post=POST),
            session(d("2026-01-06"), "factory", 16),
            session(d("2026-01-07"), "workshop", 16, POST),
        ],
        d("2026-01-10"),
        Status.PRE_JOB_TRAINING,
        False,
        ("prejob_training", "qualification_exam"),
    ),
    "new_hire_trained_awaits_qualification_exam": Case(
        prejob(d("2026-01-05")),
        d("2026-01-10"),
        Status.PRE_JOB_TRAINING,
        False,
        ("qualification_exam",),
    ),
    "new_hire_qualification_exam_passed_is_qualified": Case(
        [*prejob(d("2026-01-05")), exam(d("2026-01-09"), "qualification", True)],
        d("2026-01-10"),
        Status.QUALIFIED,
        True,
    ),
    "new_hire_prejob_72_hours_high_risk": Case(
        [*prejob(d("2026-01-05")), exam(d("2026-01-09"), "qualification", True)],
        d("2026-01-10"),
        Status.PRE_JOB_TRAINING,
        False,
        ("prejob_training", "qualification_exam"),
        high_risk=True,
    ),
    "new_hire_qualification_exam_before_training_does_not_count": Case(
        [
            Hired(d("2026-01-05"), post=POST),
            exam(d("2026-01-05"), "qualification", True),
            *prejob(d("2026-01-05"))[1:],
        ],
        d("2026-01-10"),
        Status.PRE_JOB_TRAINING,
        False,
        ("qualification_exam",),
    ),
    # Annual retraining ≥ 20 h high-risk (8 otherwise), per calendar year from the year after qualification.
    "annual_retraining_8_hours_owed_this_year": Case(
        qualified(d("2025-03-10")),
        d("2026-06-01"),
        Status.QUALIFIED,
        True,
        ("annual_training",),
    ),
    "annual_retraining_8_hours_done": Case(
        [*qualified(d("2025-03-10")), session(d("2026-04-01"), "periodic", 8)],
        d("2026-06-01"),
        Status.QUALIFIED,
        True,
    ),
    "annual_retraining_20_hours_high_risk": Case(
        [*qualified(d("2025-03-10"), high_risk=True), session(d("2026-04-01"), "periodic", 8)],
        d("2026-06-01"),
        Status.QUALIFIED,
        True,
        ("annual_training",),
        high_risk=True,
    ),
    "annual_retraining_shortfall_last_year_keeps_off_post": Case(
        [*qualified(d("2024-03-10")), session(d("2025-04-01"), "periodic", 4)],
        d("2026-01-15"),
        Status.ANNUAL_TRAINING_OVERDUE,
        False,
        ("annual_training", "annual_training"),
    ),
    "annual_retraining_late_hours_make_up_last_year_first": Case(
        [
            *qualified(d("2024-03-10")),
            session(d("2025-04-01"), "periodic", 4),
            session(d("2026-01-20"), "periodic", 6),
        ],
        d("2026-02-01"),
        Status.QUALIFIED,
        True,
        ("annual_training",),
    ),
    # Change of post, or back after ≥ 1 year away → 车间 and 班组 training again.
    "post_change_needs_workshop_and_team_training_and_exam": Case(
        [*qualified(post="forklift"), PostAssigned(SPOT, POST)],
        SPOT,
        Status.NEEDS_REFRESHER,
        False,
        ("workshop_team_training", "qualification_exam"),
    ),
    "post_change_trained_and_examined_is_qualified": Case(
        [
            *qualified(post="forklift"),
            PostAssigned(SPOT, POST),
            session(SPOT + timedelta(days=1), "workshop", 4, POST),
            session(SPOT + timedelta(days=2), "team", 4, POST),
            exam(SPOT + timedelta(days=3), "qualification", True),
        ],
        SPOT + timedelta(days=3),
        Status.QUALIFIED,
        True,
    ),
    "post_change_back_to_a_qualified_post_needs_training_only": Case(
        [
            *qualified(),
            PostAssigned(d("2025-06-01"), "forklift"),
            PostAssigned(SPOT, POST),
            session(SPOT + timedelta(days=1), "workshop", 4, POST),
        ],
        SPOT + timedelta(days=1),
        Status.NEEDS_REFRESHER,
        False,
        ("annual_training", "workshop_team_training"),
    ),
    "return_after_a_year_away_needs_workshop_and_team_training": Case(
        [*qualified(), ReturnedFromAbsence(SPOT, away_since=SPOT - timedelta(days=365))],
        SPOT,
        Status.NEEDS_REFRESHER,
        False,
        ("annual_training", "workshop_team_training"),
    ),
    "return_after_a_year_away_trained_is_qualified": Case(
        [
            *qualified(),
            ReturnedFromAbsence(SPOT, away_since=SPOT - timedelta(days=400)),
            session(SPOT + timedelta(days=1), "workshop", 4, POST),
            session(SPOT + timedelta(days=1), "team", 4, POST),
        ],
        SPOT + timedelta(days=2),
        Status.QUALIFIED,
        True,
        ("annual_training",),
    ),
    "return_after_less_than_a_year_needs_nothing": Case(
        [*qualified(), ReturnedFromAbsence(SPOT, away_since=SPOT - timedelta(days=364))],
        SPOT,
        Status.QUALIFIED,
        True,
        ("annual_training",),
    ),
    # Special operations: an external certificate on file and valid (6 years, reviewed every 3).
    "special_operation_certificate_missing": Case(
        qualified(),
        SPOT,
        Status.SPECIAL_CERT_MISSING,
        False,
        ("annual_training", "special_cert"),
        special_operation=True,
    ),
    "special_operation_certificate_valid_with_review_owed": Case(
        [*qualified(), special(d("2024-01-10"))],
        SPOT,
        Status.QUALIFIED,
        True,
        ("annual_training", "special_cert_review"),
        special_operation=True,
    ),
    "special_operation_certificate_review_overdue_after_3_years": Case(
        [*qualified(), special(d("2023-01-10"))],
        d("2026-01-11"),
        Status.SPECIAL_CERT_REVIEW_OVERDUE,
        False,
        ("special_cert_review", "annual_training"),
        special_operation=True,
    ),
    "special_operation_certificate_reviewed_is_valid": Case(
        [*qualified(), special(d("2023-01-10")), special(d("2023-01-10"), review_due=d("2029-01-10"))],
        d("2026-01-11"),
        Status.QUALIFIED,
        True,
        ("annual_training", "special_cert"),
        special_operation=True,
    ),
    "special_operation_certificate_expired_after_6_years": Case(
        [*qualified(), special(d("2020-01-10"), review_due=d("2026-12-31"))],
        d("2026-01-11"),
        Status.SPECIAL_CERT_EXPIRED,
        False,
        ("special_cert", "annual_training"),
        special_operation=True,
    ),
    # Certificates: expired or revoked keep the person off the post; a suspension too.
    "certificate_expired_keeps_off_post": Case(
        with_certificate(d("2025-03-10")),
        d("2026-03-10"),
        Status.CERTIFICATE_EXPIRED,
        False,
        ("certificate_renewal", "annual_training"),
    ),
    "certificate_expiring_within_30_days_owes_renewal": Case(
        with_certificate(d("2025-03-10")),
        d("2026-02-10"),
        Status.QUALIFIED,
        True,
        ("certificate_renewal", "annual_training"),
    ),
    "certificate_revoked_keeps_off_post": Case(
        [*with_certificate(), CertificateRevoked(d("2025-06-01"), "QB-2025-000001", "弄虚作假", by="admin")],
        d("2025-06-02"),
        Status.CERTIFICATE_REVOKED,
        False,
        ("qualification_exam",),
    ),
    "certificate_suspended_keeps_off_post": Case(
        [*with_certificate(), CertificateSuspended(d("2025-06-01"), "QB-2025-000001", "待调查", by="admin")],
        d("2025-06-02"),
        Status.CERTIFICATE_SUSPENDED,
        False,
    ),
}


@pytest.mark.parametrize("case", RULES.values(), ids=RULES.keys())
def test_standing_follows_each_rule_of_design_section_3(case: Case):
    check(case)


def test_pass_mark_80_by_score():
    def history(score: float):
        return [*prejob(d("2026-01-05")), ExamTaken(d("2026-01-09"), "qualification", score=score, post=POST)]

    assert not standing(history(79.5), Policy(), d("2026-01-10"), post=POST).may_work
    assert standing(history(80), Policy(), d("2026-01-10"), post=POST).may_work
    assert not standing(history(85), Policy(pass_mark=90), d("2026-01-10"), post=POST).may_work


def test_paper_graded_pass_overrides_the_policy_pass_mark():
    events = [
        *prejob(d("2026-01-05")),
        ExamTaken(d("2026-01-09"), "qualification", passed=True, score=70, post=POST),
    ]
    assert standing(events, Policy(), d("2026-01-10"), post=POST).may_work


def test_offduty_hours_are_24_standard_and_72_high_risk():
    for high_risk, hours in ((False, 24), (True, 72)):
        events = [*qualified(high_risk=high_risk), exam(SPOT, "spot", False), exam(SPOT, "makeup", False)]
        owed = {o.kind: o for o in standing(events, Policy(), SPOT, post=POST, high_risk=high_risk).owed}
        assert owed["offduty_training"].hours_remaining == hours


def test_violation_owes_8_hours():
    owed = {o.kind: o for o in standing([*qualified(), violation(SPOT)], Policy(), SPOT, post=POST).owed}
    assert owed["offduty_training"].hours_remaining == 8


def test_makeup_deadline_is_7_days_after_the_failed_spot_test():
    result = standing([*qualified(), exam(SPOT, "spot", False)], Policy(), SPOT, post=POST)
    assert result.owed[0].deadline == SPOT + timedelta(days=7)
    assert "补考" in result.owed[0].description


def test_makeup_passed_after_the_deadline_does_not_clear():
    events = [*qualified(), exam(SPOT, "spot", False), exam(SPOT + timedelta(days=8), "makeup", True)]
    assert standing(events, Policy(), SPOT + timedelta(days=8), post=POST).status == Status.OFFDUTY_RETRAINING


def test_offduty_hours_before_the_failure_do_not_pay_off_retraining():
    events = [
        *qualified(),
        session(SPOT - timedelta(days=1), "offduty", 24),
        exam(SPOT, "spot", False),
        exam(SPOT + timedelta(days=1), "makeup", False),
        exam(SPOT + timedelta(days=2), "retraining", True),
    ]
    result = standing(events, Policy(), SPOT + timedelta(days=2), post=POST)
    assert result.status == Status.OFFDUTY_RETRAINING
    assert {o.kind: o.hours_remaining for o in result.owed}["offduty_training"] == 24


def test_same_session_counted_once():
    events = [
        *qualified(),
        violation(SPOT),
        session(SPOT + timedelta(days=1), "offduty", 4, session_id="dup"),
        session(SPOT + timedelta(days=1), "offduty", 4, session_id="dup"),
        exam(SPOT + timedelta(days=2), "retraining", True),
    ]
    result = standing(events, Policy(), SPOT + timedelta(days=2), post=POST)
    assert result.status == Status.SUSPENDED_VIOLATION
    assert {o.kind: o.hours_remaining for o in result.owed}["offduty_training"] == 4


def test_violation_and_failure_hours_are_split_not_shared():
    events = [
        *qualified(),
        exam(SPOT, "spot", False),
        exam(SPOT, "makeup", False),
        violation(SPOT + timedelta(days=1)),
        session(SPOT + timedelta(days=2), "offduty", 24),
    ]
    result = standing(events, Policy(), SPOT + timedelta(days=2), post=POST)
    assert {o.kind: o.hours_remaining for o in result.owed}["offduty_training"] == 8
    assert sum(c.hours_done for c in result.cases if c.kind in ("offduty", "violation")) == 24


def test_certificate_is_suspended_while_retraining_is_owed():
    events = [*with_certificate(), violation(d("2025-06-01"))]
    result = standing(events, Policy(), d("2025-06-01"), post=POST)
    assert result.certificate_status == "suspended"
    assert "三违" in (result.certificate_reason or "")


def test_certificate_is_suspended_while_a_makeup_is_owed():
    events = [*with_certificate(SPOT - timedelta(days=60)), exam(SPOT, "spot", False)]
    result = standing(events, Policy(), SPOT + timedelta(days=1), post=POST)
    assert (result.may_work, result.status) == (False, Status.MAKEUP_DUE)
    assert result.certificate_status == "suspended"
    assert "补考" in (result.certificate_reason or "")


def test_certificate_is_valid_again_once_the_makeup_is_passed():
    events = [
        *with_certificate(SPOT - timedelta(days=60)),
        exam(SPOT, "spot", False),
        exam(SPOT + timedelta(days=2), "makeup", True),
    ]
    result = standing(events, Policy(), SPOT + timedelta(days=2), post=POST)
    assert (result.may_work, result.certificate_status, result.certificate_reason) == (True, "valid", None)


def test_makeup_owed_under_a_lenient_policy_keeps_the_certificate_valid_with_a_note():
    events = [*with_certificate(SPOT - timedelta(days=60)), exam(SPOT, "spot", False)]
    result = standing(events, Policy(makeup_may_work=True), SPOT + timedelta(days=1), post=POST)
    assert (result.may_work, result.status, result.certificate_status) == (True, Status.MAKEUP_DUE, "valid")
    assert (result.certificate_reason or "").startswith("待补考：")


def test_certificate_status_valid_expiring_expired():
    events = with_certificate(d("2025-03-10"))
    statuses = [
        standing(events, Policy(), day, post=POST).certificate_status
        for day in (d("2025-06-01"), d("2026-02-10"), d("2026-03-10"))
    ]
    assert statuses == ["valid", "expiring", "expired"]


def test_certificate_reinstated_after_suspension():
    from quizbank.rules import CertificateReinstated

    events = [
        *with_certificate(),
        CertificateSuspended(d("2025-06-01"), "QB-2025-000001", "待调查", by="admin"),
        CertificateReinstated(d("2025-06-05"), "QB-2025-000001", "调查结束", by="admin"),
    ]
    result = standing(events, Policy(), d("2025-06-06"), post=POST)
    assert (result.may_work, result.certificate_status) == (True, "valid")


def test_new_certificate_replaces_an_expired_one():
    events = [
        *with_certificate(d("2025-03-10")),
        exam(d("2026-03-20"), "retraining", True),
        CertificateIssued(d("2026-03-20"), "QB-2026-000007", d("2027-03-19"), POST, "retraining"),
    ]
    result = standing(events, Policy(), d("2026-03-21"), post=POST)
    assert result.certificate_serial == "QB-2026-000007"
    assert result.certificate_status == "valid"
    assert [c.status for c in result.certificates] == ["expired", "valid"]


def test_owed_is_sorted_by_deadline_with_undated_last():
    result = standing(
        [*qualified(), violation(SPOT), special(d("2024-01-10"))],
        Policy(),
        SPOT,
        post=POST,
        special_operation=True,
    )
    deadlines = [o.deadline for o in result.owed]
    dated = [x for x in deadlines if x is not None]
    assert dated == sorted(dated)
    assert deadlines[: len(dated)] == dated


def test_events_after_today_are_not_yet_facts():
    events = [*qualified(), exam(SPOT, "spot", False)]
    assert standing(events, Policy(), SPOT - timedelta(days=1), post=POST).status == Status.QUALIFIED


def test_no_events_is_untrained():
    result = standing([], Policy(), SPOT, post=POST)
    assert (result.status, result.may_work) == (Status.UNTRAINED, False)


def test_standing_requires_today():
    with pytest.raises(TypeError, match="today"):
        standing([], Policy(), post=POST)


def test_retraining_queue_lists_open_cases():
    result = standing([*qualified(), violation(SPOT)], Policy(), SPOT, post=POST)
    assert [(c.kind, c.hours_required) for c in result.open_cases] == [("violation", 8.0)]
    assert result.qualified_on == QUALIFIED


def test_post_change_before_qualifying_anywhere_keeps_the_full_prejob_training():
    events = [*prejob(d("2026-01-05"), post="forklift"), PostAssigned(d("2026-01-20"), POST)]
    result = standing(events, Policy(), d("2026-01-21"), post=POST)
    assert result.status == Status.PRE_JOB_TRAINING
    assert [o.kind for o in result.owed] == ["prejob_training", "qualification_exam"]


def test_standing_serialises_to_json_with_status_certificate_and_what_is_owed():
    import json

    from quizbank.rules import standing_to_dict

    result = standing([*with_certificate(), violation(d("2025-06-01"))], Policy(), d("2025-06-01"), post=POST)
    data = json.loads(json.dumps(standing_to_dict(result), ensure_ascii=False))
    assert (data["may_work"], data["status"], data["certificate"]["status"]) == (
        False,
        "suspended_violation",
        "suspended",
    )
    assert [o["kind"] for o in data["owed"]] == ["offduty_training", "retraining_exam"]
