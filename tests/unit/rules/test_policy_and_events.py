"""The policy as data (defaults of DESIGN §3, overrides checked) and events as rows."""

from __future__ import annotations

from datetime import date

import pytest

from quizbank.rules import (
    EVENT_TYPES,
    CertificateIssued,
    CertificateRevoked,
    ExamTaken,
    Hired,
    Policy,
    PostAssigned,
    ReturnedFromAbsence,
    TrainingCompleted,
    event_from_dict,
    event_kind,
    event_to_dict,
)
from tests.unit.rules.rules_builders import exam, session, special, violation


def test_policy_defaults_are_those_of_design_section_3():
    p = Policy()
    assert (p.makeup_days, p.spot_fail, p.violation_retraining_hours, p.pass_mark) == (7, "makeup", 8, 80)
    assert (p.offduty_hours(False), p.offduty_hours(True)) == (24, 72)
    assert (p.prejob_hours(False), p.prejob_hours(True)) == (24, 72)
    assert (p.annual_retraining_hours(False), p.annual_retraining_hours(True)) == (8, 20)
    assert (p.away_days_for_retraining, p.special_cert_validity_years, p.special_cert_review_years) == (
        365,
        6,
        3,
    )
    assert (p.certificate_validity_months, p.expiring_soon_days) == (12, 30)


def test_policy_overrides_round_trip_through_dict():
    p = Policy.from_dict({"spot_fail": "retrain", "offduty_hours_standard": 32, "makeup_days": 5})
    assert (p.spot_fail, p.offduty_hours_standard, p.makeup_days) == ("retrain", 32.0, 5)
    assert Policy.from_dict(p.to_dict()) == p


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"makeup_dayz": 7}, "makeup_dayz"),
        ({"spot_fail": "fire"}, "spot_fail"),
        ({"makeup_days": 0}, "makeup_days"),
        ({"makeup_days": 7.5}, "makeup_days"),
        ({"offduty_hours_high_risk": -1}, "offduty_hours_high_risk"),
        ({"pass_mark": 120}, "pass_mark"),
        ({"makeup_may_work": "yes"}, "makeup_may_work"),
        ({"violation_retraining_hours": True}, "violation_retraining_hours"),
    ],
)
def test_policy_refuses_unknown_or_invalid_field_by_name(overrides, field):
    with pytest.raises(ValueError, match=field):
        Policy.from_dict(overrides)


ALL_EVENTS = [
    Hired(date(2026, 1, 5), post="welding"),
    session(date(2026, 1, 6), "factory", 8),
    exam(date(2026, 1, 9), "qualification", True),
    ExamTaken(date(2026, 1, 9), "spot", score=72.5),
    violation(date(2026, 2, 1)),
    PostAssigned(date(2026, 3, 1), "forklift"),
    ReturnedFromAbsence(date(2026, 3, 1), away_since=date(2025, 1, 1)),
    CertificateIssued(date(2026, 1, 9), "QB-2026-000001", date(2027, 1, 8), "welding"),
    CertificateRevoked(date(2026, 2, 1), "QB-2026-000001", "三违", by="admin"),
    special(date(2024, 1, 10), review_due=date(2027, 1, 10)),
]


@pytest.mark.parametrize("event", ALL_EVENTS, ids=lambda e: event_kind(e))
def test_event_round_trips_through_a_row(event):
    data = event_to_dict(event)
    assert data["on"] == event.on.isoformat()
    assert event_from_dict(event_kind(event), data) == event


def test_event_kinds_are_snake_case_class_names():
    assert {
        "exam_taken",
        "training_completed",
        "special_certificate_recorded",
        "certificate_reinstated",
    } <= set(EVENT_TYPES)


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        ("exam_passed", {"on": "2026-01-01"}, "unknown event kind"),
        ("hired", {"on": "2026-01-01", "salary": 1}, "hired.salary: unknown field"),
        ("post_assigned", {"on": "2026-01-01"}, "post_assigned.post: missing"),
        ("hired", {"on": "01/02/2026"}, "hired.on"),
        (
            "training_completed",
            {"on": "2026-01-01", "level": "company", "hours": 8},
            "training_completed.level",
        ),
        (
            "training_completed",
            {"on": "2026-01-01", "level": "team", "hours": -8},
            "training_completed.hours",
        ),
        ("exam_taken", {"on": "2026-01-01", "kind": "spot"}, "passed"),
        ("violation_recorded", {"on": "2026-01-01", "category": "迟到"}, "violation_recorded.category"),
    ],
)
def test_bad_event_row_is_refused_with_the_field_named(kind, data, message):
    with pytest.raises(ValueError, match=message):
        event_from_dict(kind, data)


def test_training_hours_must_be_a_number():
    with pytest.raises(ValueError):
        TrainingCompleted(date(2026, 1, 1), "team", "8")  # type: ignore[arg-type]
