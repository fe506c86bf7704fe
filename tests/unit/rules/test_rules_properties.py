"""Invariants of the rules over random histories (hypothesis)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from quizbank.rules import (
    ExamTaken,
    Policy,
    PostAssigned,
    ReturnedFromAbsence,
    Status,
    TrainingCompleted,
    standing,
)
from tests.unit.rules.rules_builders import POST, exam, qualified, session, violation

START = date(2025, 3, 10)
EXAM_GATED = {
    Status.UNTRAINED,
    Status.PRE_JOB_TRAINING,
    Status.OFFDUTY_RETRAINING,
    Status.SUSPENDED_VIOLATION,
    Status.MAKEUP_DUE,  # off the post until the make-up is passed (the default policy)
}
CLEARING_EXAMS = {"qualification", "makeup", "retraining"}

step = st.one_of(
    st.tuples(
        st.just("exam"),
        st.sampled_from(["spot", "periodic", "makeup", "retraining", "qualification"]),
        st.booleans(),
    ),
    st.tuples(
        st.just("training"),
        st.sampled_from(["offduty", "periodic", "workshop", "team", "factory"]),
        st.integers(1, 30),
    ),
    st.tuples(st.just("violation"), st.none(), st.none()),
    st.tuples(st.just("prejob"), st.sampled_from([8, 24]), st.booleans()),  # three levels, then an exam
    st.tuples(st.just("retrain"), st.sampled_from([8, 24, 72]), st.booleans()),  # hours, then an exam
    st.tuples(st.just("post"), st.sampled_from([POST, "forklift"]), st.none()),
    st.tuples(st.just("return"), st.sampled_from([100, 400]), st.none()),
)
histories = st.tuples(
    st.booleans(),  # start qualified
    st.lists(st.tuples(st.integers(1, 12), step), max_size=14),
    st.sampled_from([Policy(), Policy(spot_fail="retrain")]),
    st.booleans(),  # high risk
)


def build(start_qualified, steps):
    events = list(qualified(START, high_risk=False)) if start_qualified else []
    day = START
    for gap, (what, a, b) in steps:
        day += timedelta(days=gap)
        if what == "exam":
            events.append(exam(day, a, b))
        elif what == "training":
            events.append(session(day, a, b, POST))
        elif what == "retrain":
            events.append(session(day, "offduty", a, POST))
            day += timedelta(days=1)
            events.append(exam(day, "retraining", b))
        elif what == "prejob":
            for level in ("factory", "workshop", "team"):
                events.append(session(day, level, a, POST))
                day += timedelta(days=1)
            events.append(exam(day, "qualification", b))
        elif what == "violation":
            events.append(violation(day))
        elif what == "post":
            events.append(PostAssigned(day, a))
        else:
            events.append(ReturnedFromAbsence(day, away_since=day - timedelta(days=a)))
    return events, day


def summary(s):
    return (s.may_work, s.status, s.reasons, s.owed, s.certificate_status)


@settings(max_examples=150, deadline=None)
@given(histories)
def test_no_path_returns_to_work_without_a_passed_exam(history):
    start_qualified, steps, policy, high_risk = history
    events, last = build(start_qualified, steps)
    days = sorted({e.on for e in events} | {last + timedelta(days=1)})
    previous = None
    for day in days:
        now = standing(events, policy, day, post=POST, high_risk=high_risk)
        if previous is not None and previous[1] in EXAM_GATED and now.may_work:
            assert any(
                isinstance(e, ExamTaken)
                and e.kind in CLEARING_EXAMS
                and e.passed
                and previous[0] < e.on <= day
                for e in events
            ), (previous, now.reasons)
        previous = (day, now.status)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 60), st.integers(1, 12)), max_size=5),
    st.integers(0, 7),
    st.sampled_from(["spot", "periodic"]),
)
def test_a_passed_makeup_clears_a_failed_spot_test(periodic, makeup_after, kind):
    events, day = list(qualified(START)), START
    for gap, hours in periodic:
        day += timedelta(days=gap)
        events.append(session(day, "periodic", hours))
    failed_on = day + timedelta(days=1)
    makeup_on = failed_on + timedelta(days=makeup_after)
    with_makeup = [*events, exam(failed_on, kind, False), exam(makeup_on, "makeup", True)]
    before = standing(events, Policy(), makeup_on, post=POST)
    after = standing(with_makeup, Policy(), makeup_on, post=POST)
    assert after.may_work
    assert summary(after) == summary(before)


@settings(max_examples=120, deadline=None)
@given(histories, st.randoms(use_true_random=False))
def test_hours_are_never_double_counted(history, rnd):
    start_qualified, steps, policy, high_risk = history
    events, last = build(start_qualified, steps)
    today = last + timedelta(days=1)
    base = standing(events, policy, today, post=POST, high_risk=high_risk)
    trainings = [e for e in events if isinstance(e, TrainingCompleted)]
    duplicated = events + [rnd.choice(trainings) for _ in range(3)] if trainings else events
    duplicated.sort(key=lambda e: e.on)
    again = standing(duplicated, policy, today, post=POST, high_risk=high_risk)
    assert summary(again) == summary(base)
    counted = sum(c.hours_done for c in base.cases)
    assert counted <= sum(e.hours for e in trainings) + 1e-9


@settings(max_examples=80, deadline=None)
@given(histories, st.integers(0, 2**32 - 1))
def test_events_in_any_order_give_the_same_standing(history, seed):
    start_qualified, steps, policy, high_risk = history
    events, last = build(start_qualified, steps)
    shuffled = list(events)
    random.Random(seed).shuffle(shuffled)
    today = last + timedelta(days=3)
    a = standing(events, policy, today, post=POST, high_risk=high_risk)
    b = standing(shuffled, policy, today, post=POST, high_risk=high_risk)
    assert summary(a) == summary(b)
