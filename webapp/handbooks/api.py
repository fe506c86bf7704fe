"""The handbooks' JSON API: a part's published versions and current sections, the draft, publishing, the
coverage matrix (described in webapp.handbooks.openapi)."""

from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from quizbank.handbook_files import SECTION_ID, EditableSection
from webapp.handbooks import service
from webapp.handbooks.blueprint import READERS_VIEW, TRAINERS, bp, handbook_for, post_of
from webapp.infra import clock
from webapp.infra.db import session
from webapp.infra.errors import ApiError
from webapp.infra.security import require_role


def _version_json(v) -> dict:
    return {
        "number": v.number,
        "title": v.title,
        "published_at": v.published_at.isoformat(),
        "published_by": v.publisher_name,
        "note": v.note,
        "changes": v.changes,
    }


@bp.get("/api/v1/handbooks/<code>")
@require_role(*READERS_VIEW)
def api_handbook(code: str):
    _, hb = handbook_for(code)
    current = service.current_version(hb)
    return jsonify(
        {
            "title": hb.title,
            "part": "general" if hb.post_id is None else "professional",
            "versions": [_version_json(v) for v in hb.versions],
            "current": None if current is None else {**_version_json(current), "sections": current.sections},
        }
    )


@bp.get("/api/v1/handbooks/<code>/draft")
@require_role(*TRAINERS)
def api_draft(code: str):
    _, hb = handbook_for(code)
    return jsonify({"sections": hb.draft or []})


@bp.put("/api/v1/handbooks/<code>/draft")
@require_role(*TRAINERS)
def api_put_draft(code: str):
    _, hb = handbook_for(code)
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("sections"), list):
        raise ApiError(400, "bad_json", '请求体须是 {"sections": [{id, title, body}…]}')
    sections, seen = [], set()
    for i, d in enumerate(body["sections"]):
        where = f"sections[{i}]"
        if not isinstance(d, dict) or not isinstance(d.get("title"), str) or not d["title"].strip():
            raise ApiError(400, "bad_section", f"{where}.title：请填写章节标题")
        sid = d.get("id")
        if not isinstance(sid, str) or not SECTION_ID.match(sid):
            raise ApiError(400, "bad_section", f"{where}.id：只能用小写字母、数字和连字符")
        if sid in seen:
            raise ApiError(400, "duplicate_section", f"{where}.id：章节编号 {sid} 重复")
        seen.add(sid)
        sections.append(EditableSection(sid, d["title"].strip(), str(d.get("body") or "")))
    cited = service.cited_sections(session, hb)
    dropped = [sid for sid in cited if sid not in seen and any(x["id"] == sid for x in hb.draft or [])]
    if dropped:
        raise ApiError(
            409, "section_cited", f"章节 {dropped[0]} 仍有 {len(cited[dropped[0]])} 道题引用，不能删除"
        )
    service.replace_draft(session, hb, sections, clock.now())
    return jsonify({"sections": hb.draft})


@bp.post("/api/v1/handbooks/<code>/publish")
@require_role(*TRAINERS)
def api_publish(code: str):
    _, hb = handbook_for(code)
    note = (request.get_json(silent=True) or {}).get("note", "")
    version = service.publish(session, hb, current_user, str(note), clock.now())
    return jsonify(_version_json(version)), 201


@bp.get("/api/v1/handbooks/<code>/coverage")
@require_role(*TRAINERS)
def api_coverage(code: str):
    post = post_of(code)
    if post is None:
        raise ApiError(404, "not_found", "覆盖情况按岗位查看")
    out = {}
    for part in ("professional", "general"):
        c = service.coverage(session, current_user.organisation_id, post, part)
        out[part] = {
            "source": c.source,
            "need_per_type": c.need_per_type,
            "have_per_type": c.have_per_type,
            "per_section": c.per_section,
            "unplaced": c.unplaced,
            "sections": [
                {"id": r.section_id, "title": r.title, "counts": r.counts, "flag": r.flag} for r in c.rows
            ],
        }
    return jsonify(out)
