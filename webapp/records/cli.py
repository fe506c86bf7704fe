"""`quizbank archive` lands here: the archive the web page shows, written to .pdf or .xlsx."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import Flask
from sqlalchemy import select


def export_archive(
    person_no: str,
    *,
    out: Path,
    organisation: str | int | None = None,
    on: date | None = None,
    app: Flask | None = None,
) -> str:
    """Write the archive of 工号 `person_no` to `out`; returns the person's name. ValueError (in Chinese)
    for an unknown organisation or person; the file appears only when complete."""
    from webapp.infra import clock
    from webapp.infra.db import transaction
    from webapp.org.models import Person
    from webapp.org.service import find_organisation
    from webapp.records import files
    from webapp.records.service import archive_of

    if app is None:
        from webapp import create_app
        from webapp.infra.migrate import upgrade

        app = create_app()
        upgrade(app)
    with app.app_context(), transaction(app, write=False) as s:
        org = find_organisation(s, organisation)
        person = s.scalar(
            select(Person).where(Person.organisation_id == org.id, Person.employee_no == person_no)
        )
        if person is None:
            raise ValueError(f"{org.name} 没有工号为“{person_no}”的人员")
        archive = archive_of(s, person, on or clock.today())
        data = files.archive_pdf(archive) if out.suffix.lower() == ".pdf" else files.archive_xlsx(archive)
        name = person.name
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(out)
    return name
