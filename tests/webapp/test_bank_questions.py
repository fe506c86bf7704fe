"""Browsing, editing and retiring questions; blueprints checked against the bank; exam numbers."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from quizbank.blueprints import blueprint_to_dict, default_blueprint
from tests.webapp.bank_builders import bank_rows, bank_world, publish_drafts, xlsx
from tests.webapp.base_builders import make_department, make_org, make_person, make_post, make_user
from tests.webapp.builders import fresh, make_attempt, make_exam
from webapp.bank.models import Blueprint as BlueprintRow
from webapp.bank.models import Question, QuestionSet
from webapp.bank.paper_rules import blueprint_for
from webapp.bank.sets import bank_rows as live_rows
from webapp.exams import service as exams

MARCH_1, MARCH_9 = datetime(2025, 3, 1, tzinfo=UTC), datetime(2025, 3, 9, tzinfo=UTC)


@pytest.fixture
def org(db):
    return bank_world(db)


@pytest.fixture
def own(client, db, org):
    """The trainer's imported set (2 single + 1 true/false for 电焊工), committed through the pages."""
    client.sign_in("trainer")
    r = client.post(
        "/bank/import",
        data={
            "file": (io.BytesIO(xlsx(bank_rows(2, bad=False))), "b.xlsx"),
            "part": "professional",
            "post": "welding",
        },
        content_type="multipart/form-data",
    )
    client.post(f"/bank/import/{r.location.rsplit('/', 1)[1]}/commit")
    publish_drafts(db, org.id)
    fresh(db)
    return db.scalars(select(Question).where(Question.organisation_id == org.id).order_by(Question.id)).all()


def stems(client, **query) -> list[str]:
    html = client.get("/bank/questions", query_string=query).get_data(as_text=True)
    return re.findall(r'<div class="stem">([^<]*)</div>', html)


def test_browse_filters_by_set_type_tag_difficulty_and_stem_text(client, own):
    assert stems(client, set=own[0].set_id) == ["单选题干 1", "单选题干 2", "高处作业必须系安全带。"]
    assert stems(client, set=own[0].set_id, type="truefalse") == ["高处作业必须系安全带。"]
    assert stems(client, tag="动火") == ["单选题干 1", "单选题干 2"]
    assert stems(client, q="单选题干 2") == ["单选题干 2"]
    assert "单选题干 1" not in stems(client, difficulty=5)
    assert len(stems(client, post="welding", part="professional")) > 3  # the built-in set too


def test_browse_is_paginated(client, org):
    client.sign_in("trainer")
    html = client.get("/bank/questions").get_data(as_text=True)
    assert "第 1 / 2 页" in html  # 60 built-in questions, 50 a page
    assert len(stems(client, page=2)) == 10


def test_retired_question_is_never_drawn_again_but_old_papers_keep_it(client, db, org, own):
    weld = db.scalar(select(QuestionSet).where(QuestionSet.id == own[0].set_id)).post_codes[0]
    post = make_post(db, weld)
    person = make_person(db, org, "张三", "E1", posts=[post])
    rows = [r for r in live_rows(db, weld, org.id) if r.id == own[2].id]
    bp = default_blueprint("practice").__class__(
        kind="practice",
        title="t",
        cells=(default_blueprint("practice").cells[0].__class__("truefalse", "professional", 1),),
    )
    attempt = exams._new_attempt(
        db,
        person=person,
        post=post,
        kind="practice",
        blueprint=bp,
        rows=rows,
        now=datetime.now(UTC),
        started_by=None,
    )
    db.commit()
    r = client.post(f"/bank/questions/{own[2].id}/retire")
    assert r.status_code == 302
    fresh(db)
    assert own[2].id not in {q.id for q in live_rows(db, weld, org.id)}
    paper = exams.paper_of(db, db.get(type(attempt), attempt.id))
    assert [q.question.stem for q in paper.questions] == ["高处作业必须系安全带。"]
    assert "高处作业必须系安全带。" in stems(client, status="retired")
    client.post(f"/bank/questions/{own[2].id}/restore")
    fresh(db)
    assert own[2].id in {q.id for q in live_rows(db, weld, org.id)}


def test_edit_saves_a_new_revision_and_retires_the_old_text(client, db, own):
    r = client.post(
        f"/bank/questions/{own[0].id}",
        data={
            "type": "single",
            "stem": "改过的题干",
            "options": "甲\n乙\n丙",
            "answer": "C",
            "difficulty": "4",
            "tags": "动火，新",
            "section": "",
            "explanation": "",
        },
    )
    assert r.status_code == 302
    fresh(db)
    old = db.get(Question, own[0].id)
    new = db.scalar(select(Question).where(Question.stem == "改过的题干"))
    assert old.retired_at is not None and old.stem == "单选题干 1"
    assert (new.options, new.answer, new.tags, new.ext_id) == (
        ["甲", "乙", "丙"],
        [2],
        ["动火", "新"],
        old.ext_id + "~r2",
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"type": "single", "options": "甲\n乙", "answer": "AB"}, "单选题只能有一个答案"),
        ({"type": "multiple", "options": "甲\n乙\n丙", "answer": "A"}, "多选题至少要有两个答案"),
        ({"type": "single", "options": "甲\n乙", "answer": "D"}, "超出了选项范围"),
        ({"type": "single", "options": "甲\n甲", "answer": "A"}, "有两个选项相同"),
        ({"type": "single", "options": "甲\n乙", "answer": "?"}, "不是选项字母"),
    ],
)
def test_edit_is_validated_like_the_core(client, db, own, fields, message):
    data = {"stem": "题干", "difficulty": "3", **fields}
    r = client.post(f"/bank/questions/{own[0].id}", data=data)
    assert r.status_code == 400 and message in r.get_data(as_text=True)
    fresh(db)
    assert db.get(Question, own[0].id).retired_at is None


def test_built_in_questions_are_read_only(client, db, org):
    client.sign_in("trainer")
    builtin = db.scalar(select(Question).where(Question.organisation_id.is_(None)))
    page = client.get(f"/bank/questions/{builtin.id}").get_data(as_text=True)
    assert "只读" in page and "<textarea" not in page
    assert client.post(f"/bank/questions/{builtin.id}/retire").status_code == 403
    assert client.post(f"/bank/questions/{builtin.id}", data={"stem": "x"}).status_code == 403
    fresh(db)
    assert db.get(Question, builtin.id).retired_at is None


def test_another_organisations_questions_are_404(app, db, own):
    other = make_org(db, "乙企业")
    make_user(db, other, "outsider", ("trainer",))
    db.commit()
    client = app.test_client()
    client.sign_in("outsider")
    assert client.get(f"/bank/questions/{own[0].id}").status_code == 404
    assert client.post(f"/bank/questions/{own[0].id}/retire").status_code == 404
    assert "单选题干" not in " ".join(stems(client, q="单选题干"))


def _blueprint_form(count: int) -> dict:
    return {
        "title": "逢查必考",
        "time_limit_minutes": "10",
        "pass_percent": "80",
        "multiple_scoring": "all_or_nothing",
        "cell-0-type": "truefalse",
        "cell-0-part": "professional",
        "cell-0-count": str(count),
        "cell-0-difficulties": "",
        "cell-1-type": "single",
        "cell-1-part": "general",
        "cell-1-count": "2",
        "cell-1-difficulties": "",
        "points-single": "10",
        "points-multiple": "10",
        "points-truefalse": "10",
        "required_tags": "",
        "action": "save",
    }


def test_an_unsatisfiable_blueprint_is_refused_naming_the_short_cell(client, db, org):
    client.sign_in("trainer")
    r = client.post("/bank/blueprints/welding/spot", data=_blueprint_form(25))
    html = r.get_data(as_text=True)
    assert r.status_code == 400 and "不能保存" in html
    assert "差 15 道（有 10）" in html  # 10 professional true/false questions in the bank
    fresh(db)
    assert db.scalar(select(BlueprintRow)) is None


def test_a_saved_blueprint_is_what_exams_are_scheduled_with(client, db, org):
    client.sign_in("trainer")
    assert client.post("/bank/blueprints/welding/spot", data=_blueprint_form(3)).status_code == 302
    fresh(db)
    post = make_post(db, "welding")
    spec = blueprint_for(db, org.id, post, "spot")
    assert spec.question_count == 5 and spec.time_limit_minutes == 10
    exam = make_exam(db, org, post, kind="spot", opens_at=MARCH_1, closes_at=MARCH_9)
    assert exam.blueprint == blueprint_to_dict(spec)
    db.commit()
    r = client.post("/bank/blueprints/welding/spot", data={**_blueprint_form(3), "action": "reset"})
    assert r.status_code == 302
    fresh(db)
    assert blueprint_for(db, org.id, post, "spot") == default_blueprint("spot")


def test_exam_list_counts_assigned_taken_and_passed(client, db, org):
    post = make_post(db, "welding")
    shop = make_department(db, org, "一车间")
    team = make_department(db, org, "一班", parent=shop)
    people = [
        make_person(db, org, n, n, department=d, posts=[post])
        for n, d in (("A", shop), ("B", team), ("C", None))
    ]
    exam = make_exam(
        db, org, post, title="三月定期考试", opens_at=MARCH_1, closes_at=MARCH_9, department=shop
    )
    for person, passed in ((people[0], False), (people[0], True), (people[1], False)):
        make_attempt(db, person, post, on="2025-03-02", passed=passed).exam_id = exam.id
    db.commit()
    client.sign_in("trainer")
    html = client.get("/bank/exams").get_data(as_text=True)
    row = re.search(r"三月定期考试.*?</tr>", html, re.S).group(0)
    assert re.findall(r'<td class="num">(\d+)</td>', row) == ["2", "2", "1"]


def test_the_question_list_names_sections_by_title_and_the_section_filter_offers_titles(client, org):
    client.sign_in("trainer")
    html = client.get("/bank/questions", query_string={"section": "g-1"}).get_data(as_text=True)
    meta = re.findall(r'<div class="meta">(.*?)</div>', html, re.S)
    assert meta and all("章节 安全生产法" in m and '<small class="muted">g-1</small>' in m for m in meta)
    assert "章节 g-1" not in html
    select_ = re.search(r'<select name="section">(.*?)</select>', html, re.S)
    assert select_, "the 章节 filter is a list of the handbooks' sections"
    assert re.search(r'<option value="g-1" selected>安全生产法（g-1）</option>', select_.group(1))
    assert '<option value="welding-1">操作规程（welding-1）</option>' in select_.group(1)
    assert '<optgroup label="通用知识（测试）' in select_.group(1)
    assert len(stems(client, section="welding-1")) == 30  # per_type=10 × 3 types, all in welding-1
