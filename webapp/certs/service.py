"""Certificates (合格证) in the shell: the signing key, issuing on a passed exam, the live status from the
rules, suspension/revocation, verification of a QR token, and external 特种作业操作证 on file.

Facts are events (`certificate_issued`, `certificate_suspended`, `certificate_revoked`,
`certificate_reinstated`, `special_certificate_recorded`), appended through
`webapp.standing.service.record_event`; the `certificates` and `special_certificates` tables index them for
lookup and listing. The status shown is always recomputed from the events by the core. Nothing here commits.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask, current_app, has_request_context, request
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from quizbank import rules
from quizbank.certificates import (
    Certificate as CoreCertificate,
)
from quizbank.certificates import (
    InvalidToken,
    Template,
    certificate_pdf,
    ensure_signing_key,
    find_cjk_font,
    issue_certificate,
    load_template,
    mask_name,
    public_pem,
    sign_token,
    token_from_text,
    verify_token,
    verify_url,
)
from quizbank.certificates.templates import add_months
from webapp.certs.models import Certificate, SerialCounter, SpecialCertificate
from webapp.exams.models import Attempt
from webapp.infra import clock
from webapp.infra.errors import ApiError
from webapp.org.models import Organisation, Person, Post, User
from webapp.standing.models import Event
from webapp.standing.service import PostStanding, record_event, standing_of, standings_of

ISSUING_KINDS = ("qualification", "retraining")  # exams whose pass issues a certificate of that kind
DEFAULT_BASE_URL = "http://127.0.0.1:5000"
KEY_EXTENSION = "quizbank_signing_key"
STATUS_TONES = {"valid": "ok", "expiring": "warn", "suspended": "bad", "revoked": "bad", "expired": "bad"}
WITHIN_CHOICES = (30, 60, 90)
SPECIAL_KINDS = (  # 特种作业类别（操作项目）: suggestions on the form; any text is accepted
    "低压电工作业",
    "高压电工作业",
    "熔化焊接与热切割作业",
    "压力焊作业",
    "登高架设作业",
    "高处安装、维护、拆除作业",
    "制冷与空调设备运行操作作业",
    "危险化学品安全作业",
    "有限空间作业",
    "场（厂）内专用机动车辆作业（叉车）",
)


class CertificateNotFound(ApiError):
    def __init__(self, message: str = "没有找到这张合格证。") -> None:
        super().__init__(404, "certificate_not_found", message)


class TokenRefused(ApiError):
    """A token that is not one this server signed (tampered, forged, malformed)."""

    def __init__(self, reason: str) -> None:
        super().__init__(400, "invalid_token", f"此二维码不是有效的合格证：{reason}")


# --- the signing key -------------------------------------------------------------------------------------


def init_app(app: Flask) -> None:
    """Make the instance's key pair on first start (idempotent; several processes may race: the first
    write wins, see `ensure_signing_key`). QUIZBANK_SIGNING_KEY_DIR overrides the folder."""
    folder = (
        app.config.get("SIGNING_KEY_DIR") or os.environ.get("QUIZBANK_SIGNING_KEY_DIR") or app.instance_path
    )
    app.extensions[KEY_EXTENSION] = ensure_signing_key(Path(folder))


def signing_key() -> Ed25519PrivateKey:
    return current_app.extensions[KEY_EXTENSION]


def public_key_pem() -> bytes:
    return public_pem(signing_key().public_key())


def base_url() -> str:
    """Where the verify page lives, for QR codes: QUIZBANK_BASE_URL (config or environment), else this
    request's root, else SERVER_NAME, else http://127.0.0.1:5000."""
    configured = current_app.config.get("QUIZBANK_BASE_URL") or os.environ.get("QUIZBANK_BASE_URL")
    if configured:
        return str(configured).rstrip("/")
    if has_request_context():
        return request.url_root.rstrip("/")
    if current_app.config.get("SERVER_NAME"):
        scheme = current_app.config.get("PREFERRED_URL_SCHEME", "http")
        return f"{scheme}://{current_app.config['SERVER_NAME']}"
    return DEFAULT_BASE_URL


def url_of(cert: Certificate, base: str | None = None) -> str:
    return verify_url(base or base_url(), cert.token)


# --- issuing ---------------------------------------------------------------------------------------------


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
    a `certificate_issued` event and its `certificates` row, in the caller's transaction."""
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
    return row


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


# --- suspension, revocation ------------------------------------------------------------------------------

CERTIFICATE_EVENT_KINDS = (
    "certificate_issued",
    "certificate_suspended",
    "certificate_revoked",
    "certificate_reinstated",
)
CHANGES = {
    "suspend": (rules.CertificateSuspended, "暂停"),
    "revoke": (rules.CertificateRevoked, "吊销"),
    "reinstate": (rules.CertificateReinstated, "恢复"),
}


def change(s: Session, cert: Certificate, action: str, reason: str, user: User, on: date) -> None:
    """Suspend, revoke or reinstate `cert` with a reason, as `user`: an event naming them."""
    if action not in CHANGES:
        raise ApiError(400, "bad_action", f"未知操作 {action!r}")
    cls, name = CHANGES[action]
    reason = " ".join((reason or "").split())
    if not reason:
        raise ApiError(400, "reason_required", f"{name}合格证必须填写原因。")
    if len(reason) > 200:
        raise ApiError(400, "reason_too_long", "原因不超过 200 字。")
    live = live_status(s, cert, on)
    if live.status == "revoked":
        raise ApiError(409, "revoked", "合格证已吊销，不能再更改。")
    if action == "reinstate" and not _manually_suspended(s, cert):
        raise ApiError(409, "not_suspended", "这张合格证没有被人工暂停，无需恢复。")
    event = cls(on=on, serial=cert.serial, reason=reason, by=user.display_name, post=cert.post.code)
    record_event(s, cert.person, event, recorded_by=user.id)


# --- the live status -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Live:
    """A certificate's status today, from the rules, with the standing it came from."""

    cert: Certificate
    status: str  # valid | expiring | suspended | revoked | expired
    reason: str | None
    standing: PostStanding

    @property
    def status_name(self) -> str:
        return rules.CERTIFICATE_STATUS_NAMES[self.status]

    @property
    def tone(self) -> str:
        return STATUS_TONES[self.status]


def _live(cert: Certificate, ps: PostStanding) -> Live:
    state = next((c for c in ps.standing.certificates if c.serial == cert.serial), None)
    if state is None:  # the issuing event is dated after today (cannot happen through `issue`)
        return Live(cert, "suspended", "证书尚未生效", ps)
    return Live(cert, state.status, state.reason, ps)


def live_status(s: Session, cert: Certificate, today: date | None = None) -> Live:
    return _live(cert, standing_of(s, cert.person, cert.post, today or clock.today()))


def live_many(s: Session, certs: list[Certificate], today: date | None = None) -> list[Live]:
    """Live status of many certificates, loading each person's events once."""
    today = today or clock.today()
    people = {c.person_id: c.person for c in certs}
    standings = standings_of(s, list(people.values()), today)
    out = []
    for cert in certs:
        ps = next((p for p in standings.get(cert.person_id, []) if p.post.id == cert.post_id), None)
        if ps is None:  # no longer on that post: compute for the certificate's post anyway
            ps = standing_of(s, cert.person, cert.post, today)
        out.append(_live(cert, ps))
    return out


def _manually_suspended(s: Session, cert: Certificate) -> bool:
    """Is the latest suspend/reinstate event of this certificate a suspension?"""
    changes = [
        e for e in history_of(s, cert) if e.kind in ("certificate_suspended", "certificate_reinstated")
    ]
    return bool(changes) and changes[-1].kind == "certificate_suspended"


def history_of(s: Session, cert: Certificate) -> list[Event]:
    """The certificate's events (issued, suspended, revoked, reinstated), oldest first."""
    rows = s.scalars(
        select(Event)
        .where(Event.person_id == cert.person_id, Event.kind.in_(CERTIFICATE_EVENT_KINDS))
        .order_by(Event.occurred_on, Event.id)
    )
    return [r for r in rows if (r.data or {}).get("serial") == cert.serial]


# --- verification ----------------------------------------------------------------------------------------


def find_by_token(s: Session, text: str) -> Certificate:
    """The certificate a scanned token (or verify URL) names. TokenRefused (400) when the signature does
    not hold, CertificateNotFound (404) when it holds but no such certificate was issued here."""
    try:
        claims = verify_token(token_from_text(text), signing_key().public_key())
    except InvalidToken as e:
        raise TokenRefused(str(e)) from None
    cert = s.scalar(select(Certificate).where(Certificate.serial == claims.serial))
    if cert is None or cert.token != token_from_text(text).strip():
        raise CertificateNotFound("签名有效，但本系统没有这张合格证的记录。")
    return cert


def public_json(s: Session, live: Live) -> dict[str, Any]:
    """What anyone may see: DESIGN §5 `{status, holder (masked), post, expires}` and the page's details.
    Never the full name, never the ID number."""
    cert = live.cert
    return {
        "status": live.status,
        "status_name": live.status_name,
        "reason": live.reason,
        "holder": mask_name(cert.person.name),
        "post": cert.post.code,
        "post_name": cert.post.name,
        "serial": cert.serial,
        "kind": cert.kind,
        "issued": cert.issued_on.isoformat(),
        "expires": cert.expires_on.isoformat(),
        "organisation": s.get(Organisation, cert.organisation_id).name,
    }


# --- listing ---------------------------------------------------------------------------------------------


def certificates_of(s: Session, person: Person) -> list[Certificate]:
    return list(
        s.scalars(
            select(Certificate)
            .where(Certificate.person_id == person.id)
            .order_by(Certificate.issued_on.desc())
        )
    )


def latest_per_person_post(certs: Iterable[Certificate]) -> list[Certificate]:
    """Only the newest certificate of each person × post (older ones are superseded)."""
    newest: dict[tuple[int, int], Certificate] = {}
    for c in certs:
        key = (c.person_id, c.post_id)
        if key not in newest or (c.issued_on, c.id) > (newest[key].issued_on, newest[key].id):
            newest[key] = c
    return sorted(newest.values(), key=lambda c: (c.expires_on, c.serial))


def list_live(
    s: Session,
    org_ids: Iterable[int],
    *,
    status: str | None = None,
    within_days: int | None = None,
    today: date | None = None,
    include_superseded: bool = False,
) -> list[Live]:
    """Certificates of the organisations with their live status; `within_days`: expiring by then (and
    not yet expired)."""
    today = today or clock.today()
    query = select(Certificate).where(Certificate.organisation_id.in_(list(org_ids)))
    if within_days is not None:
        query = query.where(
            Certificate.expires_on >= today, Certificate.expires_on <= today + timedelta(days=within_days)
        )
    certs = list(s.scalars(query.order_by(Certificate.expires_on, Certificate.serial)))
    if not include_superseded:
        certs = latest_per_person_post(certs)
    lives = live_many(s, certs, today)
    if status:
        lives = [live for live in lives if live.status == status]
    return lives


# --- the printable certificate ---------------------------------------------------------------------------


def core_certificate(s: Session, cert: Certificate) -> CoreCertificate:
    org = s.get(Organisation, cert.organisation_id)
    return CoreCertificate(
        serial=cert.serial,
        holder=cert.person.name,
        post_code=cert.post.code,
        post_name=cert.post.name,
        organisation=org.name,
        issued=cert.issued_on,
        expires=cert.expires_on,
        kind=cert.kind,
    )


def pdf_of(s: Session, cert: Certificate) -> bytes:
    font = current_app.config.get("CJK_FONT") or find_cjk_font()
    return certificate_pdf(core_certificate(s, cert), template_for(cert.kind), url_of(cert), font)


# --- external special-operation certificates (特种作业操作证) -------------------------------------------------


def record_special(
    s: Session,
    person: Person,
    *,
    number: str,
    kind: str,
    issued: date,
    review_due: date | None,
    expires: date | None,
    post_code: str | None,
    recorded_by: int | None,
    on: date,
) -> SpecialCertificate:
    """Record (or re-record after a review/renewal) a 特种作业操作证: a `special_certificate_recorded` event
    and the row for listing. Missing dates follow the organisation's policy (review 3 years, valid 6)."""
    number, kind = " ".join(number.split()), " ".join(kind.split())
    if not number:
        raise ApiError(400, "number_required", "请填写操作证号。")
    if not kind:
        raise ApiError(400, "kind_required", "请填写作业类别。")
    if issued > on:
        raise ApiError(400, "issued_in_future", "发证日期不能晚于今天。")
    from webapp.standing.service import policy_of

    policy = policy_of(s.get(Organisation, person.organisation_id))
    review_due = review_due or add_years(issued, policy.special_cert_review_years)
    expires = expires or add_years(issued, policy.special_cert_validity_years)
    if review_due < issued or expires < issued:
        raise ApiError(400, "bad_dates", "复审日期和有效期至不能早于发证日期。")
    event = record_event(
        s,
        person,
        rules.SpecialCertificateRecorded(
            on=on,
            number=number,
            kind=kind,
            issued=issued,
            review_due=review_due,
            expires=expires,
            post=post_code,
        ),
        recorded_by=recorded_by,
    )
    row = s.scalar(
        select(SpecialCertificate).where(
            SpecialCertificate.person_id == person.id, SpecialCertificate.number == number
        )
    )
    if row is None:
        row = SpecialCertificate(organisation_id=person.organisation_id, person_id=person.id, number=number)
        s.add(row)
    row.kind, row.post_code, row.issued_on, row.review_due, row.expires_on = (
        kind,
        post_code,
        issued,
        review_due,
        expires,
    )
    row.recorded_at, row.recorded_by, row.event_id = clock.now(), recorded_by, event.id
    s.flush()
    return row


def special_json(due: SpecialDue) -> dict[str, Any]:
    row = due.row
    return {
        "person_id": row.person_id,
        "holder": row.person.name,
        "employee_no": row.person.employee_no,
        "number": row.number,
        "kind": row.kind,
        "post": row.post_code,
        "issued": row.issued_on.isoformat(),
        "review_due": row.review_due.isoformat(),
        "expires": row.expires_on.isoformat(),
        "next": due.what,
        "next_name": due.what_name,
        "due": due.due.isoformat(),
        "days_left": due.days,
    }


def add_years(d: date, years: int) -> date:
    return add_months(d, 12 * years)


@dataclass(frozen=True)
class SpecialDue:
    row: SpecialCertificate
    what: str  # review | expiry | review_overdue | expired
    due: date
    days: int  # days left (negative: overdue)

    @property
    def what_name(self) -> str:
        return {"review": "待复审", "expiry": "将到期", "review_overdue": "逾期未复审", "expired": "已过期"}[
            self.what
        ]

    @property
    def tone(self) -> str:
        return "bad" if self.days < 0 else "warn"


def special_status(row: SpecialCertificate, today: date) -> SpecialDue:
    """What is next for this certificate: the earlier of its review and its expiry."""
    if row.expires_on < today:
        return SpecialDue(row, "expired", row.expires_on, (row.expires_on - today).days)
    if row.review_due < today:
        return SpecialDue(row, "review_overdue", row.review_due, (row.review_due - today).days)
    if row.review_due < row.expires_on:
        return SpecialDue(row, "review", row.review_due, (row.review_due - today).days)
    return SpecialDue(row, "expiry", row.expires_on, (row.expires_on - today).days)


def specials_due(
    s: Session, org_ids: Iterable[int], within_days: int, today: date | None = None
) -> list[SpecialDue]:
    """特种作业操作证 due for review or expiring within `within_days` (overdue ones first)."""
    today = today or clock.today()
    limit = today + timedelta(days=within_days)
    rows = s.scalars(
        select(SpecialCertificate).where(
            SpecialCertificate.organisation_id.in_(list(org_ids)),
            (SpecialCertificate.review_due <= limit) | (SpecialCertificate.expires_on <= limit),
        )
    )
    return sorted((special_status(r, today) for r in rows), key=lambda d: (d.due, d.row.number))


def specials_of(s: Session, person: Person) -> list[SpecialCertificate]:
    return list(
        s.scalars(
            select(SpecialCertificate)
            .where(SpecialCertificate.person_id == person.id)
            .order_by(SpecialCertificate.expires_on.desc())
        )
    )


# --- the demo ------------------------------------------------------------------------------------------------

DEMO_SPECIAL_KINDS = {
    "welding": "熔化焊接与热切割作业",
    "low-voltage-electrician": "低压电工作业",
    "work-at-height": "高处安装、维护、拆除作业",
    "hazardous-chemicals": "危险化学品安全作业",
    "forklift": "场（厂）内专用机动车辆作业（叉车）",
    "confined-space": "有限空间作业",
}


def seed_demo_certificates(s: Session, workers: list[dict], now: datetime, base: str | None = None) -> None:
    """Give every demo worker a valid certificate, issued through `issue` as after a passed qualification
    exam (pre-job training and the exam recorded as events first); special-operation posts get a
    特种作业操作证 on file, the first one due for review within 30 days. Adds `certificate_url` to each
    worker dict. Idempotent: a worker who already holds a certificate for the post keeps it."""
    today = clock.local(now).date()  # type: ignore[union-attr]
    qualified_on = today - timedelta(days=60)
    first_special = True
    for w in workers:
        person = s.get(Person, w["person_id"])
        post = s.scalar(select(Post).where(Post.code == w["post"]))
        cert = s.scalar(
            select(Certificate)
            .where(Certificate.person_id == person.id, Certificate.post_id == post.id)
            .order_by(Certificate.issued_on.desc(), Certificate.id.desc())
        )
        org = s.get(Organisation, person.organisation_id)
        if cert is None:
            hours = 72.0 if org.high_risk or post.risk == "high" else 24.0
            for i, level in enumerate(("factory", "workshop", "team")):
                record_event(
                    s,
                    person,
                    rules.TrainingCompleted(
                        on=qualified_on - timedelta(days=10 - 3 * i),
                        level=level,  # type: ignore[arg-type]
                        hours=hours / 3,
                        session_id=f"demo-{person.id}-{level}",
                        post=None if level == "factory" else post.code,
                    ),
                    recorded_by=None,
                )
            record_event(
                s,
                person,
                rules.ExamTaken(
                    on=qualified_on, kind="qualification", passed=True, score=92.0, post=post.code
                ),
                recorded_by=None,
            )
            cert = issue(s, person, post, kind="qualification", on=qualified_on)
        if post.special_operation and not s.scalar(
            select(SpecialCertificate.id).where(SpecialCertificate.person_id == person.id)
        ):
            # The first one was issued almost three years ago: its review is due within a month.
            issued = (
                add_years(today + timedelta(days=20), -3) if first_special else today - timedelta(days=400)
            )
            record_special(
                s,
                person,
                number=f"T{person.id:04d}{issued:%Y%m%d}",
                kind=DEMO_SPECIAL_KINDS.get(post.code, post.name + "作业"),
                issued=issued,
                review_due=None,
                expires=None,
                post_code=post.code,
                recorded_by=None,
                on=qualified_on,
            )
        if post.special_operation:
            first_special = False
        w["certificate_url"] = url_of(cert, base)
    s.flush()


def certificates_json(s: Session, ps: PostStanding) -> list[dict[str, Any]]:
    """The person's certificates (合格证) for the post with their live status and verify URL (the
    `certificates` part of a standing's JSON)."""
    rows = [c for c in certificates_of(s, ps.person) if c.post_id == ps.post.id]
    return [
        {
            "serial": live.cert.serial,
            "post": ps.post.code,
            "kind": live.cert.kind,
            "issued": live.cert.issued_on.isoformat(),
            "expires": live.cert.expires_on.isoformat(),
            "status": live.status,
            "status_name": live.status_name,
            "reason": live.reason,
            "url": url_of(live.cert),
        }
        for live in live_many(s, rows, ps.standing.on)
    ]
