"""Blueprints (组卷规则) per organisation, post and exam kind: the saved one or the core's default,
checked against the bank the post draws from before it is saved.

Exams draw with `blueprint_for` (which reads the same `blueprints` rows), so a saved blueprint is what
scheduling and spot tests draw with.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from quizbank import model
from quizbank.blueprints import (
    Shortfall,
    blueprint_from_dict,
    blueprint_to_dict,
    shortfalls,
)
from webapp.bank.models import Blueprint as BlueprintRow
from webapp.bank.set_blueprints import builtin_blueprint
from webapp.bank.sets import bank_rows, to_core
from webapp.infra.errors import ApiError
from webapp.org.models import Post

__all__ = ["bank_for", "blueprint_for", "check", "reset", "save", "saved_row"]


def blueprint_for(s: Session, organisation_id: int, post: Post, kind: str) -> model.Blueprint:
    """The organisation's blueprint for this post and kind, else the one the post's set brings, else the
    default for the kind."""
    row = s.scalar(
        select(BlueprintRow).where(
            BlueprintRow.organisation_id == organisation_id,
            BlueprintRow.post_id == post.id,
            BlueprintRow.kind == kind,
        )
    )
    return blueprint_from_dict(row.spec) if row else builtin_blueprint(post.code, kind)


def saved_row(s: Session, organisation_id: int, post: Post, kind: str) -> BlueprintRow | None:
    return s.scalar(
        select(BlueprintRow).where(
            BlueprintRow.organisation_id == organisation_id,
            BlueprintRow.post_id == post.id,
            BlueprintRow.kind == kind,
        )
    )


def bank_for(s: Session, organisation_id: int, post: Post) -> list[model.Question]:
    return [to_core(r) for r in bank_rows(s, post.code, organisation_id)]


def check(s: Session, organisation_id: int, post: Post, blueprint: model.Blueprint) -> tuple[Shortfall, ...]:
    return shortfalls(bank_for(s, organisation_id, post), blueprint)


def save(s: Session, organisation_id: int, post: Post, blueprint: model.Blueprint) -> BlueprintRow:
    """Save, or refuse with ApiError(400) naming every short cell when the bank cannot fill it."""
    if blueprint.kind not in model.EXAM_KINDS:
        raise ApiError(400, "bad_kind", f"考试类型 {blueprint.kind!r} 不存在")
    short = check(s, organisation_id, post, blueprint)
    if short:
        raise ApiError(400, "unsatisfiable", "题库不够，不能保存：" + "；".join(str(x) for x in short))
    row = saved_row(s, organisation_id, post, blueprint.kind)
    if row is None:
        row = BlueprintRow(organisation_id=organisation_id, post_id=post.id, kind=blueprint.kind)
        s.add(row)
    row.spec = blueprint_to_dict(blueprint)
    s.flush()
    return row


def reset(s: Session, organisation_id: int, post: Post, kind: str) -> None:
    """Back to the default for the kind."""
    s.execute(
        delete(BlueprintRow).where(
            BlueprintRow.organisation_id == organisation_id,
            BlueprintRow.post_id == post.id,
            BlueprintRow.kind == kind,
        )
    )


def effective(s: Session, organisation_id: int, post: Post, kind: str) -> tuple[model.Blueprint, bool]:
    """The blueprint exams of this kind draw with, and whether it is the organisation's own."""
    return blueprint_for(s, organisation_id, post, kind), saved_row(
        s, organisation_id, post, kind
    ) is not None
