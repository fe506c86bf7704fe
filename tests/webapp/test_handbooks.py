"""The enterprise's handbooks: drafts from Word or Markdown, edited and published as numbered versions with
修订记录 and diffs; questions cite the version they were written for; workers read and acknowledge; bad
files are refused naming the place and change nothing."""

from __future__ import annotations

import io
import subprocess

import pytest
from sqlalchemy import select

from tests.webapp.handbook_builders import (
    PV_SECTIONS,
    docx_bytes,
    enterprise,
    import_post_questions,
    worker_of,
)
from webapp.bank.models import Question
from webapp.handbooks.models import Acknowledgement, HandbookVersion, SectionOpened
from webapp.org.models import Post

PV = {"code": "pv", "name": "压力容器操作", "risk": "high", "certificate": "special_equipment"}


@pytest.fixture
def e(app, db):
    world = enterprise(db)
    t = app.test_client()
    t.sign_in("a-trainer")
    assert t.post("/api/v1/posts", json=PV).status_code == 201
    world["client"] = t
    world["post"] = db.scalar(select(Post).where(Post.code == "pv"))
    db.commit()  # end the read snapshot
    return world


def _upload(client, data: bytes, name: str, code: str = "pv"):
    return client.post(f"/handbooks/{code}/import", data={"file": (io.BytesIO(data), name)})


def _draft(client, code: str = "pv") -> list[dict]:
    return client.get(f"/api/v1/handbooks/{code}/draft").get_json()["sections"]


def test_a_word_document_becomes_the_draft_headings_as_sections(e):
    t = e["client"]
    r = _upload(t, docx_bytes("压力容器操作手册", PV_SECTIONS), "手册.docx")
    assert r.status_code == 302, r.get_data(True)
    draft = _draft(t)
    assert [d["title"] for d in draft] == [title for title, _ in PV_SECTIONS]
    assert "安全阀" in draft[1]["body"] and len({d["id"] for d in draft}) == 3


def test_a_word_document_without_headings_is_refused_and_the_draft_kept(e):
    t = e["client"]
    _upload(t, docx_bytes("手册", PV_SECTIONS), "手册.docx")
    before = _draft(t)
    r = _upload(t, docx_bytes("手册", PV_SECTIONS, headings=False), "无标题.docx")
    assert r.status_code == 400
    assert "无标题.docx：文档中没有标题" in r.get_data(True)
    assert _draft(t) == before


def test_markdown_with_a_duplicate_section_id_is_refused_naming_the_line(e):
    text = "# 专业知识\n\n## 安全阀 {#valve}\n\n正文\n\n## 压力表 {#valve}\n\n正文\n"
    r = _upload(e["client"], text.encode(), "pv.md")
    assert r.status_code == 400
    assert "pv.md:7：章节编号 valve 重复（第 3 行已用）" in r.get_data(True)
    assert _draft(e["client"]) == []


def test_a_file_over_the_cap_is_refused(e, monkeypatch):
    from webapp.handbooks.service import drafts

    monkeypatch.setattr(drafts, "MAX_FILE_BYTES", 1000)
    r = _upload(e["client"], b"## x\n" + b"a" * 2000, "big.md")
    assert r.status_code == 413 and "big.md：文件" in r.get_data(True) and "超过上限" in r.get_data(True)
    assert _draft(e["client"]) == []


def test_publishing_freezes_numbered_versions_with_a_revision_record_and_a_diff(e, db):
    t = e["client"]
    _upload(t, docx_bytes("手册", PV_SECTIONS), "手册.docx")
    assert t.post("/api/v1/handbooks/pv/publish", json={}).get_json()["number"] == 1
    draft = _draft(t)
    sid = draft[1]["id"]
    t.post(f"/handbooks/pv/sections/{sid}", data={"title": "安全附件", "body": "安全阀应每年校验一次。"})
    assert t.post("/handbooks/pv/publish", data={"note": "安全附件改为校验要求"}).status_code == 302
    body = t.get("/api/v1/handbooks/pv").get_json()
    assert [(v["number"], v["note"], v["published_by"]) for v in body["versions"]] == [
        (1, "初版", "王培训"),
        (2, "安全附件改为校验要求", "王培训"),
    ]
    assert body["versions"][1]["changes"]["changed"] == [sid]
    page = t.get("/handbooks/pv/versions/2").get_data(True)
    assert "修改：安全附件" in page and "+ 安全阀应每年校验一次。" in page and "- 压力表应定期检定。" in page
    # the frozen version did not move with the draft
    v1 = db.scalar(select(HandbookVersion).where(HandbookVersion.number == 1))
    assert "压力表应定期检定" in v1.sections[1]["body"]
    assert t.post("/api/v1/handbooks/pv/publish", json={}).status_code == 400  # unchanged


def test_a_section_cited_by_questions_cannot_be_removed(e, db):
    t = e["client"]
    _upload(t, docx_bytes("手册", PV_SECTIONS), "手册.docx")
    t.post("/api/v1/handbooks/pv/publish", json={})
    sid = _draft(t)[0]["id"]
    import_post_questions(db, e["org"], e["post"], sid, {"single": 2})
    r = t.post(f"/handbooks/pv/sections/{sid}/remove")
    assert r.status_code == 409 and "仍有 2 道题引用" in r.get_data(True)
    assert [d["id"] for d in _draft(t)][0] == sid
    rest = [d for d in _draft(t) if d["id"] != sid]
    r = t.put("/api/v1/handbooks/pv/draft", json={"sections": rest})
    assert r.status_code == 409 and sid in r.get_json()["error"]["message"]


def test_imported_questions_cite_the_current_version_and_are_listed_when_their_section_changes(e, db):
    t = e["client"]
    _upload(t, docx_bytes("手册", PV_SECTIONS), "手册.docx")
    t.post("/api/v1/handbooks/pv/publish", json={})
    v1 = db.scalar(select(HandbookVersion))
    # 章节 given as a section's title becomes its id
    import_post_questions(db, e["org"], e["post"], "安全附件", {"single": 1, "truefalse": 1})
    db.expire_all()
    qs = db.scalars(select(Question).where(Question.organisation_id == e["org"].id)).all()
    sid = _draft(t)[1]["id"]
    assert {(q.section, q.handbook_version_id) for q in qs} == {(sid, v1.id)}
    assert "需要复核的题目" not in t.get("/handbooks/pv").get_data(True)
    t.post(f"/handbooks/pv/sections/{sid}", data={"title": "安全附件", "body": "改写后的正文"})
    t.post("/api/v1/handbooks/pv/publish", json={"note": "改写"})
    page = t.get("/handbooks/pv").get_data(True)
    assert "需要复核的题目（2）" in page and "自第 1 版后已修改" in page
    t.post(f"/handbooks/pv/review/{qs[0].id}")
    assert "需要复核的题目（1）" in t.get("/handbooks/pv").get_data(True)


def test_the_coverage_matrix_counts_questions_per_section_and_type_and_flags_gaps(e, db):
    t = e["client"]
    _upload(t, docx_bytes("手册", PV_SECTIONS), "手册.docx")
    t.post("/api/v1/handbooks/pv/publish", json={})
    ids = [d["id"] for d in _draft(t)]
    import_post_questions(db, e["org"], e["post"], ids[0], {"single": 30, "truefalse": 20, "multiple": 5})
    import_post_questions(db, e["org"], e["post"], ids[1], {"single": 1})
    cov = t.get("/api/v1/handbooks/pv/coverage").get_json()["professional"]
    rows = {r["id"]: r for r in cov["sections"]}
    assert (
        rows[ids[0]]["counts"] == {"truefalse": 20, "single": 30, "multiple": 5}
        and rows[ids[0]]["flag"] == ""
    )
    assert rows[ids[1]]["flag"] == "few" and rows[ids[2]]["flag"] == "none"
    page = t.get("/handbooks/pv/coverage").get_data(True)
    assert "无题" in page and "偏少" in page


def test_drafts_are_private_to_trainers(app, e, db):
    worker_of(db, e["org"], e["post"], "w1", "E001")
    w = app.test_client()
    w.sign_in("w1")
    assert w.get("/handbooks/pv").status_code == 403
    assert w.get("/api/v1/handbooks/pv/draft").status_code == 403
    _upload(e["client"], docx_bytes("手册", PV_SECTIONS), "手册.docx")
    assert "还没有发布" in w.get("/my/handbooks").get_data(True)


def test_a_worker_reads_acknowledges_and_hr_sees_who_has_not(app, e, db):
    t = e["client"]
    _upload(t, docx_bytes("手册", PV_SECTIONS), "手册.docx")
    t.post("/api/v1/handbooks/pv/publish", json={})
    w1 = worker_of(db, e["org"], e["post"], "w1", "E001")
    worker_of(db, e["org"], e["post"], "w2", "E002")
    version = db.scalar(select(HandbookVersion))
    w = app.test_client()
    w.sign_in("w1")
    toc = w.get("/my/handbooks").get_data(True)
    assert all(title in toc for title, _ in PV_SECTIONS)
    assert "安全附件" in w.get("/my/handbooks?q=安全阀").get_data(True)
    sid = version.sections[0]["id"]
    assert "最高工作压力" in w.get(f"/my/handbooks/{version.id}/{sid}").get_data(True)
    assert w.post(f"/my/handbooks/{version.id}/acknowledge").status_code == 302
    db.commit()  # end the read snapshot: see what the requests wrote
    assert db.scalar(select(SectionOpened.section_id).where(SectionOpened.person_id == w1.person_id)) == sid
    assert db.scalar(select(Acknowledgement).where(Acknowledgement.person_id == w1.person_id)) is not None
    hr = app.test_client()
    hr.sign_in("a-hr")
    page = hr.get("/handbooks/pv/readers").get_data(True)
    assert "2 人应读，<strong>1 人未确认</strong>" in page
    assert page.index("E002") < page.index("E001")  # unread first


def test_another_enterprise_cannot_reach_the_handbook(app, e, db):
    _upload(e["client"], docx_bytes("手册", PV_SECTIONS), "手册.docx")
    e["client"].post("/api/v1/handbooks/pv/publish", json={})
    other = enterprise(db, "乙企业", "b")
    b = app.test_client()
    b.sign_in("b-trainer")
    assert b.get("/handbooks/pv/booklet.pdf").status_code == 404  # b has no post pv
    assert b.get("/api/v1/handbooks/pv").status_code == 404
    assert b.post("/api/v1/posts", json=PV).status_code == 201  # the same code: b's own post
    assert b.get("/api/v1/handbooks/pv").get_json()["current"] is None  # b's own part, unpublished
    db.commit()
    b_post = db.scalar(select(Post).where(Post.code == "pv", Post.organisation_id == other["org"].id))
    worker_of(db, other["org"], b_post, "bw1", "B001")
    version = db.scalar(select(HandbookVersion))
    bw = app.test_client()
    bw.sign_in("bw1")
    assert bw.get(f"/my/handbooks/{version.id}/{version.sections[0]['id']}").status_code == 404
    assert bw.post(f"/my/handbooks/{version.id}/acknowledge").status_code == 404


def test_the_booklet_has_a_table_of_contents_with_correct_page_numbers(e, tmp_path):
    t = e["client"]
    long_sections = [(title, (body + "\n") * 40) for title, body in PV_SECTIONS]
    _upload(t, docx_bytes("手册", long_sections), "手册.docx")
    t.post("/api/v1/handbooks/pv/publish", json={})
    r = t.get("/handbooks/pv/booklet.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    pdf = tmp_path / "b.pdf"
    pdf.write_bytes(r.data)
    pages = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    texts = pages.stdout.split("\f")
    toc = texts[1]
    assert "目" in toc and "录" in toc
    for title, _ in PV_SECTIONS:
        line = next(ln for ln in toc.splitlines() if title in ln)
        page_no = int(line.split()[-1])
        assert title in texts[page_no - 1], (title, page_no)
    assert "压力容器操作岗位应知应会手册" in texts[0] and "甲化工有限公司" in texts[0]
    assert "修订记录" in pages.stdout and "签收" in pages.stdout and "签名" in pages.stdout
    docx_file = t.get("/handbooks/pv/booklet.docx")
    assert docx_file.status_code == 200 and docx_file.data[:2] == b"PK"


def test_a_wrong_answer_leads_back_to_the_section_of_the_version_the_question_was_written_for(app, e, db):
    from webapp.exams.service.results import section_url

    t = e["client"]
    _upload(t, docx_bytes("手册", PV_SECTIONS), "手册.docx")
    t.post("/api/v1/handbooks/pv/publish", json={})
    sid = _draft(t)[0]["id"]
    import_post_questions(db, e["org"], e["post"], sid, {"single": 1})
    t.post(f"/handbooks/pv/sections/{sid}", data={"title": "改名后的基本知识", "body": "新正文"})
    t.post("/api/v1/handbooks/pv/publish", json={})
    db.commit()
    q = db.scalar(select(Question).where(Question.organisation_id == e["org"].id))
    v1 = db.scalar(select(HandbookVersion).where(HandbookVersion.number == 1))
    with app.test_request_context():
        url = section_url(q)
    assert url == f"/my/handbooks/{v1.id}/{sid}"
    worker_of(db, e["org"], e["post"], "w1", "E001")
    w = app.test_client()
    w.sign_in("w1")
    page = w.get(url).get_data(True)
    assert (
        PV_SECTIONS[0][0] in page and "第 1 版" in page
    )  # the text as it stood when the question was written
