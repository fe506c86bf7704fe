"""`GET /api/v1/people/{id}/archive` (JSON) and `…/archive.pdf`."""

from __future__ import annotations

import io

from flask import jsonify, send_file

from webapp.infra import clock
from webapp.infra.db import session
from webapp.infra.security import require_role
from webapp.records import files
from webapp.records.access import READERS, readable_person
from webapp.records.blueprint import bp as api
from webapp.records.service import archive_of
from webapp.records.tables import identity_rows, sections


def archive_json(archive) -> dict:
    return {
        "person": {"name": archive.identity.name, "employee_no": archive.identity.employee_no},
        "on": archive.today.isoformat(),
        "may_work": archive.may_work_any,
        "total_hours": archive.total_hours,
        "identity": [{"field": k, "value": v} for k, v in identity_rows(archive)],
        "hours_by_year": [
            {"year": y.year, "hours": dict(y.by_level), "total": y.total} for y in archive.hours_by_year
        ],
        "hours_owed": [
            {
                "year": o.year,
                "required": o.required,
                "recorded": o.recorded,
                "short": o.short,
                "lines": [
                    {
                        "kind": ln.kind,
                        "name": ln.name,
                        "required": ln.required,
                        "recorded": ln.recorded,
                        "short": ln.short,
                    }
                    for ln in o.lines
                ],
            }
            for o in archive.hours_owed
        ],
        "sections": [
            {"title": t.title, "headers": list(t.headers), "rows": [[str(v) for v in r] for r in t.rows]}
            for t in sections(archive)
        ],
    }


@api.get("/api/v1/people/<int:person_id>/archive")
@require_role(*READERS)
def archive(person_id: int):
    person = readable_person(person_id)
    return jsonify(archive_json(archive_of(session, person, clock.today())))


@api.get("/api/v1/people/<int:person_id>/archive.pdf")
@require_role(*READERS)
def archive_pdf(person_id: int):
    person = readable_person(person_id)
    a = archive_of(session, person, clock.today())
    return send_file(
        io.BytesIO(files.archive_pdf(a)),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=files.archive_file_name(a, "pdf"),
    )
