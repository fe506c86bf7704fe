"""The 法规标准库: marking a text replaced flags exactly the questions and sections that cite it (待复核); with
the withhold policy on, spot tests hold none of them until a trainer re-confirms; every change is logged."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from quizbank import model
from tests.webapp.base_builders import core_questions, make_org, make_person, make_post, make_user
from tests.webapp.builders import fresh
from webapp.admin.models import AuditEntry
from webapp.bank.sets import load_question_set
from webapp.exams import service as exams
from webapp.org.models import Organisation

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
CITING = ("h-cite-1", "h-cite-2", "h-cite-3", "h-cite-4")  # cite GB/T 3608-2008
OTHERS = ("h-undated", "h-law", "h-other-year")


def height_set() -> model.QuestionSet:
    """高处作业 with four questions citing GB/T 3608-2008, three that do not (an undated reference means the
    edition in force; a law; another year's edition), a section citing it and one that does not; plus plain
    questions to fill a spot test."""
    fill = core_questions("wah", "professional", "wah-1", {"single": 10, "multiple": 4, "truefalse": 2})
    cites = [
        model.Question(
            id=qid,
            type="truefalse",
            stem=stem,
            options=model.TRUE_FALSE_OPTIONS,
            answer=(0,),
            section="wah-1",
            part="professional",
            basis=basis,
        )
        for qid, stem, basis in zip(
            CITING + OTHERS,
            [
                "坠落高度基准面2米以上有可能坠落的高处进行的作业称为高处作业。",
                "作业高度在15米至30米时属于三级高处作业。",
                "可能坠落范围半径随作业高度增加而增大。",
                "存在阵风风力五级以上的情况属于直接引起坠落的客观危险因素。",
                "强风天气下的高处作业称为强风高处作业。",
                "生产经营单位应当对实习学生进行安全生产教育和培训。",
                "雪天在户外进行的高处作业称为雨雪天高处作业。",
            ],
            [
                "GB/T 3608-2008 3.1",
                "GB/T 3608—2008《高处作业分级》4.2",
                "《安全生产法》第二十八条；GB/T 3608-2008 5",
                "ＧＢ／Ｔ ３６０８－２００８ 附录A",
                "GB/T 3608 3.1",
                "《安全生产法》第二十八条",
                "GB/T 3608-1993",
            ],
            strict=True,
        )
    ]
    post = model.Post(code="work_at_height", name="高处作业")
    return model.QuestionSet(
        id="test-height",
        title="高处作业（测试）",
        version="1.0",
        posts=(post,),
        handbook=model.Handbook(
            title="高处作业",
            version="1.0",
            post="work_at_height",
            sections=(
                model.Section("wah-1", "高处作业分级", "professional", "按 GB/T 3608-2008 划分为四级。"),
                model.Section("wah-2", "安全带", "professional", "安全带应高挂低用。"),
            ),
        ),
        questions=tuple(fill + cites),
    )


@pytest.fixture
def org(db):
    org = make_org(db, "甲企业")
    from tests.webapp.base_builders import make_question_sets

    make_question_sets(db, "work_at_height", "高处作业", per_type=10)
    load_question_set(db, height_set())
    make_user(db, org, "trainer", ("trainer",))
    db.commit()
    return org


def register(client, **entry):
    r = client.post("/api/v1/laws", json=entry)
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.get_json()


def mark_replaced(client, *, registered: bool = False):
    if not registered:
        register(client, number="GB/T 3608-2008", title="高处作业分级", issuer="国家质检总局")
    register(client, number="GB/T 3608-2026", title="高处作业分级", effective="2026-11-01")
    return register(
        client, key="GB/T 3608-2008", status="被替代", withdrawn="2026-11-01", replaced_by="GB/T 3608-2026"
    )


def flagged_subjects(client) -> list[tuple[str, str]]:
    r = client.get("/api/v1/laws/review")
    assert r.status_code == 200
    return sorted(
        (f["kind"], f["subject"]) for f in r.get_json()["flagged"] if f["entry"] == "GB/T 3608-2008"
    )


def test_marking_gbt_3608_2008_replaced_flags_exactly_the_questions_and_sections_citing_it(client, db, org):
    client.sign_in("trainer")
    register(client, number="GB/T 3608-2008", title="高处作业分级")
    assert flagged_subjects(client) == []
    entry = mark_replaced(client, registered=True)
    assert (entry["status"], entry["replaced_by"], entry["withdrawn"]) == (
        "被替代",
        "GB/T 3608-2026",
        "2026-11-01",
    )
    assert flagged_subjects(client) == sorted([("question", q) for q in CITING] + [("section", "wah-1")])
    html = client.get("/laws/review").get_data(as_text=True)
    assert html.count("现行为 GB/T 3608-2026《高处作业分级》") == 5  # each flagged row names what replaced it
    changes = db.scalars(select(AuditEntry).where(AuditEntry.action == "law_entry_changed")).all()
    assert len(changes) == 3


def test_a_replacement_must_be_in_the_register_and_nothing_is_written_otherwise(client, db, org):
    client.sign_in("trainer")
    register(client, number="GB/T 3608-2008", title="高处作业分级")
    r = client.post(
        "/api/v1/laws", json={"key": "GB/T 3608-2008", "status": "被替代", "replaced_by": "GB/T 9999-2030"}
    )
    assert r.status_code == 400 and "GB/T 9999-2030" in r.get_json()["error"]["message"]
    r = client.post("/api/v1/laws", json={"number": "GB 1-2020", "title": "x", "effective": "2020-13-01"})
    assert r.status_code == 400 and "施行日期" in r.get_json()["error"]["message"]
    entries = {e["key"]: e for e in client.get("/api/v1/laws").get_json()["entries"]}
    assert entries["GB/T 3608-2008"]["status"] == "现行" and "GB 1-2020" not in entries


def _spot_ids(app, db, org, n: int) -> list[set[str]]:
    post = make_post(db, "work_at_height", "高处作业")
    person = make_person(db, org, "王五", f"E{datetime.now().microsecond}", posts=[post])
    papers = []
    with app.app_context():
        for _ in range(n):
            attempt = exams.start_spot_attempt(db, person, post, NOW, started_by=None, inspection_id=None)
            papers.append({e["id"] for e in attempt.layout})
            db.delete(attempt)
            db.flush()
    db.rollback()
    return papers


def test_with_the_withhold_policy_a_spot_test_drawn_afterwards_holds_none_of_them(app, client, db, org):
    client.sign_in("trainer")
    before = _spot_ids(app, db, org, 30)
    assert any(ids & set(CITING) for ids in before), "the citing questions are drawn before the change"
    mark_replaced(client)
    fresh(db)
    db.get(Organisation, org.id).policy = {"withhold_flagged_questions": True}
    db.commit()
    after = _spot_ids(app, db, org, 60)
    assert not any(ids & set(CITING) for ids in after)
    assert any(ids & set(OTHERS) for ids in after), "questions citing other texts are still drawn"


def test_without_the_policy_flagged_questions_are_still_drawn(app, client, db, org):
    client.sign_in("trainer")
    mark_replaced(client)
    fresh(db)
    assert any(ids & set(CITING) for ids in _spot_ids(app, db, org, 30))


def test_a_reconfirmed_question_is_drawn_again_and_the_reason_is_logged(app, client, db, org):
    client.sign_in("trainer")
    mark_replaced(client)
    fresh(db)
    db.get(Organisation, org.id).policy = {"withhold_flagged_questions": True}
    db.commit()
    html = client.get("/laws/review").get_data(as_text=True)
    from tests.webapp.base_builders import form_token

    r = client.post(
        "/laws/review/confirm",
        data={"csrf_token": form_token(html), "subject": "h-cite-1", "reason": "新版分级未改变本题所考内容"},
    )
    assert r.status_code == 302
    assert ("question", "h-cite-1") not in flagged_subjects(client)
    fresh(db)
    drawn = set().union(*_spot_ids(app, db, org, 60))
    assert "h-cite-1" in drawn and not drawn & set(CITING[1:])
    audit = db.scalar(select(AuditEntry).where(AuditEntry.action == "question_reconfirmed"))
    assert (audit.target, audit.data["reason"]) == ("h-cite-1", "新版分级未改变本题所考内容")


def test_a_register_entry_whose_fields_are_not_text_is_refused_and_nothing_is_written(app, db):
    from tests.webapp.base_builders import make_org, make_user
    from tests.webapp.builders import signed_in
    from webapp.laws.models import LawEntryRow

    org = make_org(db, "字段企业")
    make_user(db, org, "t1", ("trainer",))
    db.commit()
    client = signed_in(app, "t1")
    for body in (
        {"title": ["安全生产法"]},
        {"title": "某规范", "number": 7},
        {"key": ["x"], "title": "某规范"},
    ):
        r = client.post("/api/v1/laws", json=body)
        assert r.status_code == 400, (body, r.get_data(as_text=True))
        assert r.get_json()["error"]["code"] == "bad_field"
    db.rollback()
    assert db.query(LawEntryRow).filter_by(organisation_id=org.id).count() == 0
