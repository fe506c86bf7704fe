"""The regulator's overview (辖区总览): its figures agree with an independent count over generated data; it
covers the jurisdiction's enterprises only; people are listed only where the rules allow; the Excel export
carries the same figures."""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from tests.webapp.base_builders import make_department, make_org, make_post, make_user, make_worker
from tests.webapp.jurisdiction_builders import WITH_HANDBOOK, Generated, generate
from tests.webapp.platform_builders import make_regulator
from webapp.oversight.service import EXPIRING_DAYS, RETRAINING_OVERDUE_DAYS, Period, overview

TODAY = date(2025, 3, 3)  # the test clock's day
COUNTED = {"qualification", "periodic", "spot", "makeup", "retraining"}


def expected(gen: Generated, period: Period, today: date) -> dict[int, dict]:
    """The overview's figures computed in plain Python from the generated rows."""
    active = {p["id"]: p for p in gen.people if p["active"]}
    out = {e: defaultdict(int) for e in gen.enterprises}
    for p in active.values():
        out[p["organisation_id"]]["workers"] += 1
    examined = defaultdict(set)
    for a in gen.attempts:
        day = a["submitted_at"].date()
        if (
            a["person_id"] not in active
            or a["kind"] not in COUNTED
            or not (period.start <= day <= period.end)
        ):
            continue
        f = out[a["organisation_id"]]
        examined[a["organisation_id"]].add(a["person_id"])
        f["attempts"] += 1
        f["attempts_passed"] += a["passed"]
        if a["inspection_id"] is not None:
            f["spot_tests"] += 1
            f["spot_passed"] += a["passed"]
    for org, people in examined.items():
        out[org]["examined"] = len(people)
    for finding in gen.findings:
        if period.start <= finding["recorded_at"].date() <= period.end:
            out[finding["organisation_id"]]["violations"] += 1
    last_block, last_release = {}, {}
    for e in gen.events:
        book = last_release if e["kind"] == "certificate_reinstated" else last_block
        book[e["person_id"]] = max(book.get(e["person_id"], e["recorded_at"]), e["recorded_at"])
    for a in gen.attempts:
        if a["kind"] == "retraining" and a["passed"]:
            last_release[a["person_id"]] = max(
                last_release.get(a["person_id"], a["submitted_at"]), a["submitted_at"]
            )
    for pid, blocked in last_block.items():
        if pid in active and (pid not in last_release or last_release[pid] < blocked):
            f = out[active[pid]["organisation_id"]]
            f["barred"] += 1
            f["retraining_overdue"] += blocked.date() < today - timedelta(days=RETRAINING_OVERDUE_DAYS)
    overdue = defaultdict(set)
    for a in gen.attempts:
        if a["person_id"] not in active or a["kind"] not in ("spot", "periodic") or a["passed"]:
            continue
        if a["submitted_at"].date() >= today - timedelta(days=7):
            continue
        later = [
            b for b in gen.attempts
            if b["person_id"] == a["person_id"] and b["post_id"] == a["post_id"]
            and b["submitted_at"] > a["submitted_at"] and b["kind"] != "practice"
        ]  # fmt: skip
        if not later:
            overdue[a["organisation_id"]].add(a["person_id"])
    for org, people in overdue.items():
        out[org]["makeups_overdue"] = len(people)
    horizon = today + timedelta(days=EXPIRING_DAYS)
    for c in gen.specials:
        if c["person_id"] in active and (c["expires_on"] <= horizon or c["review_due"] <= horizon):
            out[c["organisation_id"]]["certs_expiring"] += 1
    for i in gen.inspections:
        out[i["organisation_id"]]["open_inspections"] += i["closed_at"] is None
    posts = defaultdict(lambda: defaultdict(int))
    for p in active.values():
        posts[p["organisation_id"]][p["post_code"]] += 1
    for org, counts in posts.items():
        out[org]["posts"] = {code: (n, code in WITH_HANDBOOK) for code, n in counts.items()}
    return {org: dict(f) for org, f in out.items()}


FIELDS = (
    "workers", "examined", "attempts", "attempts_passed", "spot_tests", "spot_passed", "violations", "barred",
    "retraining_overdue", "makeups_overdue", "certs_expiring", "open_inspections",
)  # fmt: skip


@pytest.fixture
def jurisdiction(app, db) -> dict:
    regulator = make_regulator(db, "开发区应急管理局")
    make_user(db, regulator, "staff", ("regulator",))
    gen = generate(db, regulator, 4, 60, TODAY)
    outside = make_org(db, "辖区外企业")
    post = make_post(db, "outside-post", "辖区外岗位")
    make_worker(db, outside, "outside-w", post, department=make_department(db, outside, "外车间"))
    db.commit()
    return {"gen": gen, "outside": outside.id, "regulator": regulator.id}


@pytest.mark.parametrize(
    "period", [Period(date(2025, 1, 1), TODAY), Period(date(2024, 3, 1), date(2024, 12, 31))]
)
def test_the_overview_agrees_with_an_independent_count(db, jurisdiction, period):
    gen = jurisdiction["gen"]
    want = expected(gen, period, TODAY)
    got = {f.id: f for f in overview(db, gen.enterprises, period, TODAY)}
    assert set(got) == set(gen.enterprises)
    for org, figures in want.items():
        f = got[org]
        assert {k: getattr(f, k) for k in FIELDS} == {k: figures.get(k, 0) for k in FIELDS}, f.name
        posts = {p.code: (p.people, p.handbook is not None) for p in f.posts}
        assert posts == figures["posts"]
    assert (
        sum(f["barred"] for f in want.values()) > 0 and sum(f["makeups_overdue"] for f in want.values()) > 0
    )


def test_the_staff_see_their_jurisdiction_only_and_its_people_where_it_covers_them(app, db, jurisdiction):
    staff = app.test_client()
    staff.sign_in("staff")
    page = staff.get("/oversight/").get_data(as_text=True)
    assert "生成企业000" in page and "辖区外企业" not in page
    assert "没有应知应会手册" in page  # gen-confined has people and no handbook
    first = jurisdiction["gen"].enterprises[0]
    detail = staff.get(f"/oversight/enterprises/{first}").get_data(as_text=True)
    assert 'id="people"' in detail and "G000" in detail
    assert staff.get(f"/oversight/enterprises/{jurisdiction['outside']}").status_code == 404


def test_an_ended_jurisdiction_shows_no_more_people(app, db, jurisdiction):
    from webapp.org.models import Jurisdiction

    first = jurisdiction["gen"].enterprises[0]
    row = db.query(Jurisdiction).filter_by(enterprise_id=first).one()
    row.ends_on = TODAY - timedelta(days=1)
    db.commit()
    staff = app.test_client()
    staff.sign_in("staff")
    assert staff.get(f"/oversight/enterprises/{first}").status_code == 404
    assert "生成企业000" not in staff.get("/oversight/").get_data(as_text=True)


def test_the_excel_export_carries_the_pages_figures(app, db, jurisdiction):
    staff = app.test_client()
    staff.sign_in("staff")
    r = staff.get("/oversight/overview.xlsx?from=2025-01-01&to=2025-03-03")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.data))
    rows = list(wb["辖区总览"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert [row[0] for row in body] == sorted(f"生成企业{i:03d}" for i in range(4))
    want = expected(jurisdiction["gen"], Period(date(2025, 1, 1), TODAY), TODAY)
    by_name = {f"生成企业{i:03d}": want[org] for i, org in enumerate(jurisdiction["gen"].enterprises)}
    for row in body:
        assert row[header.index("三违")] == by_name[row[0]].get("violations", 0)
        assert row[header.index("参考人数")] == by_name[row[0]].get("examined", 0)
    assert {"建议检查", "手册", "说明"} <= set(wb.sheetnames)


def test_an_enterprise_named_like_a_formula_stays_text_in_the_export(app, db, jurisdiction):
    from webapp.org.models import Organisation

    db.get(Organisation, jurisdiction["gen"].enterprises[0]).name = '=HYPERLINK("http://x")'
    db.commit()
    staff = app.test_client()
    staff.sign_in("staff")
    wb = load_workbook(io.BytesIO(staff.get("/oversight/overview.xlsx").data))
    names = [row[0] for row in wb["辖区总览"].iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("http://x")' in names


def test_the_api_gives_the_pages_figures_to_staff_only(app, db, jurisdiction):
    staff = app.test_client()
    staff.sign_in("staff")
    body = staff.get("/api/v1/oversight/enterprises?from=2025-01-01&to=2025-03-03").get_json()
    want = expected(jurisdiction["gen"], Period(date(2025, 1, 1), TODAY), TODAY)
    got = {e["id"]: e for e in body["enterprises"]}
    assert set(got) == set(want)
    assert all(got[org]["violations"] == want[org].get("violations", 0) for org in want)
    assert body["visits"] and all(v["reasons"] for v in body["visits"])
    assert staff.get("/api/v1/oversight/enterprises?from=2025-13-01").status_code == 400
    worker = app.test_client()
    worker.sign_in("outside-w")
    assert worker.get("/api/v1/oversight/enterprises").status_code == 403
