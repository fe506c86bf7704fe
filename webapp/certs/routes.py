"""Certificate pages: the public verify page, the worker's 我的证书 with QR and PDF, the staff lists (status,
expiring within 30/60/90 days), suspension/revocation, and the external 特种作业操作证 records with their due
list. The JSON API is in webapp.certs.api, on the same blueprint."""

from __future__ import annotations

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields import SelectChoice

from quizbank import rules
from quizbank.certificates import InvalidToken, qr_png, qr_svg, token_from_text
from webapp.certs import service
from webapp.certs.blueprint import MANAGERS, STAFF, STATUS_FILTERS, bp, status_filter, within_filter
from webapp.certs.forms import ChangeForm, SpecialForm
from webapp.certs.models import Certificate, SpecialCertificate
from webapp.certs.openapi import OPENAPI
from webapp.infra import clock
from webapp.infra.db import session
from webapp.infra.errors import ApiError
from webapp.infra.nav import NavItem
from webapp.infra.security import (
    current_person,
    get_owned,
    public,
    require_role,
    scoped,
    signed_in,
    visible_org_ids,
)
from webapp.org.models import Department, Organisation, Person, Post
from webapp.standing.service import policy_of, standing_json

NAV = [
    NavItem("certs.mine", "我的证书", ("worker",), "合格证、二维码和打印版"),
    NavItem("certs.index", "合格证", ("trainer", "hr", "admin"), "合格证状态、即将到期、暂停与吊销"),
    NavItem("certs.special_due", "特种作业操作证", ("trainer", "hr", "admin"), "登记操作证，复审与到期提醒"),
]


__all__ = ["NAV", "OPENAPI", "bp"]


# --- public: verify page, verify API, public key ---------------------------------------------------------


def _spot_test_link(cert: Certificate) -> dict | None:
    """Where this inspector starts a spot test for the holder: the holder's page in their open inspection of
    the holder's department (its 开始抽考 hands the tablet over), else a form to open one for that department."""
    if "inspections.person" not in current_app.view_functions:
        return None
    from webapp.inspections.models import Inspection

    person = cert.person
    query = select(Inspection).where(
        Inspection.inspector_id == current_user.id,
        Inspection.closed_at.is_(None),
        Inspection.organisation_id == cert.organisation_id,
    )
    if person.department_id is not None:
        query = query.where(Inspection.department_id == person.department_id)
    open_one = session.scalar(query.order_by(Inspection.opened_at.desc()))
    if open_one is not None:
        return {
            "url": url_for("inspections.person", inspection_id=open_one.id, person_id=person.id),
            "label": "对此人进行逢查必考",
        }
    if person.department_id is None:
        return None
    return {
        "open_url": url_for("inspections.open_page"),
        "department_id": person.department_id,
        "label": "先对其所在部门开始检查",
    }


@bp.get("/verify")
@public
def verify_form():
    text = (request.args.get("t") or "").strip()
    if text:
        try:
            token = token_from_text(text)
        except InvalidToken:
            token = text
        return redirect(url_for("certs.verify_page", token=token))
    return render_template("certs/verify_form.html")


@bp.get("/verify/<token>")
@public
def verify_page(token: str):
    today = clock.today()
    try:
        cert = service.find_by_token(session, token)
    except ApiError as e:
        return render_template("certs/verify_refused.html", message=e.description, status=e.code), e.code
    live = service.live_status(session, cert, today)
    data = service.public_json(session, live)
    staff = None
    if (
        current_user.is_authenticated
        and current_user.has_role(*STAFF)
        and cert.organisation_id in visible_org_ids()
    ):
        staff = {
            "name": cert.person.name,
            "employee_no": cert.person.employee_no,
            "department": cert.person.department.name if cert.person.department else "",
            "standing": standing_json(live.standing),
            "specials": service.specials_of(session, cert.person),
            "spot_test": _spot_test_link(cert) if current_user.has_role("inspector") else None,
            "detail_url": url_for("certs.detail", cert_id=cert.id)
            if current_user.has_role("trainer", "hr", "admin")
            else None,
        }
    policy = policy_of(session.get(Organisation, cert.organisation_id))
    return render_template(
        "certs/verify.html",
        live=live,
        data=data,
        staff=staff,
        today=today,
        special_documents=rules.DOCUMENTS,
        special_terms=lambda row: service.terms_note(row, policy),
    )


# --- a certificate's QR and PDF (the holder, or staff of its organisation) -------------------------------


def _readable(cert_id: int) -> Certificate:
    cert = session.get(Certificate, cert_id)
    if cert is None:
        abort(404)
    mine = current_user.person_id is not None and cert.person_id == current_user.person_id
    staff = current_user.has_role(*STAFF) and cert.organisation_id in visible_org_ids()
    if not (mine or staff):
        abort(404)
    return cert


@bp.get("/certificates/<int:cert_id>/qr.png")
@signed_in
def qr_image(cert_id: int):
    cert = _readable(cert_id)
    return Response(qr_png(service.url_of(cert), box_size=8), mimetype="image/png")


@bp.get("/certificates/<int:cert_id>/qr.svg")
@signed_in
def qr_vector(cert_id: int):
    cert = _readable(cert_id)
    return Response(qr_svg(service.url_of(cert)), mimetype="image/svg+xml")


@bp.get("/certificates/<int:cert_id>/certificate.pdf")
@signed_in
def pdf(cert_id: int):
    cert = _readable(cert_id)
    body = service.pdf_of(session, cert)
    name = f"{cert.serial}.pdf"
    return Response(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "private, no-store"},
    )


@bp.get("/me/certificates")
@signed_in
def mine():
    person = current_person()
    lives = service.live_many(session, service.certificates_of(session, person)) if person else []
    specials = service.specials_of(session, person) if person else []
    today = clock.today()
    return render_template(
        "certs/mine.html",
        lives=lives,
        specials=[service.special_status(r, today) for r in specials],
        person=person,
    )


# --- staff: lists, detail, suspend / revoke / reinstate ------------------------------------------------------


@bp.get("/certificates")
@require_role("trainer", "hr", "admin")
def index():
    status, within = status_filter(), within_filter()
    lives = service.list_live(session, visible_org_ids(), status=status, within_days=within)
    return render_template(
        "certs/index.html",
        lives=lives,
        status=status,
        within=within,
        statuses=STATUS_FILTERS,
        withins=service.WITHIN_CHOICES,
        names=rules.CERTIFICATE_STATUS_NAMES,
    )


@bp.get("/certificates/<int:cert_id>")
@require_role("trainer", "hr", "admin")
def detail(cert_id: int):
    cert = get_owned(Certificate, cert_id)
    live = service.live_status(session, cert)
    return render_template(
        "certs/detail.html",
        live=live,
        cert=cert,
        url=service.url_of(cert),
        form=ChangeForm() if current_user.has_role(*MANAGERS) else None,
        history=service.history_of(session, cert),
    )


@bp.post("/certificates/<int:cert_id>/status")
@require_role(*MANAGERS)
def change(cert_id: int):
    cert = get_owned(Certificate, cert_id)
    form = ChangeForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for e in errors:
                flash(e)
        return redirect(url_for("certs.detail", cert_id=cert.id))
    try:
        service.change(session, cert, form.action.data, form.reason.data, current_user, clock.today())
    except ApiError as e:
        flash(e.description)
        return redirect(url_for("certs.detail", cert_id=cert.id))
    flash(f"已{service.CHANGES[form.action.data][1]}合格证 {cert.serial}。")
    return redirect(url_for("certs.detail", cert_id=cert.id))


@bp.get("/special-certificates")
@require_role("trainer", "hr", "admin")
def special_due():
    within = within_filter() or 30
    dues = service.specials_due(session, visible_org_ids(), within)
    return render_template("certs/special_due.html", dues=dues, within=within, withins=service.WITHIN_CHOICES)


@bp.route("/special-certificates/new", methods=["GET", "POST"])
@require_role(*MANAGERS)
def special_new():
    org_id = current_user.organisation_id
    posts = session.scalars(
        scoped(select(Post), Post)
        .where(Post.special_operation.is_(True) | Post.certificate.is_not(None), Post.retired_at.is_(None))
        .order_by(Post.code)
    ).all()
    form = SpecialForm()
    form.post.choices = [SelectChoice("", "（不限岗位）")] + [SelectChoice(p.code, p.name) for p in posts]
    if request.method == "GET" and request.args.get("employee_no"):
        form.person.data = request.args["employee_no"]
    error = None
    if form.validate_on_submit():
        person = session.scalar(
            select(Person).where(
                Person.organisation_id == org_id, Person.employee_no == form.person.data.strip()
            )
        )
        if person is None:
            error = f"本单位没有工号为 {form.person.data.strip()} 的人员。"
        else:
            try:
                service.record_special(
                    session,
                    person,
                    number=form.number.data,
                    kind=form.kind.data,
                    issued=form.issued.data,
                    review_due=form.review_due.data,
                    expires=form.expires.data,
                    post_code=form.post.data or None,
                    recorded_by=current_user.id,
                    on=clock.today(),
                    document=form.document.data or "special_operation",
                )
            except ApiError as e:
                error = e.description
            else:
                name = rules.DOCUMENTS.get(form.document.data, "证件")
                flash(f"已登记 {person.name} 的{name} {form.number.data.strip()}。")
                return redirect(url_for("certs.special_due", within=90))
    recent = session.scalars(
        select(SpecialCertificate)
        .where(SpecialCertificate.organisation_id == org_id)
        .order_by(SpecialCertificate.recorded_at.desc())
        .limit(20)
    ).all()
    return render_template(
        "certs/special_new.html", form=form, error=error, kinds=service.SPECIAL_KINDS, recent=recent
    )


@bp.get("/people/<int:person_id>/certificates")
@require_role("trainer", "hr", "admin", "inspector")
def person_certificates(person_id: int):
    person = get_owned(Person, person_id)
    lives = service.live_many(session, service.certificates_of(session, person))
    today = clock.today()
    department = session.get(Department, person.department_id) if person.department_id else None
    return render_template(
        "certs/person.html",
        person=person,
        department=department,
        lives=lives,
        specials=[service.special_status(r, today) for r in service.specials_of(session, person)],
    )


from webapp.certs import api  # noqa: E402, F401  (registers the JSON routes on bp)
