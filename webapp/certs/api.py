"""The certificates' JSON API: public verify and public key, the staff list, suspend/revoke/reinstate, and the
特种作业操作证 due list (described in webapp.certs.openapi)."""

from __future__ import annotations

from flask import (
    Response,
    jsonify,
    request,
)
from flask_login import current_user

from webapp.certs import service
from webapp.certs.blueprint import MANAGERS, bp, status_filter, within_filter
from webapp.certs.models import Certificate
from webapp.infra import clock
from webapp.infra.db import session
from webapp.infra.security import (
    get_owned,
    public,
    require_role,
    visible_org_ids,
)


@bp.get("/api/v1/certificates/verify/<token>")
@public
def api_verify(token: str):
    cert = service.find_by_token(session, token)
    live = service.live_status(session, cert)
    return jsonify(service.public_json(session, live))


@bp.get("/api/v1/certificates/public-key")
@public
def public_key():
    return Response(
        service.public_key_pem(),
        mimetype="application/x-pem-file",
        headers={"Content-Disposition": 'inline; filename="quizbank-signing-key.pub.pem"'},
    )


@bp.get("/api/v1/certificates")
@require_role("trainer", "hr", "admin", "inspector")
def api_list():
    lives = service.list_live(session, visible_org_ids(), status=status_filter(), within_days=within_filter())
    return jsonify(
        [
            {
                "id": live.cert.id,
                "person_id": live.cert.person_id,
                "holder": live.cert.person.name,
                "employee_no": live.cert.person.employee_no,
                "url": service.url_of(live.cert),
                **service.public_json(session, live),
            }
            for live in lives
        ]
    )


def _api_change(cert_id: int, action: str):
    cert = get_owned(Certificate, cert_id)
    data = request.get_json(silent=True) or {}
    service.change(session, cert, action, str(data.get("reason") or ""), current_user, clock.today())
    session.flush()
    return jsonify(service.public_json(session, service.live_status(session, cert)))


@bp.post("/api/v1/certificates/<int:cert_id>/suspend")
@require_role(*MANAGERS)
def api_suspend(cert_id: int):
    return _api_change(cert_id, "suspend")


@bp.post("/api/v1/certificates/<int:cert_id>/revoke")
@require_role(*MANAGERS)
def api_revoke(cert_id: int):
    return _api_change(cert_id, "revoke")


@bp.post("/api/v1/certificates/<int:cert_id>/reinstate")
@require_role(*MANAGERS)
def api_reinstate(cert_id: int):
    return _api_change(cert_id, "reinstate")


@bp.get("/api/v1/special-certificates")
@require_role("trainer", "hr", "admin", "inspector")
def api_special_due():
    dues = service.specials_due(session, visible_org_ids(), within_filter() or 30)
    return jsonify([service.special_json(d) for d in dues])
