"""岗位管理 pages: the enterprise's posts and the built-in ones; create, edit, copy, merge, retire, delete."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from quizbank import rules
from webapp.infra import clock
from webapp.infra.db import session
from webapp.infra.errors import ApiError
from webapp.infra.nav import NavItem
from webapp.infra.security import require_role
from webapp.org.models import Department, Post
from webapp.posts import service
from webapp.posts.blueprint import MANAGERS, bp, post_input
from webapp.posts.openapi import OPENAPI  # noqa: F401  (create_app merges it)

NAV = [NavItem("posts.index", "岗位", MANAGERS, "本单位岗位：新建、改名、合并、停用；采用或复制内置岗位")]


def _org() -> int:
    return current_user.organisation_id


def _departments() -> list[Department]:
    return list(
        session.scalars(
            select(Department)
            .where(Department.organisation_id == _org(), Department.active.is_(True))
            .order_by(Department.name)
        )
    )


def _page(error: str | None = None, form: dict | None = None, status: int = 200):
    posts = service.usable_posts(session, _org(), include_retired=True)
    own = [p for p in posts if p.organisation_id is not None]
    builtin = [p for p in posts if p.organisation_id is None]
    return (
        render_template(
            "posts/index.html",
            own=own,
            builtin=builtin,
            usage={p.id: service.usage(session, p) for p in own},
            departments=_departments(),
            post_departments={p.id: service.departments_of(session, p) for p in own},
            categories=service.CATEGORIES,
            risks=service.RISKS,
            documents=rules.DOCUMENTS,
            error=error,
            form=form or {},
        ),
        status,
    )


@bp.get("/posts")
@require_role(*MANAGERS)
def index():
    return _page()


@bp.post("/posts")
@require_role(*MANAGERS)
def create():
    data = post_input(request.form, departments=request.form.getlist("departments"))
    try:
        post = service.create_post(session, _org(), data)
    except ApiError as e:
        return _page(e.description, request.form.to_dict(), 400)
    flash(f"已新建岗位“{post.name}”（{post.code}）。")
    return redirect(url_for("posts.index"))


@bp.post("/posts/copy/<code>")
@require_role(*MANAGERS)
def copy(code: str):
    from webapp.handbooks.service import copy_builtin_handbook

    source = service.usable_post(session, _org(), code)
    data = post_input(request.form)
    try:
        post = service.copy_post(session, _org(), source, data)
        copied = copy_builtin_handbook(session, _org(), source, post)
    except ApiError as e:
        return _page(e.description, request.form.to_dict(), 400)
    flash(
        f"已复制为本单位岗位“{post.name}”（{post.code}）"
        + (f"，手册 {copied} 节已复制为草稿。" if copied else "。")
    )
    return redirect(url_for("posts.edit", code=post.code))


@bp.route("/posts/<code>", methods=["GET", "POST"])
@require_role(*MANAGERS)
def edit(code: str):
    post = service.own_post(session, _org(), code)
    error = None
    status = 200
    if request.method == "POST":
        try:
            service.update_post(
                session, post, post_input(request.form, departments=request.form.getlist("departments"))
            )
        except ApiError as e:
            error, status = e.description, 400
        else:
            flash("岗位已保存。")
            return redirect(url_for("posts.edit", code=post.code))
    targets = [p for p in service.usable_posts(session, _org()) if p.id != post.id]
    return (
        render_template(
            "posts/edit.html",
            post=post,
            usage=service.usage(session, post),
            departments=_departments(),
            chosen={d.id for d in service.departments_of(session, post)},
            categories=service.CATEGORIES,
            risks=service.RISKS,
            targets=targets,
            merged_into=session.get(Post, post.merged_into_id) if post.merged_into_id else None,
            error=error,
            form=request.form.to_dict() if error else {},
        ),
        status,
    )


@bp.post("/posts/<code>/retire")
@require_role(*MANAGERS)
def retire(code: str):
    post = service.retire_post(session, service.own_post(session, _org(), code), clock.now())
    flash(f"岗位“{post.name}”已停用，历史记录保留。")
    return redirect(url_for("posts.index"))


@bp.post("/posts/<code>/reinstate")
@require_role(*MANAGERS)
def reinstate(code: str):
    post = service.reinstate_post(session, service.own_post(session, _org(), code))
    flash(f"岗位“{post.name}”已恢复使用。")
    return redirect(url_for("posts.edit", code=post.code))


@bp.post("/posts/<code>/delete")
@require_role(*MANAGERS)
def delete(code: str):
    post = service.own_post(session, _org(), code)
    name = post.name
    service.delete_post(session, post)
    flash(f"岗位“{name}”已删除。")
    return redirect(url_for("posts.index"))


@bp.post("/posts/<code>/merge")
@require_role(*MANAGERS)
def merge(code: str):
    source = service.own_post(session, _org(), code)
    target = service.usable_post(session, _org(), request.form.get("into", ""))
    moved = service.merge_posts(session, source, target, clock.now())
    flash(f"“{source.name}”已并入“{target.name}”，{moved} 人转入；原岗位的考试和证书记录保留。")
    return redirect(url_for("posts.index"))


from webapp.posts import api  # noqa: E402, F401  (registers the JSON routes on bp)
