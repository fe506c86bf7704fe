"""Review before live (待审核), the near-duplicate chooser and 题目体检 pages for trainers and reviewers."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from quizbank.formats.text import letters
from quizbank.itemchecks import CHECKS
from webapp.bankreview import service
from webapp.bankreview.forms import AcceptForm, PublishForm
from webapp.infra.db import session
from webapp.infra.errors import ApiError
from webapp.infra.nav import NavItem
from webapp.infra.security import require_role, safe_next
from webapp.laws.service import accept_finding
from webapp.org.models import Post

bp = Blueprint("bankreview", __name__, url_prefix="/bank")

STAFF = ("trainer", "reviewer", "admin")
NAV = [NavItem("bankreview.index", "题目审核", STAFF, "待审核的导入和修改、重复题、题目体检")]


def _org() -> int:
    return current_user.organisation_id


@bp.get("/review")
@require_role(*STAFF)
def index():
    return render_template("bankreview/index.html", sets=service.sets_with_drafts(session, _org()))


@bp.get("/review/<int:set_id>")
@require_role(*STAFF)
def review(set_id: int):
    rv = service.review(session, _org(), set_id)
    return render_template(
        "bankreview/review.html",
        rv=rv,
        form=PublishForm(),
        accept=AcceptForm(),
        may_publish=current_user.has_role("reviewer"),
        letters=letters,
        checks=CHECKS,
        severity_names=service.SEVERITY_NAMES,
        choice_names=service.CHOICE_NAMES,
        place=service.place,
    )


@bp.post("/review/<int:set_id>/publish")
@require_role("reviewer")
def publish(set_id: int):
    if not PublishForm().validate_on_submit():
        abort(400)
    # Every draft row on the page sends its id; the ticked ones are published, the unticked ones held back.
    shown = {int(v) for v in request.form.getlist("draft") if v.isdigit()}
    held = shown - {int(v) for v in request.form.getlist("publish") if v.isdigit()}
    choices = {
        int(k.removeprefix("dup-")): v
        for k, v in request.form.items()
        if k.startswith("dup-") and k.removeprefix("dup-").isdigit()
    }
    counts = service.publish(
        session, _org(), current_user.id, set_id, excluded=held, choices=choices, shown=shown
    )
    flash(
        f"已发布 {counts['published']} 道题；不导入 {counts['skipped']} 道重复题；"
        f"替换 {counts['replaced']} 道旧题；暂不发布 {counts['held']} 道。"
    )
    return redirect(url_for("bankreview.index"))


@bp.get("/health")
@require_role(*STAFF)
def health():
    posts = list(session.scalars(select(Post).where(Post.usable_by(_org())).order_by(Post.name)))
    post = request.args.get("post") or None
    if post is not None and post not in {p.code for p in posts}:
        post = None
    report = service.bank_health(session, _org(), [post] if post else None)
    return render_template(
        "bankreview/health.html",
        report=report,
        posts=posts,
        post=post,
        accept=AcceptForm(),
        checks=CHECKS,
        severity_names=service.SEVERITY_NAMES,
        place=service.place,
    )


@bp.post("/findings/accept")
@require_role("trainer", "reviewer", "admin")
def accept():
    form = AcceptForm()
    back = safe_next(form.next.data, url_for("bankreview.health"))
    if not form.validate_on_submit():
        flash("接受提示需要写明理由。")
        return redirect(back)
    try:
        accept_finding(session, _org(), current_user.id, form.subject.data, form.check.data, form.reason.data)
    except ApiError as e:
        flash(e.description)
        return redirect(back)
    flash("已接受这条提示，并记入操作日志。")
    return redirect(back)
