"""Handbook pages for trainers: the list, the editor (sections, live preview, import, copy, publish), the
diff between versions, the questions to review, the booklet files and the coverage matrix."""

from __future__ import annotations

import io

from flask import flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from webapp.handbooks import service
from webapp.handbooks.blueprint import GENERAL, READERS_VIEW, TRAINERS, bp, handbook_for, post_of
from webapp.handbooks.openapi import OPENAPI  # noqa: F401  (create_app merges it)
from webapp.handbooks.reading_routes import READ_NAV
from webapp.infra import clock
from webapp.infra.db import session
from webapp.infra.errors import ApiError
from webapp.infra.nav import NavItem
from webapp.infra.security import require_role
from webapp.infra.templating import render_markdown
from webapp.posts.service import usable_posts

NAV = [NavItem("handbooks.index", "手册", READERS_VIEW, "应知应会手册：编写、发布、印发，阅读情况"), READ_NAV]


def _org() -> int:
    return current_user.organisation_id


@bp.get("/handbooks")
@require_role(*READERS_VIEW)
def index():
    rows = []
    for post in [None, *usable_posts(session, _org())]:
        hb = service.handbook_of(session, _org(), post, create=False)
        rows.append((post, hb, service.current_version(hb)))
    return render_template("handbooks/index.html", rows=rows, general=GENERAL)


def _editor(code: str, error: str | None = None, status: int = 200):
    post, hb = handbook_for(code)
    draft = service.draft_of(hb)
    chosen = request.args.get("section") or (draft[0].id if draft else None)
    current = next((x for x in draft if x.id == chosen), None)
    version = service.current_version(hb)
    return (
        render_template(
            "handbooks/edit.html",
            code=code,
            post=post,
            hb=hb,
            draft=draft,
            current=current,
            version=version,
            cited=service.cited_sections(session, hb),
            review=service.questions_to_review(session, hb),
            part=service.part_name(post),
            error=error,
            max_mb=service.MAX_FILE_BYTES // 1048576,
        ),
        status,
    )


@bp.get("/handbooks/<code>")
@require_role(*TRAINERS)
def edit(code: str):
    return _editor(code)


def _back(code: str, section: str | None = None):
    return redirect(url_for("handbooks.edit", code=code, section=section) + ("#editor" if section else ""))


@bp.post("/handbooks/<code>/import")
@require_role(*TRAINERS)
def import_file(code: str):
    _, hb = handbook_for(code)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _editor(code, "导入文件：请选择 .docx 或 .md 文件", 400)
    try:
        result = service.read_file(upload.read(service.MAX_FILE_BYTES + 1), upload.filename)
    except ApiError as e:
        return _editor(code, e.description, e.code or 400)
    service.replace_draft(session, hb, list(result.sections), clock.now())
    flash(f"已从 {upload.filename} 导入 {len(result.sections)} 节到草稿（尚未发布）。")
    return _back(code)


@bp.post("/handbooks/<code>/copy-builtin")
@require_role(*TRAINERS)
def copy_builtin(code: str):
    post, hb = handbook_for(code)
    source = request.form.get("source") or (None if post is None else post.code)
    n = service.copy_builtin(session, hb, source, clock.now())
    if not n:
        return _editor(code, "没有可复制的内置手册", 400)
    flash(f"已复制内置手册 {n} 节到草稿。")
    return _back(code)


@bp.post("/handbooks/<code>/sections")
@require_role(*TRAINERS)
def add_section(code: str):
    _, hb = handbook_for(code)
    sid = service.add_section(
        session, hb, request.form.get("title", ""), clock.now(), after=request.form.get("after") or None
    )
    return _back(code, sid)


@bp.post("/handbooks/<code>/sections/<section_id>")
@require_role(*TRAINERS)
def save_section(code: str, section_id: str):
    _, hb = handbook_for(code)
    try:
        service.save_section(
            session, hb, section_id, request.form.get("title", ""), request.form.get("body", ""), clock.now()
        )
    except ApiError as e:
        return _editor(code, e.description, e.code or 400)
    flash("章节已保存到草稿。")
    return _back(code, section_id)


@bp.post("/handbooks/<code>/sections/<section_id>/move")
@require_role(*TRAINERS)
def move_section(code: str, section_id: str):
    _, hb = handbook_for(code)
    service.move_section(session, hb, section_id, -1 if request.form.get("to") == "up" else 1, clock.now())
    return _back(code, section_id)


@bp.post("/handbooks/<code>/sections/<section_id>/remove")
@require_role(*TRAINERS)
def remove_section(code: str, section_id: str):
    _, hb = handbook_for(code)
    try:
        service.remove_section(session, hb, section_id, clock.now())
    except ApiError as e:
        return _editor(code, e.description, e.code or 400)
    flash("章节已从草稿删除。")
    return _back(code)


@bp.post("/handbooks/<code>/publish")
@require_role(*TRAINERS)
def publish(code: str):
    _, hb = handbook_for(code)
    try:
        version = service.publish(session, hb, current_user, request.form.get("note", ""), clock.now())
    except ApiError as e:
        return _editor(code, e.description, e.code or 400)
    flash(f"已发布第 {version.number} 版：{version.note}")
    return _back(code)


@bp.post("/handbooks/preview")
@require_role(*TRAINERS)
def preview():
    body = (request.get_json(silent=True) or {}).get("body", "")
    return jsonify({"html": str(render_markdown(str(body)))})


@bp.get("/handbooks/<code>/versions/<int:number>")
@require_role(*READERS_VIEW)
def version(code: str, number: int):
    post, hb = handbook_for(code)
    versions = {v.number: v for v in hb.versions}
    if number not in versions:
        raise ApiError(404, "not_found", f"第 {number} 版不存在")
    new, old = versions[number], versions.get(number - 1)
    return render_template(
        "handbooks/version.html",
        code=code,
        post=post,
        hb=hb,
        version=new,
        old=old,
        diff=service.diff(old, new),
    )


@bp.post("/handbooks/<code>/review/<int:question_id>")
@require_role(*TRAINERS)
def mark_reviewed(code: str, question_id: int):
    from webapp.bank.models import Question
    from webapp.infra.security import get_owned

    _, hb = handbook_for(code)
    service.mark_reviewed(session, hb, get_owned(Question, question_id))
    flash("已确认题目与现行版本一致。")
    return _back(code)


_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
}


@bp.get("/handbooks/<code>/booklet.<ext>")
@require_role(*READERS_VIEW)
def booklet(code: str, ext: str):
    post = post_of(code)
    if post is None or ext not in _TYPES:
        raise ApiError(404, "not_found", "手册按岗位印发：请从岗位的手册下载")
    if ext == "pdf":
        data = service.booklet_pdf(session, _org(), post)
    elif ext == "docx":
        data = service.export_docx(session, _org(), post)
    else:
        data = service.export_markdown(session, _org(), post).encode("utf-8")
    return send_file(
        io.BytesIO(data),
        mimetype=_TYPES[ext],
        as_attachment=ext != "pdf",
        download_name=f"{post.name}岗位应知应会手册.{ext}",
    )


@bp.get("/handbooks/<code>/coverage")
@require_role(*TRAINERS)
def coverage(code: str):
    post = post_of(code)
    if post is None:
        raise ApiError(404, "not_found", "覆盖情况按岗位查看")
    parts = [
        ("专业知识", service.coverage(session, _org(), post, "professional")),
        ("通用知识", service.coverage(session, _org(), post, "general")),
    ]
    return render_template(
        "handbooks/coverage.html", post=post, parts=parts, types=service.TYPES, type_names=service.TYPE_NAMES
    )


@bp.get("/handbooks/<code>/readers")
@require_role(*READERS_VIEW)
def readers(code: str):
    post, hb = handbook_for(code)
    version, rows = service.readers(session, hb)
    return render_template("handbooks/readers.html", post=post, hb=hb, version=version, rows=rows, code=code)


from webapp.handbooks import api  # noqa: E402, F401  (registers the JSON routes on bp)
