"""Question bank pages for trainers: sets, upload → preview → commit, browse, edit, retire/restore."""

from __future__ import annotations

import io
from pathlib import PurePath

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields import SelectChoice

from quizbank import model
from quizbank.formats.text import letters
from quizbank.itemchecks import check_question
from webapp.bank import browsing, service
from webapp.bank.blueprint import bp
from webapp.bank.forms import ConfirmForm, QuestionForm, UploadForm
from webapp.bank.models import Question
from webapp.bank.template import template_workbook
from webapp.infra.db import session
from webapp.infra.paging import page_count, page_number, pager_args
from webapp.infra.security import get_owned, require_role, safe_next
from webapp.org.models import Post
from webapp.uploads.limits import Deadline, upload_limits
from webapp.uploads.service import load_preview, mark_committed, store_preview

TRAINER = ("trainer", "admin")
PER_PAGE = 50
PREVIEW_PER_PAGE = 100


def _org() -> int:
    return current_user.organisation_id


def _posts() -> list[Post]:
    return list(
        session.scalars(
            select(Post).where(Post.usable_by(_org()), Post.retired_at.is_(None)).order_by(Post.name)
        )
    )


@bp.get("/")
@require_role(*TRAINER)
def index():
    sets = browsing.visible_sets(session, _org())
    counts = browsing.question_counts(session, [r.id for r in sets])
    posts = {p.code: p.name for p in _posts()}
    return render_template("bank/index.html", sets=sets, counts=counts, posts=posts)


@bp.get("/template.xlsx")
@require_role(*TRAINER)
def template():
    return send_file(
        io.BytesIO(template_workbook()),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name="题库导入模板.xlsx",
    )


def _upload_form() -> UploadForm:
    form = UploadForm()
    form.post.choices = [SelectChoice("", "（请选择岗位）")] + [
        SelectChoice(p.code, p.name) for p in _posts()
    ]
    form.replaces.choices = [SelectChoice("", "不替换：作为新的题集")] + [
        SelectChoice(r.key, f"{r.title}（当前版本 {r.version}）")
        for r in service.imported_sets(session, _org())
        if r.retired_at is None
    ]
    return form


@bp.route("/import", methods=["GET", "POST"])
@require_role(*TRAINER)
def upload():
    form = _upload_form()
    error = None
    if form.validate_on_submit():
        upload = form.file.data
        filename = PurePath(upload.filename or "upload").name
        limits = upload_limits()
        data = upload.read(limits.max_bytes + 1)
        result = service.read_upload(
            data, filename, format=form.format.data, limits=limits, progress=Deadline(filename)
        )
        if not result.questions:
            reason = result.problems[0] if len(result.problems) == 1 else None
            error = f"没有可导入的题目：{reason}" if reason else "文件中没有可导入的题目"
            problems = [p for p in result.problems if reason is None]
            return render_template("bank/upload.html", form=form, error=error, problems=problems), 400
        payload = service.result_to_payload(result)
        payload["target"] = {
            "part": form.part.data,
            "post": form.post.data if form.part.data == "professional" else (form.post.data or None),
            "title": (form.title.data or "").strip() or PurePath(filename).stem,
            "replaces": form.replaces.data or None,
        }
        row = store_preview(
            session,
            kind="questions",
            organisation_id=_org(),
            user_id=current_user.id,
            filename=filename,
            payload=payload,
        )
        return redirect(url_for("bank.preview", token=row.token))
    status = 400 if request.method == "POST" else 200
    return render_template("bank/upload.html", form=form, error=error, problems=[]), status


def _target_post(target: dict) -> Post | None:
    if not target.get("post"):
        return None
    post = session.scalar(select(Post).where(Post.code == target["post"], Post.usable_by(_org())))
    if post is None:
        abort(400, "所选岗位已不存在，请重新上传")
    return post


@bp.get("/import/<token>")
@require_role(*TRAINER)
def preview(token: str):
    row = load_preview(session, token, kind="questions", organisation_id=_org(), user_id=current_user.id)
    payload = row.payload
    summary = service.summarise(payload)
    page = page_number()
    questions = payload["questions"][(page - 1) * PREVIEW_PER_PAGE : page * PREVIEW_PER_PAGE]
    target = payload["target"]
    post = _target_post(target)
    return render_template(
        "bank/preview.html",
        row=row,
        summary=summary,
        questions=questions,
        page=page,
        pages=page_count(summary.total, PREVIEW_PER_PAGE),
        first=(page - 1) * PREVIEW_PER_PAGE,
        target=target,
        post=post,
        form=ConfirmForm(),
        letters=letters,
    )


@bp.post("/import/<token>/commit")
@require_role(*TRAINER)
def commit(token: str):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    row = load_preview(
        session, token, kind="questions", organisation_id=_org(), user_id=current_user.id, for_update=True
    )
    mark_committed(row)
    target = row.payload["target"]
    part = target["part"]
    questions = [service.question_from_dict(d, part) for d in row.payload["questions"]]
    qset = service.import_questions_into(
        session,
        questions,
        organisation_id=_org(),
        post=_target_post(target),
        part=part,
        title=target["title"],
        replaces_key=target.get("replaces"),
    )
    flash(
        f"已导入 {len(questions)} 道题到题集“{qset.title}”（版本 {qset.version}），"
        "现为待审核草稿：请审核题目体检和疑似重复后发布。"
    )
    return redirect(url_for("bankreview.review", set_id=qset.id))


def _filters() -> browsing.Filters:
    a = request.args

    def text(name: str) -> str | None:
        return (a.get(name) or "").strip() or None

    set_id = text("set")
    difficulty = text("difficulty")
    status = a.get("status", "live")
    return browsing.Filters(
        set_id=int(set_id) if set_id and set_id.isdigit() else None,
        post=text("post"),
        type=text("type") if a.get("type") in model.QUESTION_TYPES else None,
        part=text("part") if a.get("part") in model.PARTS else None,
        section=text("section"),
        tag=text("tag"),
        difficulty=int(difficulty) if difficulty and difficulty.isdigit() else None,
        status=status if status in ("live", "retired", "all") else "live",
        q=text("q"),
    )


@bp.get("/questions")
@require_role(*TRAINER)
def questions():
    f = _filters()
    page = page_number()
    rows, total = browsing.browse(session, _org(), f, page=page, per_page=PER_PAGE)
    sets = browsing.visible_sets(session, _org())
    return render_template(
        "bank/questions.html",
        sections=browsing.section_names(session, sets),
        rows=rows,
        total=total,
        page=page,
        pages=page_count(total, PER_PAGE),
        f=f,
        args=pager_args(),
        sets=sets,
        posts=_posts(),
        form=ConfirmForm(),
        letters=letters,
        editable=lambda r: service.editable(r, _org()),
    )


@bp.route("/questions/<int:question_id>", methods=["GET", "POST"])
@require_role(*TRAINER)
def edit(question_id: int):
    row = get_owned(Question, question_id)
    can_edit = service.editable(row, _org())
    form = QuestionForm()
    if request.method == "GET":
        form.fill_from(row)
    elif not can_edit:
        abort(403, "内置题集的题目只读，不能修改")
    elif form.validate_on_submit():
        edited = form.to_question(row.ext_id, row.part)
        if edited is not None:
            new = service.revise(session, row, _org(), edited)
            flash(
                "已保存为待审核草稿：审核员发布后新组卷使用修改后的题目；已出过的试卷保留原题。"
                + "".join(f"\n体检：{f.message}" for f in check_question(edited))
            )
            return redirect(url_for("bank.edit", question_id=new.id))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "bank/edit.html", row=row, form=form, can_edit=can_edit, action=ConfirmForm(), letters=letters
    ), status


@bp.post("/questions/<int:question_id>/retire")
@require_role(*TRAINER)
def retire(question_id: int):
    row = get_owned(Question, question_id)
    service.retire(row, _org())
    flash("已停用：这道题不会再被抽到，已出过的试卷不受影响。")
    return redirect(_back(row))


@bp.post("/questions/<int:question_id>/restore")
@require_role(*TRAINER)
def restore(question_id: int):
    row = get_owned(Question, question_id)
    service.restore(row, _org())
    flash("已恢复使用。")
    return redirect(_back(row))


def _safe(target: str | None) -> bool:
    return bool(target) and safe_next(target, "") == target


def _back(row: Question) -> str:
    back = request.form.get("back")
    return back if _safe(back) else url_for("bank.edit", question_id=row.id)
