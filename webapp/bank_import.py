"""`quizbank import FILE` without --dry-run lands here: the read questions go into the database as one
organisation-owned question set, in one transaction (all or nothing)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from quizbank.model import ImportResult
from webapp.errors import ApiError
from webapp.models import Organisation, Post


def find_organisation(s: Session, organisation: str | int | None) -> Organisation:
    """By id or exact name; without one, the only organisation there is. ValueError says what is wrong."""
    if organisation is None or str(organisation).strip() == "":
        orgs = s.scalars(select(Organisation).order_by(Organisation.id).limit(2)).all()
        if len(orgs) == 1:
            return orgs[0]
        if not orgs:
            raise ValueError("数据库中还没有单位（先运行 quizbank demo 或在管理页面创建）")
        raise ValueError("数据库中有多个单位：请用 --organisation 指定单位编号或名称")
    text = str(organisation).strip()
    row = s.get(Organisation, int(text)) if text.isdigit() else None
    if row is None:
        matches = s.scalars(select(Organisation).where(Organisation.name == text)).all()
        if len(matches) > 1:
            raise ValueError(f"有 {len(matches)} 个单位名为“{text}”：请用单位编号")
        row = matches[0] if matches else None
    if row is None:
        raise ValueError(f"单位“{text}”不存在")
    return row


def find_post(s: Session, code: str, organisation_id: int) -> Post:
    row = s.scalar(select(Post).where(Post.code == code, Post.usable_by(organisation_id)))
    if row is None:
        known = s.scalars(select(Post.code).order_by(Post.code)).all()
        raise ValueError(f"岗位“{code}”不存在（已有：{'、'.join(known) or '无'}）")
    return row


def import_questions(
    result: ImportResult,
    *,
    post: str | None,
    organisation: str | int | None,
    part: str | None = None,
    title: str | None = None,
    app: Flask | None = None,
) -> int:
    """Write `result.questions` for `post` (a post code) of `organisation` (id or name); returns how many.

    Without a post the questions are general knowledge (通用知识) for every post. Raises ValueError (or the
    bank service's ApiError) and writes nothing when the organisation or post is unknown or a question is
    not well-formed. `app` defaults to one built from the environment (QUIZBANK_HOME / DATABASE_URL),
    migrated to the latest schema first."""
    from webapp.bank.service import import_questions_into
    from webapp.db import transaction

    if app is None:
        from webapp import create_app
        from webapp.migrate import upgrade

        app = create_app()
        upgrade(app)
    part = part or ("professional" if post else "general")
    with app.app_context(), transaction(app) as s:
        org = find_organisation(s, organisation)
        post_row = find_post(s, post, org.id) if post else None
        try:
            import_questions_into(
                s,
                result.questions,
                organisation_id=org.id,
                post=post_row,
                part=part,
                title=title or f"命令行导入（{result.format or '文件'}，{len(result.questions)} 题）",
            )
        except ApiError as e:
            raise ValueError(e.description) from e
        return len(result.questions)
