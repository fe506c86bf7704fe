"""The 试题分析 JSON API (described in webapp.analysis.openapi)."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user

from webapp.analysis import service
from webapp.analysis.blueprint import BRIEFING_DAYS, STAFF, bp, scope
from webapp.infra.db import session
from webapp.infra.security import require_role


def _ids(sc):
    return {
        "post_id": sc.post.id if sc.post else None,
        "department_id": sc.department.id if sc.department else None,
        "since": sc.since,
        "until": sc.until,
    }


@bp.get("/api/v1/analysis/questions")
@require_role(*STAFF)
def api_questions():
    stats = service.question_stats(session, current_user.organisation_id, **_ids(scope()))
    return jsonify({"questions": [service.stats_json(st) for st in stats]})


@bp.get("/api/v1/analysis/briefing")
@require_role(*STAFF)
def api_briefing():
    questions, sections = service.briefing(
        session, current_user.organisation_id, **_ids(scope(BRIEFING_DAYS))
    )
    return jsonify(
        {
            "questions": [service.missed_json(m) for m in questions],
            "sections": [service.missed_json(m) for m in sections],
        }
    )
