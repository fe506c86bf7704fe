"""一人一档 and hours owed, from events: each number checked against a sum done by hand."""

from __future__ import annotations

from datetime import date

from quizbank import records, rules
from quizbank.records import Facts, Identity, PostRef, Recorded, SessionInfo

POLICY = rules.DEFAULT_POLICY


def hired_and_trained(on: date, hours: float = 8, post: str = "welding") -> list[rules.Event]:
    return [
        rules.Hired(on=on, post=post),
        rules.TrainingCompleted(on=on, level="factory", hours=hours, session_id="s1"),
        rules.TrainingCompleted(on=on, level="workshop", hours=hours, session_id="s2", post=post),
        rules.TrainingCompleted(on=on, level="team", hours=hours, session_id="s3", post=post),
        rules.ExamTaken(on=on, kind="qualification", passed=True, score=92, attempt_id="1", post=post),
    ]


def identity() -> Identity:
    return Identity("张三", "E001", "劳务派遣", "甲企业", "一车间", "110***1234", date(2024, 3, 1), True)


def test_hours_by_year_count_a_session_once_and_group_by_kind():
    events = hired_and_trained(date(2024, 3, 1)) + [
        rules.TrainingCompleted(on=date(2025, 5, 1), level="periodic", hours=4, session_id="p1"),
        rules.TrainingCompleted(on=date(2025, 5, 1), level="periodic", hours=4, session_id="p1"),  # twice
        rules.TrainingCompleted(on=date(2025, 9, 1), level="periodic", hours=3, session_id="p2"),
    ]
    a = records.assemble(Facts(identity(), (), tuple(Recorded(e) for e in events)), date(2025, 12, 1))
    by_year = {y.year: dict(y.by_level) for y in a.hours_by_year}
    assert by_year == {2024: {"factory": 8, "workshop": 8, "team": 8}, 2025: {"periodic": 7}}
    assert a.total_hours == 31


def test_pre_job_hours_owed_are_24_or_72_in_the_year_of_hire():
    events = hired_and_trained(date(2024, 3, 1), hours=8)
    normal = records.hours_owed(events, POLICY, year=2024, today=date(2024, 12, 1), post="welding")
    assert [(ln.kind, ln.required, ln.recorded, ln.short) for ln in normal.lines] == [("prejob", 24, 24, 0)]
    risky = records.hours_owed(
        events, POLICY, year=2024, today=date(2024, 12, 1), post="welding", high_risk=True
    )
    assert (risky.required, risky.recorded, risky.short) == (72, 24, 48)


def test_annual_hours_are_owed_from_the_year_after_qualifying():
    events = hired_and_trained(date(2024, 3, 1)) + [
        rules.TrainingCompleted(on=date(2025, 5, 1), level="periodic", hours=5, session_id="p1"),
    ]
    y2024 = records.hours_owed(events, POLICY, year=2024, today=date(2025, 6, 1), post="welding")
    assert [ln.kind for ln in y2024.lines] == ["prejob"]
    y2025 = records.hours_owed(events, POLICY, year=2025, today=date(2025, 6, 1), post="welding")
    assert [(ln.kind, ln.required, ln.recorded, ln.short) for ln in y2025.lines] == [("annual", 8, 5, 3)]
    risky = hired_and_trained(date(2024, 3, 1), hours=24) + events[-1:]
    high = records.hours_owed(
        risky, POLICY, year=2025, today=date(2025, 6, 1), post="welding", high_risk=True
    )
    assert [(ln.kind, ln.required, ln.short) for ln in high.lines] == [("annual", 20, 15)]
    # not qualified (8 学时 a level is short of 72): no annual hours owed yet, only the pre-job ones of 2024
    unqualified = records.hours_owed(
        events, POLICY, year=2025, today=date(2025, 6, 1), post="welding", high_risk=True
    )
    assert unqualified.lines == ()


def test_a_violation_owes_its_off_duty_hours_in_the_year_it_was_recorded():
    events = hired_and_trained(date(2024, 3, 1)) + [
        rules.ViolationRecorded(on=date(2025, 4, 2), category="违章作业", post="welding"),
        rules.TrainingCompleted(on=date(2025, 4, 3), level="offduty", hours=6, session_id="o1"),
    ]
    owed = records.hours_owed(events, POLICY, year=2025, today=date(2025, 4, 10), post="welding")
    off = next(ln for ln in owed.lines if ln.kind == "offduty")
    assert (off.required, off.recorded, off.short) == (8, 6, 2)


def test_coverage_sums_people_by_department_and_post_and_lists_who_is_short():
    full = records.HoursOwed(2025, "w", (records.HoursLine("annual", 8, 8),))
    short3 = records.HoursOwed(2025, "w", (records.HoursLine("annual", 8, 5),))
    short8 = records.HoursOwed(2025, "w", (records.HoursLine("annual", 8, 0),))
    rows = records.coverage(
        [
            ("一车间", "电焊工", "甲", full),
            ("一车间", "电焊工", "乙", short3),
            ("一车间", "电焊工", "丙", short8),
            ("二车间", "电工", "丁", full),
        ]
    )
    assert [(r.department, r.post, r.people, r.required, r.recorded, r.short) for r in rows] == [
        ("一车间", "电焊工", 3, 24, 13, 11),
        ("二车间", "电工", 1, 8, 8, 0),
    ]
    assert rows[0].short_people == (("丙", 8), ("乙", 3)) and rows[0].covered_rate == 54.2


def test_archive_card_exams_violations_and_certificate_history():
    on = date(2024, 3, 1)
    events = [Recorded(e, "王培训") for e in hired_and_trained(on)] + [
        Recorded(rules.CertificateIssued(on=on, serial="QB-1", expires=date(2025, 3, 1), post="welding")),
        Recorded(
            rules.ExamTaken(
                on=date(2024, 6, 1), kind="spot", passed=False, score=60, attempt_id="2", post="welding"
            )
        ),
        Recorded(
            rules.CertificateSuspended(on=date(2024, 6, 1), serial="QB-1", reason="抽考不合格", by="李检查")
        ),
        Recorded(
            rules.ExamTaken(
                on=date(2024, 6, 5), kind="makeup", passed=True, score=85, attempt_id="3", post="welding"
            )
        ),
        Recorded(
            rules.CertificateReinstated(on=date(2024, 6, 5), serial="QB-1", reason="补考合格"), "王培训"
        ),
        Recorded(
            rules.ViolationRecorded(
                on=date(2024, 8, 1), category="违反劳动纪律", note="未戴安全帽", post="welding"
            ),
            "李检查",
        ),
    ]
    standing = rules.standing([r.event for r in events], POLICY, date(2024, 9, 1), post="welding")
    facts = Facts(
        identity(),
        (PostRef("welding", "电焊工", on),),
        tuple(events),
        standings=(standing,),
        sessions={"s2": SessionInfo("车间级安全教育", "王培训", "车间危险源")},
        exams={"2": records.ExamInfo("逢查必考", 100, "检查 #4 一车间")},
    )
    a = records.assemble(facts, date(2024, 9, 1))
    card = {level: lines for level, lines in a.three_level_card}
    assert [t.title for t in card["workshop"]] == ["车间级安全教育"] and card["workshop"][
        0
    ].trainer == "王培训"
    assert [t.hours for t in card["factory"]] == [8.0]
    assert [(e.kind, e.passed, e.inspection) for e in a.exams] == [
        ("qualification", True, ""),
        ("spot", False, "检查 #4 一车间"),
        ("makeup", True, ""),
    ]
    assert [(h[1], h[3]) for h in a.certificates[0].history] == [
        ("签发", ""),
        ("暂停", "李检查"),
        ("恢复", "王培训"),
    ]
    assert a.certificates[0].status == "suspended"  # the 三违 keeps the holder off the post
    (v,) = a.violations
    assert (v.category, v.by, v.post) == (
        "违反劳动纪律",
        "李检查",
        "电焊工",
    ) and "已完成 0/8 学时" in v.retraining
    assert [(c.on, c.what) for c in a.post_history] == [(on, "入职")]
    assert not a.may_work_any


def test_an_external_certificate_without_dates_gets_the_policy_review_and_validity_terms():
    e = rules.SpecialCertificateRecorded(
        on=date(2024, 3, 1), number="T1", kind="电工作业", issued=date(2023, 5, 1)
    )
    a = records.assemble(Facts(identity(), (), (Recorded(e, "王"),)), date(2024, 9, 1))
    (s,) = a.specials
    assert (s.review_due, s.expires, s.by) == (date(2026, 5, 1), date(2029, 5, 1), "王")


def test_events_after_the_archive_date_are_not_in_it():
    events = hired_and_trained(date(2024, 3, 1)) + [
        rules.TrainingCompleted(on=date(2026, 1, 1), level="periodic", hours=8, session_id="later")
    ]
    a = records.assemble(Facts(identity(), (), tuple(Recorded(e) for e in events)), date(2025, 1, 1))
    assert [y.year for y in a.hours_by_year] == [2024]


# --- a person holding several posts owes what the strictest asks, never the sum --------------------------------

TWO_POSTS = (records.PostTerms("welding"), records.PostTerms("blasting", high_risk=True))


def hired_on_two_posts(on: date, hours: float) -> list[rules.Event]:
    """Hired on a normal and a high-risk post; 三级安全教育 held for both (sessions tied to no post)."""
    return [
        rules.Hired(on=on, post="welding"),
        rules.PostAssigned(on=on, post="blasting"),
        *(
            rules.TrainingCompleted(on=on, level=lv, hours=hours, session_id=lv)
            for lv in ("factory", "workshop", "team")
        ),
        rules.ExamTaken(on=on, kind="qualification", passed=True, score=92, attempt_id="1", post="welding"),
        rules.ExamTaken(on=on, kind="qualification", passed=True, score=90, attempt_id="2", post="blasting"),
    ]


def test_the_high_risk_hours_apply_in_a_high_risk_enterprise_or_on_a_high_risk_post():
    assert [rules.is_high_risk(e, r) for e, r in ((False, "normal"), (False, "high"), (True, "normal"))] == [
        False,
        True,
        True,
    ]


def test_two_posts_owe_the_high_risk_posts_pre_job_72_hours_in_the_year_of_hire_counted_once():
    events = hired_on_two_posts(date(2024, 3, 1), hours=8)
    owed = records.hours_owed_over_posts(events, POLICY, year=2024, today=date(2024, 12, 1), posts=TWO_POSTS)
    assert [(ln.kind, ln.required, ln.recorded, ln.short) for ln in owed.lines] == [("prejob", 72, 24, 48)]
    assert owed.post == "blasting"  # the post that decides: counted under it in the coverage table


def test_two_posts_owe_the_high_risk_posts_20_annual_hours_and_the_periodic_hours_count_once():
    events = hired_on_two_posts(date(2024, 3, 1), hours=24) + [
        rules.TrainingCompleted(on=date(2025, 5, 1), level="periodic", hours=5, session_id="p1"),
    ]
    owed = records.hours_owed_over_posts(events, POLICY, year=2025, today=date(2025, 6, 1), posts=TWO_POSTS)
    assert [(ln.kind, ln.required, ln.recorded, ln.short) for ln in owed.lines] == [("annual", 20, 5, 15)]
    # whatever order the posts come in
    reverse = records.hours_owed_over_posts(
        events, POLICY, year=2025, today=date(2025, 6, 1), posts=TWO_POSTS[::-1]
    )
    assert (reverse.lines, reverse.post) == (owed.lines, owed.post)
    # the first post alone (what was computed before) asks 8: the shortfall of 15 would read as 3
    first_only = records.hours_owed(events, POLICY, year=2025, today=date(2025, 6, 1), post="welding")
    assert first_only.short == 3


def test_hours_tied_to_one_post_leave_the_other_post_short_and_that_shortfall_is_owed():
    """Off-duty hours for a 三违 on one post do not serve a case on the other: per kind, the post short by the
    most decides."""
    events = hired_on_two_posts(date(2024, 3, 1), hours=24) + [
        rules.ViolationRecorded(on=date(2025, 4, 2), category="违章作业", post="welding"),
        rules.TrainingCompleted(
            on=date(2025, 4, 3), level="offduty", hours=8, session_id="o1", post="welding"
        ),
        rules.ViolationRecorded(on=date(2025, 4, 9), category="违章指挥", post="blasting"),
        rules.TrainingCompleted(
            on=date(2025, 4, 10), level="offduty", hours=2, session_id="o2", post="blasting"
        ),
    ]
    owed = records.hours_owed_over_posts(events, POLICY, year=2025, today=date(2025, 5, 1), posts=TWO_POSTS)
    off = next(ln for ln in owed.lines if ln.kind == "offduty")
    assert (off.required, off.recorded, off.short) == (8, 2, 6)


def test_a_person_without_posts_owes_nothing():
    owed = records.hours_owed_over_posts(
        hired_and_trained(date(2024, 3, 1)), POLICY, year=2024, today=date(2024, 12, 1), posts=()
    )
    assert (owed.post, owed.lines) == ("", ())
