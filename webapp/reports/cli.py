"""`quizbank report pass-rates` lands here: the same report as the HR page, written to .xlsx or .csv."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import Flask


def export_pass_rates(
    *,
    by: str,
    start: date | None,
    end: date | None,
    out: Path,
    organisation: str | int | None = None,
    app: Flask | None = None,
) -> int:
    """Write the report to `out` (format from its suffix); returns the number of groups. ValueError (in
    Chinese) for an unknown grouping, organisation or suffix; the file is written only when all went well."""
    from webapp.infra.db import transaction
    from webapp.org.service import find_organisation
    from webapp.reports import export
    from webapp.reports.service import GROUPINGS, NO_FILTERS, report

    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise ValueError(f"--out：文件名应以 .xlsx 或 .csv 结尾，而不是“{out.name}”")
    if by not in GROUPINGS:
        raise ValueError(f"--by：不支持“{by}”（可选：{'、'.join(GROUPINGS)}）")
    if app is None:
        from webapp import create_app
        from webapp.infra.migrate import upgrade

        app = create_app()
        upgrade(app)
    with app.app_context(), transaction(app) as s:
        org = find_organisation(s, organisation)
        from webapp.infra import clock

        today = clock.today()
        rows, summary, trend = report(s, org.id, by, start, end, NO_FILTERS, today)
        if suffix == ".xlsx":
            data = export.to_xlsx(rows, by, start, end, org.name, total=summary, trend=trend)
        else:
            data = export.to_csv(rows, by, total=summary)
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(out)
    return len(rows)
