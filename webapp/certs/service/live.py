"""A certificate's live status, recomputed from the events by the core, and the lists built on it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizbank import rules
from webapp.certs.models import Certificate
from webapp.certs.service.keys import url_of
from webapp.infra import clock
from webapp.infra.errors import ApiError
from webapp.org.models import Person
from webapp.standing.models import Event
from webapp.standing.service import PostStanding, standing_of, standings_of

STATUS_TONES = {"valid": "ok", "expiring": "warn", "suspended": "bad", "revoked": "bad", "expired": "bad"}
WITHIN_CHOICES = (30, 60, 90)


class CertificateNotFound(ApiError):
    def __init__(self, message: str = "没有找到这张合格证。") -> None:
        super().__init__(404, "certificate_not_found", message)


CERTIFICATE_EVENT_KINDS = (
    "certificate_issued",
    "certificate_suspended",
    "certificate_revoked",
    "certificate_reinstated",
)


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
