"""HR's pass-rate report: the page (table with a complete 合计 row, the 今日可上岗 count beside the rates,
filters by 考试类型 and post + department, a monthly trend line), its Excel/CSV export and the JSON API."""

from __future__ import annotations

import io
from datetime import date

from flask import Blueprint, jsonify, render_template, request, send_file
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import BadRequest

from quizbank.model import EXAM_KIND_NAMES
from webapp.infra import clock
from webapp.infra.db import session
from webapp.infra.errors import ApiError
from webapp.infra.security import require_role
from webapp.org.models import Department, Post
from webapp.reports import export
from webapp.reports.service import (
    COLUMNS,
    COUNTED_KINDS,
    GROUPINGS,
    NO_FILTERS,
    Filters,
    ReportError,
    parse_filters,
    parse_range,
    report,
)

bp = Blueprint("reports", __name__)

HR = ("hr", "admin")


def _request() -> tuple[str, date | None, date | None, Filters]:
    by = request.args.get("by", "post")
    if by not in GROUPINGS:
        raise ApiError(400, "bad_by", f"by：不支持按“{by}”统计（可选：{'、'.join(GROUPINGS)}）")
    try:
        start, end = parse_range(request.args.get("from"), request.args.get("to"))
        filters = parse_filters(request.args)
    except ReportError as e:
        raise ApiError(
            400, "bad_date" if "日期" in str(e) or "晚于" in str(e) else "bad_filter", str(e)
        ) from e
    return by, start, end, filters


def _report(by, start, end, filters):
    return report(session, current_user.organisation_id, by, start, end, filters, clock.today())


@bp.get("/reports/")
@require_role(*HR)
def index():
    if "from" not in request.args and "to" not in request.args:
        today = clock.today()
        args = {
            "by": request.args.get("by", "post"),
            "from": date(today.year, 1, 1).isoformat(),
            "to": today.isoformat(),
        }
    else:
        args = {k: request.args.get(k, "") for k in ("by", "from", "to")}
    for k in ("kind", "post_id", "department_id"):
        args[k] = request.args.get(k, "")
    rows, summary, trend, error, filters = [], None, [], None, NO_FILTERS
    try:
        by = args["by"] if args["by"] in GROUPINGS else "post"
        start, end = parse_range(args.get("from"), args.get("to"))
        filters = parse_filters(args)
        rows, summary, trend = _report(by, start, end, filters)
    except ReportError as e:
        start = end = None
        error = str(e)
    org = current_user.organisation_id
    return render_template(
        "reports/pass_rates.html",
        rows=rows,
        by=by,
        start=start,
        end=end,
        args=args,
        error=error,
        groupings=GROUPINGS,
        columns=COLUMNS,
        total=summary,
        chart=export.bar_chart(rows),
        trend=export.trend_chart(trend),
        kinds={k: EXAM_KIND_NAMES[k] for k in COUNTED_KINDS},
        posts=list(session.scalars(select(Post).where(Post.usable_by(org)).order_by(Post.name))),
        departments=list(
            session.scalars(
                select(Department).where(Department.organisation_id == org).order_by(Department.name)
            )
        ),
    ), (400 if error else 200)


@bp.get("/reports/pass-rates.<fmt>")
@require_role(*HR)
def download(fmt: str):
    if fmt not in ("xlsx", "csv"):
        raise BadRequest("只能导出 xlsx 或 csv")
    by, start, end, filters = _request()
    rows, summary, trend = _report(by, start, end, filters)
    name = f"通过率-按{GROUPINGS[by]}-{start or '最早'}-{end or '最新'}.{fmt}"
    if fmt == "xlsx":
        data = export.to_xlsx(
            rows, by, start, end, current_user.organisation.name, total=summary, trend=trend
        )
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        data = export.to_csv(rows, by, total=summary)
        mimetype = "text/csv"  # send_file adds "; charset=utf-8" to a text type
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)


@bp.get("/api/v1/reports/pass-rates")
@require_role(*HR)
def api_pass_rates():
    by, start, end, filters = _request()
    rows, summary, trend = _report(by, start, end, filters)
    return jsonify(
        by=by,
        **{"from": start.isoformat() if start else None, "to": end.isoformat() if end else None},
        columns=[{"key": k, "title": t, "note": n} for k, t, n in COLUMNS],
        rows=[r.as_dict() for r in rows],
        total=summary.as_dict() if summary else None,
        trend=[
            {
                "month": r.key,
                "attempt_rate": r.attempt_rate,
                "first_rate": r.first_rate,
                "latest_rate": r.latest_rate,
                "attempts": r.attempts,
            }
            for r in trend
        ],  # fmt: skip
    )
