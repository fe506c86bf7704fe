"""Exam pages. The exam page itself renders questions from the API (webapp/static/exam.js)."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import DateTimeLocalField, SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Optional

from quizbank.model import EXAM_KIND_NAMES, OPTION_LABELS, PART_NAMES, QUESTION_TYPE_NAMES
from webapp.bank.models import HandbookSection, QuestionSet
from webapp.bank.sets import bank_rows
from webapp.exams import service
from webapp.exams.api import own_attempt, post_by_code
from webapp.exams.lean import install as install_lean_path
from webapp.exams.models import Attempt, Exam
from webapp.exams.service import next_steps
from webapp.infra import clock
from webapp.infra.db import session
from webapp.infra.errors import ApiError
from webapp.infra.nav import HOME_SECTIONS, NavItem
from webapp.infra.security import current_person, get_owned, require_role, scoped, signed_in
from webapp.org.models import Department, Post

bp = Blueprint("exams", __name__)
bp.record_once(lambda state: install_lean_path(state.app))  # the answer path below Flask (webapp.exams.lean)

NAV = [
    NavItem("exams.index", "我的考试", ("worker",), "被安排的考试与成绩"),
    NavItem("exams.practice", "练习", ("worker",), "按岗位和手册章节练习，答完即看解析"),
    NavItem("exams.wrong_book", "错题本", ("worker",), "答错的题，再练一遍"),
    NavItem("exams.schedule", "安排考试", ("trainer", "admin"), "按岗位、部门安排考试"),
]


@bp.app_template_global()
def kind_name(kind: str) -> str:
    return EXAM_KIND_NAMES.get(kind, kind)


@bp.app_template_global()
def option_label(i: int) -> str:
    return OPTION_LABELS[i] if 0 <= i < len(OPTION_LABELS) else str(i + 1)


def _worker_home(user):
    person = current_person()
    if person is None or not user.has_role("worker"):
        return None
    return {
        "template": "exams/_home_worker.html",
        "exams": service.assigned_exams(session, person, clock.now()),
        "recent": _my_attempts(person, limit=5),
    }


HOME_SECTIONS.append(_worker_home)


def _person():
    person = current_person()
    if person is None:
        abort(403)
    return person


def _my_attempts(person, limit: int | None = None):
    query = (
        select(Attempt)
        .where(
            Attempt.person_id == person.id,
            Attempt.submitted_at.is_not(None),
            # practice is not an exam; a voided spot test (webapp.inspections) has no result
            Attempt.kind.not_in(("practice", "spot_voided")),
        )
        .order_by(Attempt.submitted_at.desc())
    )
    if limit:
        query = query.limit(limit)
    return session.scalars(query).all()


@bp.get("/exams")
@require_role("worker")
def index():
    person = _person()
    return render_template(
        "exams/index.html",
        exams=service.assigned_exams(session, person, clock.now()),
        attempts=_my_attempts(person),
    )


@bp.post("/exams/<int:exam_id>/start")
@require_role("worker")
def start(exam_id: int):
    if current_user.person_id is not None:  # a first start: stored in two statements
        fresh = service.start_fresh_exam_attempt(
            session, person_id=current_user.person_id, organisation_id=current_user.organisation_id,
            exam_id=exam_id, now=clock.now(), started_by=current_user.id,
        )  # fmt: skip
        if fresh is not None:
            return redirect(url_for("exams.attempt_page", attempt_id=fresh.id))
    exam = get_owned(Exam, exam_id)
    try:
        attempt = service.start_exam_attempt(session, _person(), exam, clock.now(), current_user.id)
    except ApiError as e:
        if e.code == 404:
            raise
        flash(e.description)
        return redirect(url_for("exams.index"))
    return redirect(url_for("exams.attempt_page", attempt_id=attempt.id))


@bp.get("/attempts/<int:attempt_id>")
@require_role("worker", "inspector")
def attempt_page(attempt_id: int):
    attempt = own_attempt(attempt_id)
    service.finalize_if_expired(session, attempt, clock.now())
    if attempt.is_submitted:
        return redirect(url_for("exams.result", attempt_id=attempt.id))
    return render_template("exams/attempt.html", attempt=attempt)


def _answers_withheld(person_id: int, title: str):
    """While the person sits an exam or spot test, pages that show answers show this instead (409): the
    questions come from the same bank. None when nothing is in progress."""
    open_attempt = service.open_exam_attempt(session, person_id, clock.now())
    if open_attempt is None:
        return None
    return render_template("exams/exam_in_progress.html", title=title, open_attempt=open_attempt), 409


@bp.get("/attempts/<int:attempt_id>/result")
@require_role("worker", "inspector")
def result(attempt_id: int):
    attempt = own_attempt(attempt_id)
    service.finalize_if_expired(session, attempt, clock.now())
    if not attempt.is_submitted:
        return redirect(url_for("exams.attempt_page", attempt_id=attempt.id))
    withheld = _answers_withheld(attempt.person_id, "成绩")
    if withheld is not None:
        return withheld
    rows = service.question_rows(session, attempt)
    data = service.result_json(session, attempt, rows)
    questions = []
    for entry, item in zip(attempt.layout, data["results"], strict=True):
        row = rows[entry["pk"]]
        questions.append({"row": row, "options": [row.options[i] for i in entry["order"]], "item": item})
    return render_template(
        "exams/result.html", attempt=attempt, result=data, questions=questions, type_names=QUESTION_TYPE_NAMES,
        next_steps=next_steps.after_failure(session, attempt, clock.today()),
    )  # fmt: skip


# --- practice, 错题本, handbook ---------------------------------------------------------------------------


def _my_posts(person) -> list[Post]:
    ids = service.person_post_ids(session, person)
    return session.scalars(select(Post).where(Post.id.in_(ids)).order_by(Post.code)).all() if ids else []


def _sections_for(post: Post, organisation_id: int) -> list[HandbookSection]:
    """The handbook sections the post's questions cite, in handbook order."""
    cited = {r.section for r in bank_rows(session, post.code, organisation_id) if r.section}
    if not cited:
        return []
    rows = session.scalars(
        scoped(select(HandbookSection).join(QuestionSet), QuestionSet)
        .where(HandbookSection.section_id.in_(cited), QuestionSet.retired_at.is_(None))
        .order_by(HandbookSection.part, HandbookSection.set_id, HandbookSection.position)
    ).all()
    seen, out = set(), []
    for r in rows:
        if r.section_id not in seen:
            seen.add(r.section_id)
            out.append(r)
    return out


@bp.get("/practice")
@require_role("worker")
def practice():
    person = _person()
    posts = _my_posts(person)
    return render_template(
        "exams/practice.html",
        posts=[(p, _sections_for(p, person.organisation_id)) for p in posts],
        part_names=PART_NAMES,
    )


@bp.post("/practice/start")
@require_role("worker")
def practice_start():
    person = _person()
    try:
        post = post_by_code(request.form.get("post", ""))
        attempt = service.start_practice_attempt(
            session,
            person,
            post,
            clock.now(),
            section=request.form.get("section") or None,
            wrong_only=request.form.get("wrong") == "1",
            started_by=current_user.id,
        )
    except ApiError as e:
        flash(e.description)
        return redirect(url_for("exams.practice"))
    return redirect(url_for("exams.attempt_page", attempt_id=attempt.id))


@bp.get("/wrong-book")
@require_role("worker")
def wrong_book():
    person = _person()
    withheld = _answers_withheld(person.id, "错题本")
    if withheld is not None:
        return withheld
    items = service.wrong_book(session, person)
    posts = {p.id: p for p in _my_posts(person)}
    return render_template("exams/wrong_book.html", items=items, posts=posts, type_names=QUESTION_TYPE_NAMES)


@bp.get("/handbook/<int:set_id>/<section_id>")
@signed_in
def handbook_section(set_id: int, section_id: str):
    qset = get_owned(QuestionSet, set_id)
    section = session.scalar(
        select(HandbookSection).where(
            HandbookSection.set_id == qset.id, HandbookSection.section_id == section_id
        )
    )
    if section is None:
        abort(404)
    return render_template("exams/handbook_section.html", qset=qset, section=section, part_names=PART_NAMES)


# --- scheduling (trainers) -------------------------------------------------------------------------------


class ScheduleForm(FlaskForm):
    title = StringField("考试名称", validators=[DataRequired("请填写考试名称")])
    post = SelectField("岗位", validators=[DataRequired("请选择岗位")])
    department = SelectField("部门", validators=[Optional()])
    kind = SelectField(
        "考试类型", choices=[SelectChoice(k, EXAM_KIND_NAMES[k]) for k in service.SCHEDULABLE_KINDS]
    )
    opens_at = DateTimeLocalField(
        "开始时间", format="%Y-%m-%dT%H:%M", validators=[DataRequired("请填写开始时间")]
    )
    closes_at = DateTimeLocalField(
        "结束时间", format="%Y-%m-%dT%H:%M", validators=[DataRequired("请填写结束时间")]
    )


@bp.route("/exams/schedule", methods=["GET", "POST"])
@require_role("trainer", "admin")
def schedule():
    org_id = current_user.organisation_id
    posts = session.scalars(
        scoped(select(Post), Post).where(Post.retired_at.is_(None)).order_by(Post.code)
    ).all()
    departments = session.scalars(
        select(Department)
        .where(Department.organisation_id == org_id, Department.active.is_(True))
        .order_by(Department.name)
    ).all()
    form = ScheduleForm()
    form.post.choices = [SelectChoice(p.code, p.name) for p in posts]
    form.department.choices = [SelectChoice("", "全部部门")] + [
        SelectChoice(str(d.id), d.name) for d in departments
    ]
    if request.method == "GET":
        start_local = clock.local(clock.now()).replace(second=0, microsecond=0, tzinfo=None)
        form.opens_at.data = start_local
        form.closes_at.data = start_local + timedelta(days=7)
    error = None
    if form.validate_on_submit():
        post = next(p for p in posts if p.code == form.post.data)
        department_id = int(form.department.data) if form.department.data else None
        if department_id is not None and department_id not in {d.id for d in departments}:
            abort(404)
        try:
            service.schedule_exam(
                session,
                organisation_id=org_id,
                title=form.title.data,
                post=post,
                kind=form.kind.data,
                opens_at=form.opens_at.data.replace(tzinfo=clock.SHANGHAI).astimezone(clock.UTC),
                closes_at=form.closes_at.data.replace(tzinfo=clock.SHANGHAI).astimezone(clock.UTC),
                department_id=department_id,
                created_by=current_user.id,
            )
        except ApiError as e:
            error = e.description
        else:
            flash("考试已安排。")
            return redirect(url_for("exams.schedule"))
    exams = session.scalars(
        select(Exam)
        .where(Exam.organisation_id == org_id)
        .options(selectinload(Exam.person))
        .order_by(Exam.opens_at.desc())
        .limit(50)
    ).all()
    return render_template("exams/schedule.html", form=form, exams=exams, error=error, now=clock.now())
