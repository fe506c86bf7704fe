"""Issuing a certificate: serial numbers, templates, and the certificate a passed qualification or retraining
exam earns."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from quizbank import rules
from quizbank.certificates import (
    Template,
    issue_certificate,
    load_template,
    sign_token,
)
from webapp.certs.models import Certificate, SerialCounter
from webapp.certs.service.keys import signing_key
from webapp.certs.service.live import history_of
from webapp.exams.models import Attempt
from webapp.infra import clock
from webapp.org.models import Organisation, Person, Post
from webapp.standing.service import record_event

ISSUING_KINDS = ("qualification", "retraining")  # exams whose pass issues a certificate of that kind


def next_serial_number(s: Session, year: int) -> int:
    """The next number of `year`'s serials, taken in the caller's transaction (a row lock on PostgreSQL, the
    write lock on SQLite): two issuers never get the same number, a rolled-back issue gives its number back."""
    dialect = s.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    s.execute(insert(SerialCounter).values(year=year, last=0).on_conflict_do_nothing(index_elements=["year"]))
    return s.execute(
        update(SerialCounter)
        .where(SerialCounter.year == year)
        .values(last=SerialCounter.last + 1)
        .returning(SerialCounter.last)
        .execution_options(synchronize_session=False)
    ).scalar_one()


@lru_cache(maxsize=8)
def _template(kind: str) -> Template:
    return load_template(kind)


def template_for(kind: str) -> Template:
    folder = current_app.config.get("CERTIFICATE_TEMPLATES")
    return load_template(kind, folder) if folder else _template(kind)


def issue(
    s: Session,
    person: Person,
    post: Post,
    *,
    kind: str = "qualification",
    on: date,
    recorded_by: int | None = None,
    attempt_id: int | None = None,
) -> Certificate:
    """Issue a certificate of `kind` (its template gives the validity) to `person` for `post`, dated `on`:
    a `certificate_issued` event and its `certificates` row, in the caller's transaction.

    One live certificate per person and post: any earlier one still live (not revoked, not expired; a
    suspended one counts) is superseded by this one, recorded as its revocation 已换发新证. The person's row is
    locked first (FOR UPDATE on PostgreSQL, the write lock on SQLite), so two issues for the same person
    cannot both see the other missing."""
    s.execute(select(Person.id).where(Person.id == person.id).with_for_update())
    earlier = _live_certificates(s, person, post, on)
    template = template_for(kind)
    org = s.get(Organisation, person.organisation_id)
    core = issue_certificate(
        next_serial_number(s, on.year),
        holder=person.name,
        post_code=post.code,
        post_name=post.name,
        organisation=org.name,
        issued=on,
        template=template,
    )
    token = sign_token(core.claims(), signing_key())
    event = record_event(
        s,
        person,
        rules.CertificateIssued(on=on, serial=core.serial, expires=core.expires, post=post.code, kind=kind),  # type: ignore[arg-type]
        recorded_by=recorded_by,
    )
    row = Certificate(
        organisation_id=person.organisation_id,
        person_id=person.id,
        post_id=post.id,
        serial=core.serial,
        token=token,
        kind=kind,
        issued_on=core.issued,
        expires_on=core.expires,
        attempt_id=attempt_id,
        event_id=event.id,
        created_at=clock.now(),
    )
    s.add(row)
    s.flush()
    for old in earlier:
        record_event(
            s,
            person,
            rules.CertificateRevoked(
                on=on, serial=old.serial, reason=f"已换发新证 {row.serial}", by="系统", post=post.code
            ),
            recorded_by=recorded_by,
        )
    return row


def _live_certificates(s: Session, person: Person, post: Post, on: date) -> list[Certificate]:
    """The person's certificates for the post that are neither revoked nor expired on `on`."""
    rows = s.scalars(
        select(Certificate)
        .where(
            Certificate.person_id == person.id, Certificate.post_id == post.id, Certificate.expires_on >= on
        )
        .order_by(Certificate.id)
    ).all()
    return [c for c in rows if not any(e.kind == "certificate_revoked" for e in history_of(s, c))]


def on_exam_passed(s: Session, attempt: Attempt) -> Certificate | None:
    """The exam service's hook after grading: a passed qualification or retraining exam issues a
    certificate (once per attempt). Other kinds, and failures, issue nothing."""
    if not attempt.passed or attempt.kind not in ISSUING_KINDS or attempt.submitted_at is None:
        return None
    existing = s.scalar(select(Certificate).where(Certificate.attempt_id == attempt.id))
    if existing is not None:
        return existing
    by = attempt.submitted_by or ""
    return issue(
        s,
        attempt.person,
        attempt.post,
        kind=attempt.kind,
        on=clock.local(attempt.submitted_at).date(),  # type: ignore[union-attr]
        recorded_by=int(by.split(":")[1]) if by.startswith("user:") else None,
        attempt_id=attempt.id,
    )
