"""试题分析 pages: per question figures and flags, and the 班前会 list (most-missed, exportable to Excel)."""

from __future__ import annotations

import io

from flask import render_template, request, send_file
from flask_login import current_user
from sqlalchemy import select

from quizbank.formats.text import letters
from webapp.analysis import service
from webapp.analysis.blueprint import BRIEFING_DAYS, STAFF, bp, scope
from webapp.analysis.export import briefing_xlsx
from webapp.analysis.openapi import OPENAPI
from webapp.infra.db import session
from webapp.infra.nav import NavItem
from webapp.infra.security import require_role
from webapp.org.models import Department, Post

NAV = [NavItem("analysis.index", "试题分析", STAFF, "难度、区分度、选项分布；班前会易错题清单")]


def _choices():
    org = current_user.organisation_id
    posts = list(session.scalars(select(Post).where(Post.usable_by(org)).order_by(Post.name)))
    departments = list(
        session.scalars(select(Department).where(Department.organisation_id == org).order_by(Department.name))
    )
    return posts, departments


@bp.get("/analysis")
@require_role(*STAFF)
def index():
    sc = scope()
    org = current_user.organisation_id
    stats = service.question_stats(
        session,
        org,
        post_id=sc.post.id if sc.post else None,
        department_id=sc.department.id if sc.department else None,
        since=sc.since,
        until=sc.until,
    )
    flagged_only = request.args.get("flagged") == "1"
    shown = [st for st in stats if st.flags] if flagged_only else stats
    brief = scope(BRIEFING_DAYS)
    questions, sections = service.briefing(
        session,
        org,
        post_id=brief.post.id if brief.post else None,
        department_id=brief.department.id if brief.department else None,
        since=brief.since,
        until=brief.until,
    )
    posts, departments = _choices()
    return render_template(
        "analysis/index.html",
        stats=shown[:200],
        total=len(stats),
        flagged=sum(1 for st in stats if st.flags),
        flagged_only=flagged_only,
        questions=questions,
        sections=sections,
        scope=sc,
        brief=brief,
        posts=posts,
        departments=departments,
        flag_names=service.FLAG_NAMES,
        letters=letters,
        days=BRIEFING_DAYS,
    )


@bp.get("/analysis/briefing.xlsx")
@require_role(*STAFF)
def briefing_export():
    sc = scope(BRIEFING_DAYS)
    questions, sections = service.briefing(
        session,
        current_user.organisation_id,
        post_id=sc.post.id if sc.post else None,
        department_id=sc.department.id if sc.department else None,
        since=sc.since,
        until=sc.until,
        limit=30,
    )
    return send_file(
        io.BytesIO(briefing_xlsx(questions, sections, sc.text)),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name="班前会易错题.xlsx",
    )


from webapp.analysis import api  # noqa: E402, F401  (registers the JSON routes on bp)

__all__ = ["NAV", "OPENAPI", "bp"]
