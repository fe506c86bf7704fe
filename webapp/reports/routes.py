"""HR's pass-rate report: the page (table + inline SVG chart), its Excel/CSV export and the JSON API."""

from __future__ import annotations

import io
from datetime import date

from flask import Blueprint, jsonify, render_template, request, send_file
from flask_login import current_user
from werkzeug.exceptions import BadRequest

from webapp.infra import clock
from webapp.infra.db import session
from webapp.infra.errors import ApiError
from webapp.infra.security import require_role
from webapp.reports import export
from webapp.reports.overall import overall
from webapp.reports.service import COLUMNS, GROUPINGS, ReportError, parse_range, pass_rates

bp = Blueprint("reports", __name__)

HR = ("hr", "admin")


def _request() -> tuple[str, date | None, date | None]:
    by = request.args.get("by", "post")
    if by not in GROUPINGS:
        raise ApiError(400, "bad_by", f"by：不支持按“{by}”统计（可选：{'、'.join(GROUPINGS)}）")
    try:
        start, end = parse_range(request.args.get("from"), request.args.get("to"))
    except ReportError as e:
        raise ApiError(400, "bad_date", str(e)) from e
    return by, start, end


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
    try:
        by = args["by"] if args["by"] in GROUPINGS else "post"
        start, end = parse_range(args.get("from"), args.get("to"))
        error = None
    except ReportError as e:
        start = end = None
        error = str(e)
    rows = pass_rates(session, current_user.organisation_id, by, start, end) if error is None else []
    return render_template(
        "reports/pass_rates.html",
        rows=rows,
        by=by,
        start=start,
        end=end,
        error=error,
        groupings=GROUPINGS,
        columns=COLUMNS,
        totals=overall(session, current_user.organisation_id, by, start, end) if rows else None,
        chart=export.bar_chart(rows),
    ), (400 if error else 200)


@bp.get("/reports/pass-rates.<fmt>")
@require_role(*HR)
def download(fmt: str):
    if fmt not in ("xlsx", "csv"):
        raise BadRequest("只能导出 xlsx 或 csv")
    by, start, end = _request()
    rows = pass_rates(session, current_user.organisation_id, by, start, end)
    name = f"通过率-按{GROUPINGS[by]}-{start or '最早'}-{end or '最新'}.{fmt}"
    if fmt == "xlsx":
        data = export.to_xlsx(rows, by, start, end, current_user.organisation.name)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        data = export.to_csv(rows, by)
        mimetype = "text/csv"  # send_file adds "; charset=utf-8" to a text type
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)


@bp.get("/api/v1/reports/pass-rates")
@require_role(*HR)
def api_pass_rates():
    by, start, end = _request()
    rows = pass_rates(session, current_user.organisation_id, by, start, end)
    return jsonify(
        by=by,
        **{"from": start.isoformat() if start else None, "to": end.isoformat() if end else None},
        columns=[{"key": k, "title": t, "note": n} for k, t, n in COLUMNS],
        rows=[r.as_dict() for r in rows],
    )
