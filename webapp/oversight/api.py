"""The regulator's overview as JSON (`GET /api/v1/oversight/enterprises`): the same figures, filters and
ranking as the page, for regulator staff (session or bearer token)."""

from __future__ import annotations

from flask import jsonify

from webapp.infra.errors import ApiError
from webapp.oversight.blueprint import bp, figures_of, filters, staff_only
from webapp.oversight.service import EnterpriseFigures

FIGURES = (
    "workers", "examined", "examined_share", "attempts", "attempts_passed", "pass_rate", "spot_tests",
    "spot_passed", "spot_pass_rate", "violations", "barred", "retraining_overdue", "makeups_overdue",
    "certs_expiring", "open_inspections",
)  # fmt: skip


def enterprise_json(f: EnterpriseFigures) -> dict:
    return {
        "id": f.id,
        "name": f.name,
        "high_risk": f.high_risk,
        **{k: getattr(f, k) for k in FIGURES},
        "posts": [
            {
                "code": p.code,
                "name": p.name,
                "people": p.people,
                "handbook": None
                if p.handbook is None
                else {
                    "title": p.handbook.title,
                    "version": p.handbook.version,
                    "published_on": p.handbook.published_on.isoformat() if p.handbook.published_on else None,
                },
            }
            for p in f.posts
        ],
    }


@bp.get("/api/v1/oversight/enterprises")
@staff_only
def api_enterprises():
    period, q, flagged, error = filters()
    if error:
        raise ApiError(400, "bad_date", error)
    figures, visits = figures_of(period, q, flagged)
    return jsonify(
        {
            "from": period.start.isoformat(),
            "to": period.end.isoformat(),
            "enterprises": [enterprise_json(f) for f in figures],
            "visits": [
                {"id": v.figures.id, "name": v.figures.name, "score": v.score, "reasons": list(v.reasons)}
                for v in visits
            ],
        }
    )
