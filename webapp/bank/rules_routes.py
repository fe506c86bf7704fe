"""Blueprint (组卷规则) pages per post and exam kind, and the trainers' list of exams with their numbers."""

from __future__ import annotations

import re
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from quizbank import model
from quizbank.blueprints import blueprint_from_dict, blueprint_to_dict, describe_cell
from webapp.bank import paper_rules
from webapp.bank.blueprint import bp
from webapp.bank.forms import BlueprintForm
from webapp.exams.models import Exam
from webapp.exams.stats import exam_stats
from webapp.infra.db import session
from webapp.infra.security import require_role
from webapp.org.models import Post

TRAINER = ("trainer", "admin")
BLANK_ROWS = 2


def _post(code: str) -> Post:
    post = session.scalar(select(Post).where(Post.code == code, Post.usable_by(current_user.organisation_id)))
    if post is None:
        abort(404)
    return post


@bp.get("/blueprints")
@require_role(*TRAINER)
def blueprints():
    org = current_user.organisation_id
    posts = session.scalars(select(Post).where(Post.usable_by(org)).order_by(Post.name)).all()
    table = []
    for post in posts:
        bank = paper_rules.bank_for(session, org, post)
        cells = []
        for kind in model.EXAM_KINDS:
            bp_, own = paper_rules.effective(session, org, post, kind)
            short = paper_rules.shortfalls(bank, bp_)
            cells.append({"kind": kind, "blueprint": bp_, "own": own, "short": short})
        table.append({"post": post, "bank": len(bank), "cells": cells})
    return render_template("bank/blueprints.html", table=table, kinds=model.EXAM_KINDS)


def _rows_from(bp_: model.Blueprint) -> list[dict[str, Any]]:
    rows = [
        {"type": c.type, "part": c.part, "count": c.count, "difficulties": ",".join(map(str, c.difficulties))}
        for c in bp_.cells
    ]
    return rows + [{"type": "", "part": "", "count": "", "difficulties": ""} for _ in range(BLANK_ROWS)]


def _rows_posted() -> list[dict[str, Any]]:
    rows = []
    i = 0
    while f"cell-{i}-type" in request.form:
        rows.append(
            {
                "type": request.form.get(f"cell-{i}-type", ""),
                "part": request.form.get(f"cell-{i}-part", ""),
                "count": request.form.get(f"cell-{i}-count", "").strip(),
                "difficulties": request.form.get(f"cell-{i}-difficulties", "").strip(),
            }
        )
        i += 1
    return rows


def _spec(form: BlueprintForm, kind: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The posted page as blueprint_from_dict's input; ValueError (in Chinese) for what the grid itself
    cannot say (a count that is not a number)."""
    cells = []
    for n, r in enumerate(rows, start=1):
        if not r["type"] and not r["count"]:
            continue  # a blank row
        if not r["count"].isdigit():
            raise ValueError(f"第 {n} 行：题数应为 0 或正整数，而不是“{r['count']}”")
        levels = [x for x in re.split(r"[,，、\s]+", r["difficulties"]) if x]
        if not all(x.isdigit() for x in levels):
            raise ValueError(f"第 {n} 行：难度应写成 1 到 5 的数字，如“1,2”")
        cells.append(
            {
                "type": r["type"],
                "part": r["part"],
                "count": int(r["count"]),
                "difficulties": [int(x) for x in levels],
            }
        )
    tags = []
    for n, line in enumerate((form.required_tags.data or "").splitlines(), start=1):
        if not line.strip():
            continue
        m = re.fullmatch(r"\s*(.+?)\s+(\d+)\s*", line)
        if not m:
            raise ValueError(f"必考知识点第 {n} 行：应写成“知识点 题数”，如“重大事故隐患 2”")
        tags.append({"tag": m.group(1), "at_least": int(m.group(2))})
    points = {}
    for t in model.QUESTION_TYPES:
        raw = request.form.get(f"points-{t}", "").strip()
        try:
            points[t] = float(raw)
        except ValueError:
            raise ValueError(f"{model.QUESTION_TYPE_NAMES[t]}分值应为数字") from None
    return {
        "kind": kind,
        "title": form.title.data,
        "cells": cells,
        "points": points,
        "required_tags": tags,
        "time_limit_minutes": int(form.time_limit_minutes.data),
        "pass_percent": float(form.pass_percent.data),
        "multiple_scoring": form.multiple_scoring.data,
        "shuffle_options": bool(form.shuffle_options.data),
    }


@bp.route("/blueprints/<code>/<kind>", methods=["GET", "POST"])
@require_role(*TRAINER)
def blueprint_edit(code: str, kind: str):
    if kind not in model.EXAM_KINDS:
        abort(404)
    org = current_user.organisation_id
    post = _post(code)
    current, own = paper_rules.effective(session, org, post, kind)
    form = BlueprintForm()
    rows = _rows_from(current)
    points = dict(current.points)
    error = None
    short: tuple = ()
    checked = False
    if request.method == "GET":
        form.title.data = current.title
        form.time_limit_minutes.data = current.time_limit_minutes
        form.pass_percent.data = current.pass_percent
        form.multiple_scoring.data = current.multiple_scoring
        form.shuffle_options.data = current.shuffle_options
        form.required_tags.data = "\n".join(f"{r.tag} {r.at_least}" for r in current.required_tags)
    elif request.form.get("action") == "reset":
        if not form.validate_on_submit() and "csrf_token" in form.errors:
            abort(400)
        paper_rules.reset(session, org, post, kind)
        flash(f"已恢复为默认的{model.EXAM_KIND_NAMES[kind]}规则。")
        return redirect(url_for("bank.blueprint_edit", code=code, kind=kind))
    elif form.validate_on_submit():
        rows = _rows_posted()
        points = {t: request.form.get(f"points-{t}", "") for t in model.QUESTION_TYPES}
        try:
            candidate = blueprint_from_dict(_spec(form, kind, rows))
        except ValueError as e:
            error = str(e)
        else:
            short = paper_rules.check(session, org, post, candidate)
            checked = True
            if request.form.get("action") == "save":
                if short:
                    error = "题库不够，不能保存这个规则：请减少下面标红的题数，或先导入更多题目。"
                else:
                    paper_rules.save(session, org, post, candidate)
                    flash(
                        f"已保存{post.name}的{model.EXAM_KIND_NAMES[kind]}规则（{candidate.question_count} 题，满分 {candidate.max_score:g}）。"
                    )
                    return redirect(url_for("bank.blueprint_edit", code=code, kind=kind))
            rows = _rows_from(candidate)
    short_cells = {}
    for x in short:
        for c in (x.cell,) if x.cell is not None else x.cells:
            short_cells[(c.type, c.part, ",".join(map(str, c.difficulties)))] = x
    status = 400 if error or (request.method == "POST" and short) else 200
    return render_template(
        "bank/blueprint_edit.html",
        post=post,
        kind=kind,
        own=own,
        form=form,
        rows=rows,
        points=points,
        error=error,
        short=short,
        short_cells=short_cells,
        checked=checked,
        bank=len(paper_rules.bank_for(session, org, post)),
        describe_cell=describe_cell,
        spec=blueprint_to_dict(current),
    ), status


@bp.get("/exams")
@require_role(*TRAINER)
def exams():
    org = current_user.organisation_id
    rows = session.scalars(
        select(Exam)
        .where(Exam.organisation_id == org)
        .options(selectinload(Exam.person))
        .order_by(Exam.opens_at.desc())
        .limit(200)
    ).all()
    return render_template("bank/exams.html", exams=rows, stats=exam_stats(session, org, rows))
