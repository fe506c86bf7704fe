"""Which reminders the rules owe a person today, and their keys (one reminder per key, ever)."""

from __future__ import annotations

from datetime import date, datetime

from quizbank import rules
from quizbank.records.reminders import Leads, PersonRef, ScheduledExam, occasions

PERSON = PersonRef(7, "张三", "E001", {"welding": "电焊工"})
QUALIFY = [
    rules.Hired(on=date(2024, 3, 1), post="welding"),
    *(
        rules.TrainingCompleted(on=date(2024, 3, 1), level=lv, hours=8, session_id=lv)
        for lv in ("factory", "workshop", "team")
    ),
    rules.ExamTaken(on=date(2024, 3, 2), kind="qualification", passed=True, post="welding"),
]


def stand(events, today):
    return [rules.standing(events, rules.DEFAULT_POLICY, today, post="welding")]


def test_a_make_up_is_reminded_within_its_lead_days_and_not_before():
    events = QUALIFY + [rules.ExamTaken(on=date(2025, 3, 1), kind="spot", passed=False, post="welding")]
    deadline = date(2025, 3, 8)
    early = occasions(PERSON, stand(events, date(2025, 3, 2)), (), date(2025, 3, 2), Leads(makeup_days=3))
    assert [o.kind for o in early if o.kind == "makeup_due"] == []
    due = occasions(PERSON, stand(events, date(2025, 3, 5)), (), date(2025, 3, 5), Leads(makeup_days=3))
    (o,) = [o for o in due if o.kind == "makeup_due"]
    assert (
        o.key == f"makeup:7:welding:{deadline.isoformat()}"
        and o.due_on == deadline
        and "worker" in o.audience
    )


def test_a_missed_make_up_becomes_an_off_duty_retraining_reminder():
    events = QUALIFY + [rules.ExamTaken(on=date(2025, 3, 1), kind="spot", passed=False, post="welding")]
    found = occasions(PERSON, stand(events, date(2025, 3, 10)), (), date(2025, 3, 10))
    (o,) = [o for o in found if o.kind == "retraining"]
    assert o.key == "retraining:7:welding:offduty:2025-03-09" and "trainer" in o.audience


def test_annual_hours_owed_are_reminded_before_year_end_and_again_when_overdue():
    soon = occasions(PERSON, stand(QUALIFY, date(2025, 11, 15)), (), date(2025, 11, 15))
    assert [o.key for o in soon if o.kind == "hours_owed"] == ["hours:7:welding:2025:due"]
    late = occasions(PERSON, stand(QUALIFY, date(2026, 1, 5)), (), date(2026, 1, 5))
    assert "hours:7:welding:2025:overdue" in [o.key for o in late]


def test_a_certificate_is_reminded_once_inside_its_window():
    events = QUALIFY + [
        rules.CertificateIssued(on=date(2024, 3, 2), serial="QB-1", expires=date(2025, 3, 2), post="welding")
    ]
    assert not [
        o
        for o in occasions(PERSON, stand(events, date(2025, 1, 1)), (), date(2025, 1, 1))
        if o.kind == "certificate_expiring"
    ]
    (o,) = [
        o
        for o in occasions(PERSON, stand(events, date(2025, 2, 10)), (), date(2025, 2, 10))
        if o.kind == "certificate_expiring"
    ]
    assert o.key == "cert:QB-1:2025-03-02"


def test_an_exam_is_announced_reminded_before_it_closes_and_reported_missed():
    exam = ScheduledExam(
        3, "定期考试", "welding", datetime(2025, 3, 1, 9), datetime(2025, 3, 6, 17), sat=False
    )
    kinds = lambda today: sorted(o.kind for o in occasions(PERSON, (), [exam], today))  # noqa: E731
    assert kinds(date(2025, 3, 1)) == ["exam_scheduled"]
    assert kinds(date(2025, 3, 5)) == ["exam_closing", "exam_scheduled"]
    assert kinds(date(2025, 3, 7)) == ["exam_missed"]
    sat = ScheduledExam(3, "定期考试", "welding", datetime(2025, 3, 1, 9), datetime(2025, 3, 6, 17), sat=True)
    assert occasions(PERSON, (), [sat], date(2025, 3, 7)) == []


def test_annual_hours_over_two_posts_are_one_reminder_for_the_strictest_posts_shortfall():
    events = [
        rules.Hired(on=date(2024, 3, 1), post="welding"),
        rules.PostAssigned(on=date(2024, 3, 1), post="blasting"),
        *(
            rules.TrainingCompleted(on=date(2024, 3, 1), level=lv, hours=24, session_id=lv)
            for lv in ("factory", "workshop", "team")
        ),
        rules.ExamTaken(on=date(2024, 3, 2), kind="qualification", passed=True, post="welding"),
        rules.ExamTaken(on=date(2024, 3, 2), kind="qualification", passed=True, post="blasting"),
        rules.TrainingCompleted(on=date(2025, 5, 1), level="periodic", hours=5, session_id="p1"),
    ]
    today = date(2025, 11, 15)
    standings = [
        rules.standing(events, rules.DEFAULT_POLICY, today, post="welding"),
        rules.standing(events, rules.DEFAULT_POLICY, today, post="blasting", high_risk=True),
    ]
    person = PersonRef(7, "张三", "E001", {"welding": "电焊工", "blasting": "爆破工"})
    (o,) = [o for o in occasions(person, standings, (), today) if o.kind == "hours_owed"]
    assert o.key == "hours:7:blasting:2025:due" and "还差 15 学时" in o.subject
    assert "dept_head" in o.audience
