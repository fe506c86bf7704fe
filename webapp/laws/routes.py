"""The 法规标准库 pages: the enterprise's register (add, change status) and the 待复核 list."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.infra.db import session
from webapp.infra.errors import ApiError
from webapp.infra.nav import NavItem
from webapp.infra.security import require_role
from webapp.laws import service
from webapp.laws.blueprint import STAFF, bp
from webapp.laws.forms import ConfirmForm, EntryForm
from webapp.laws.openapi import OPENAPI

NAV = [NavItem("laws.index", "法规标准库", STAFF, "法规标准的现行状态；被替代的依据标记题目待复核")]


def _org() -> int:
    return current_user.organisation_id


def _page(form: EntryForm, status: int = 200, error: str | None = None):
    lines = service.register_lines(session, _org())
    flagged = service.flagged(session, _org())
    return render_template(
        "laws/index.html", lines=lines, form=form, error=error, flagged=len(flagged)
    ), status


@bp.get("/laws")
@require_role(*STAFF)
def index():
    form = EntryForm()
    key = request.args.get("edit")
    if key:
        line = service.lines_by_key(service.register_lines(session, _org())).get(service.entry_key(key))
        if line is not None:
            e = line.entry
            form.key.data, form.number.data, form.title.data = e.key, e.number, e.title
            form.issuer.data, form.status.data = e.issuer, e.status
            form.effective.data, form.withdrawn.data, form.replaced_by.data = (
                e.effective,
                e.withdrawn,
                e.replaced_by,
            )
    return _page(form)


@bp.post("/laws")
@require_role("trainer", "reviewer", "admin")
def save():
    form = EntryForm()
    if not form.validate_on_submit():
        return _page(form, 400, "请检查填写的内容（日期写成 2026-03-01）")
    data = {
        name: getattr(form, name).data
        for name in ("number", "title", "issuer", "status", "effective", "withdrawn", "replaced_by")
    }
    try:
        entry = service.save_entry(session, _org(), current_user.id, data, key=form.key.data or None)
    except ApiError as e:
        return _page(form, e.code, e.description)
    flash(f"已保存 {entry.label}：{entry.status}。")
    return redirect(url_for("laws.review" if not entry.in_force else "laws.index"))


@bp.get("/laws/review")
@require_role(*STAFF)
def review():
    return render_template("laws/review.html", items=service.flagged(session, _org()), form=ConfirmForm())


@bp.post("/laws/review/confirm")
@require_role("trainer", "reviewer", "admin")
def confirm():
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash("复核确认需要写明结论。")
        return redirect(url_for("laws.review"))
    service.accept_finding(
        session, _org(), current_user.id, form.subject.data, service.REVIEW_CHECK, form.reason.data
    )
    flash("已复核确认：这道题重新可以出题，已记入操作日志。")
    return redirect(url_for("laws.review"))


from webapp.laws import api  # noqa: E402, F401  (registers the JSON routes on bp)

__all__ = ["NAV", "OPENAPI", "bp"]
