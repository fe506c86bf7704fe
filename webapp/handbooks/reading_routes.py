"""The worker reads their handbooks (通用知识 + their posts' 专业知识) on a tablet or phone: a table of
contents with search, one section per page (recorded as opened), and 已阅读确认 per version."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from webapp.handbooks import service
from webapp.handbooks.blueprint import bp
from webapp.infra import clock
from webapp.infra.db import session
from webapp.infra.errors import ApiError
from webapp.infra.nav import NavItem
from webapp.infra.security import current_person, require_role

READ_NAV = NavItem("handbooks.mine", "我的手册", ("worker",), "岗位应知应会手册：目录、搜索、阅读确认")


def _person():
    person = current_person()
    if person is None:
        raise ApiError(403, "no_person", "账号未关联人员，无法查看手册")
    return person


@bp.get("/my/handbooks")
@require_role("worker")
def mine():
    person = _person()
    q = " ".join(request.args.get("q", "").split())
    readings = service.readings_of(session, person)
    hits = []
    if q:
        for r in readings:
            for d in r.version.sections:
                if q in d["title"] or q in d["body"]:
                    at = d["body"].find(q)
                    snippet = d["body"][max(0, at - 30) : at + 60] if at >= 0 else ""
                    hits.append((r, d, snippet))
    return render_template("handbooks/mine.html", readings=readings, q=q, hits=hits)


@bp.get("/my/handbooks/<int:version_id>/<section_id>")
@require_role("worker")
def read(version_id: int, section_id: str):
    person = _person()
    version = service.readable_version(session, person, version_id)
    service.record_opened(session, person, version, section_id, clock.now())
    ids = [d["id"] for d in version.sections]
    i = ids.index(section_id)
    return render_template(
        "handbooks/read.html",
        version=version,
        section=version.sections[i],
        prev_id=ids[i - 1] if i > 0 else None,
        next_id=ids[i + 1] if i + 1 < len(ids) else None,
        position=i + 1,
        total=len(ids),
    )


@bp.post("/my/handbooks/<int:version_id>/acknowledge")
@require_role("worker")
def acknowledge(version_id: int):
    person = _person()
    version = service.readable_version(session, person, version_id)
    service.acknowledge(session, person, version, clock.now())
    flash(f"已确认阅读《{version.title}》第 {version.number} 版。")
    return redirect(url_for("handbooks.mine"))
