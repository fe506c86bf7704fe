"""`quizbank posts list|add|retire` and `quizbank handbook import|export` (through their webapp landings)."""

from __future__ import annotations

import subprocess

import pytest

from tests.webapp.handbook_builders import PV_SECTIONS, docx_bytes, enterprise
from webapp.handbooks.cli import export_handbook, import_handbook
from webapp.posts.cli import add_post, list_posts, retire_post


def test_posts_add_list_retire_and_a_taken_code(app, db, tmp_path):
    enterprise(db, "甲企业", "a")
    r = add_post(code="pv", name="压力容器操作", certificate="special_equipment", app=app)
    assert r["certificate_name"] == "特种设备作业人员证"
    with pytest.raises(ValueError, match="岗位代码：pv 已被本单位岗位"):
        add_post(code="pv", name="重复", app=app)
    assert [p["code"] for p in list_posts(app=app) if not p["builtin"]] == ["pv"]
    assert retire_post(code="pv", app=app)["retired"] is True


def test_handbook_import_publish_and_export_as_booklet(app, db, tmp_path):
    enterprise(db, "甲企业", "a")
    add_post(code="pv", name="压力容器操作", app=app)
    src = tmp_path / "手册.docx"
    src.write_bytes(docx_bytes("手册", PV_SECTIONS))
    assert import_handbook(post="pv", path=src, publish=True, note="初版", app=app) == (3, 1)
    md = tmp_path / "general.md"
    md.write_text("# 通用知识\n\n## 安全生产责任制 {#duty}\n\n人人有责。\n", encoding="utf-8")
    assert import_handbook(post="_general", path=md, publish=True, app=app) == (1, 1)
    out = tmp_path / "booklet.pdf"
    assert export_handbook(post="pv", out=out, app=app) > 1000
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "安全生产责任制" in text and all(title in text for title, _ in PV_SECTIONS)
    md_out = tmp_path / "out.md"
    export_handbook(post="pv", out=md_out, app=app)
    assert "## 安全附件 {#s-2}" in md_out.read_text(encoding="utf-8")


def test_handbook_import_refuses_pdf_and_a_docx_without_headings(app, db, tmp_path):
    enterprise(db, "甲企业", "a")
    add_post(code="pv", name="压力容器操作", app=app)
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    with pytest.raises(ValueError, match="x.pdf：PDF 不能可靠地还原章节"):
        import_handbook(post="pv", path=pdf, app=app)
    flat = tmp_path / "flat.docx"
    flat.write_bytes(docx_bytes("手册", PV_SECTIONS, headings=False))
    with pytest.raises(ValueError, match="flat.docx：文档中没有标题"):
        import_handbook(post="pv", path=flat, publish=True, app=app)
    with pytest.raises(ValueError, match="专业知识手册还没有发布"):
        export_handbook(post="pv", out=tmp_path / "b.pdf", app=app)
