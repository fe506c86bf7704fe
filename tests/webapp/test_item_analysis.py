"""试题分析 agrees with an independent computation over attempts sat through the exam service: times drawn,
difficulty (share right), point-biserial discrimination, option pick shares, flags; the 班前会 list of the
most-missed questions and sections, its Excel export; the JSON API matches its OpenAPI."""

from __future__ import annotations

import io
import random
import statistics
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.webapp.base_builders import make_department, make_org, make_person, make_user
from tests.webapp.builders import make_exam, make_post_with_questions
from tests.webapp.test_api_contract import conforms
from webapp.analysis import service as analysis
from webapp.exams import service as exams
from webapp.exams.models import Attempt, Response

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


@pytest.fixture
def history(app, db, clock):
    """40 workers of two departments each sit a periodic exam; answers chosen at random, worse in 二车间,
    and question positions skewed so that scores spread."""
    org = make_org(db, "甲企业")
    post = make_post_with_questions(db, "welding", "电焊工", per_type=12)
    one, two = make_department(db, org, "一车间"), make_department(db, org, "二车间")
    make_user(db, org, "trainer", ("trainer",))
    rng = random.Random(7)
    with app.app_context():
        exam = make_exam(db, org, post, now=NOW, kind="periodic")
        for n in range(40):
            dept = one if n % 2 else two
            person = make_person(db, org, f"工人{n}", f"E{n:03d}", department=dept, posts=[post])
            attempt = exams.start_exam_attempt(db, person, exam, NOW, started_by=None)
            skill = 0.8 if dept is one else 0.35
            paper = {pq.question.id: pq for pq in exams.paper_of(db, attempt).questions}
            for entry in attempt.layout:
                if rng.random() < 0.1:
                    continue  # left unanswered
                pq = paper[entry["id"]]
                if rng.random() < skill:
                    choices = list(pq.answer)
                else:
                    k = 2 if entry["type"] == "multiple" else 1
                    choices = rng.sample(range(entry["n"]), k)
                exams.save_response(db, attempt, entry["id"], choices, NOW + timedelta(minutes=1))
            exams.submit(db, attempt, NOW + timedelta(minutes=5), by="deadline")
    db.commit()
    return org, post, one


def independent(db, org_id):
    """Per question row id, from the attempts' frozen layouts and the saved responses alone."""
    per = defaultdict(lambda: {"x": [], "y": [], "answered": 0, "picks": defaultdict(int)})
    for a in db.scalars(
        select(Attempt).where(Attempt.organisation_id == org_id, Attempt.submitted_at.is_not(None))
    ):
        saved = {r.question_id: r for r in db.scalars(select(Response).where(Response.attempt_id == a.id))}
        share = a.score / a.max_score
        for e in a.layout:
            r = saved.get(e["id"])
            d = per[e["pk"]]
            d["x"].append(1 if _right(e, r) else 0)
            d["y"].append(share)
            if r is not None and r.choices:
                d["answered"] += 1
                for position in r.choices:
                    d["picks"][e["order"][position]] += 1
    return per


def _right(entry: dict, response) -> bool:
    """Answered exactly the key frozen on the paper (positions as shown)."""
    return response is not None and sorted(set(response.choices)) == sorted(entry["key"])


def test_question_figures_agree_with_an_independent_computation(db, history):
    org, _post, _one = history
    stats = {st.question_pk: st for st in analysis.question_stats(db, org.id)}
    per = independent(db, org.id)
    assert set(stats) == set(per) and len(per) > 30
    for pk, d in per.items():
        st = stats[pk]
        n, right = len(d["x"]), sum(d["x"])
        assert (st.drawn, st.right, st.answered) == (n, right, d["answered"])
        assert st.difficulty == pytest.approx(right / n)
        if 0 < right < n:
            assert st.discrimination == pytest.approx(statistics.correlation(d["x"], d["y"]), abs=1e-9)
        else:
            assert st.discrimination is None
        if st.type != "truefalse":
            expected = [
                d["picks"][k] / d["answered"] if d["answered"] else 0.0 for k in range(len(st.options))
            ]
            assert list(st.option_shares) == pytest.approx(expected)
        flags = set()
        if n >= analysis.MIN_FOR_FLAGS and right == 0:
            flags.add("nobody_right")
        if (
            n >= analysis.MIN_FOR_FLAGS
            and 0 < right < n
            and statistics.correlation(d["x"], d["y"]) < -analysis.ROUNDING
        ):
            flags.add("negative_discrimination")
        assert set(st.flags) == flags


def test_the_briefing_lists_the_most_missed_questions_and_sections_of_a_department(db, history):
    org, post, one = history
    questions, sections = analysis.briefing(
        db, org.id, post_id=post.id, department_id=one.id, since=NOW - timedelta(days=30)
    )
    wrong: dict[int, int] = defaultdict(int)
    for a in db.scalars(select(Attempt).join(Attempt.person).where(Attempt.person.has(department_id=one.id))):
        saved = {r.question_id: r for r in db.scalars(select(Response).where(Response.attempt_id == a.id))}
        for e in a.layout:
            wrong[e["pk"]] += not _right(e, saved.get(e["id"]))
    top = sorted(((-w, pk) for pk, w in wrong.items() if w), key=lambda t: t)[:10]
    assert [m.wrong for m in questions] == [-w for w, _ in top]
    assert sections and sum(m.wrong for m in sections) == sum(wrong.values())
    later = analysis.briefing(
        db, org.id, post_id=post.id, department_id=one.id, since=NOW + timedelta(days=1)
    )
    assert later == ([], [])


def test_the_briefing_exports_to_excel(client, db, history):
    client.sign_in("trainer")
    r = client.get("/analysis/briefing.xlsx", query_string={"post": "welding", "from": "2026-11-01"})
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.data))
    rows = list(wb["易错题"].iter_rows(values_only=True))
    assert rows[0] == ("题目", "作答次数", "答错次数", "答错率%") and len(rows) > 5
    page = client.get("/analysis", query_string={"post": "welding", "from": "2026-11-01"}).get_data(
        as_text=True
    )
    assert "每题统计" in page and "区分度" in page


def test_the_analysis_api_matches_its_openapi(client, db, history):
    client.sign_in("trainer")
    doc = client.get("/api/v1/openapi.json").get_json()
    r = client.get("/api/v1/analysis/questions", query_string={"post": "welding"})
    assert r.status_code == 200 and len(r.get_json()["questions"]) > 30
    conforms(doc, "/api/v1/analysis/questions", "get", r)
    r = client.get("/api/v1/analysis/briefing", query_string={"post": "welding", "from": "2026-11-01"})
    conforms(doc, "/api/v1/analysis/briefing", "get", r)
    assert r.get_json()["questions"]
    r = client.get("/api/v1/analysis/questions", query_string={"post": "nope"})
    conforms(doc, "/api/v1/analysis/questions", "get", r)
    assert r.status_code == 404


def test_the_register_api_matches_its_openapi(client, db, history):
    client.sign_in("trainer")
    doc = client.get("/api/v1/openapi.json").get_json()
    r = client.get("/api/v1/laws")
    conforms(doc, "/api/v1/laws", "get", r)
    assert any(e["key"] == "GB 2894-2025" for e in r.get_json()["entries"])
    r = client.post(
        "/api/v1/laws", json={"key": "GB 2894-2025", "status": "已废止", "withdrawn": "2026-12-01"}
    )
    conforms(doc, "/api/v1/laws", "post", r)
    assert r.get_json()["origin"] == "changed"
    r = client.post("/api/v1/laws", json={"title": ""})
    conforms(doc, "/api/v1/laws", "post", r)
    r = client.get("/api/v1/laws/review")
    conforms(doc, "/api/v1/laws/review", "get", r)


def test_a_worker_reads_no_analysis(client, db, history):
    org, post, _ = history
    person = make_person(db, org, "旁观者", "X1", posts=[post])
    make_user(db, org, "w1", ("worker",), person=person)
    db.commit()
    client.sign_in("w1")
    assert client.get("/api/v1/analysis/questions").status_code == 403
    assert client.get("/api/v1/laws").status_code == 403
