"""`quizbank import FILE` without --dry-run lands here: the read questions go into the database as one
organisation-owned question set, in one transaction (all or nothing)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from quizbank.model import ImportResult
from webapp.handbooks import models as _handbook_tables  # noqa: F401  (an import cites their versions)
from webapp.infra.errors import ApiError
from webapp.org.models import Post
from webapp.org.service import find_organisation


def find_post(s: Session, code: str, organisation_id: int) -> Post:
    row = s.scalar(
        select(Post).where(Post.code == code, Post.usable_by(organisation_id), Post.retired_at.is_(None))
    )
    if row is None:
        known = s.scalars(
            select(Post.code)
            .where(Post.usable_by(organisation_id), Post.retired_at.is_(None))
            .order_by(Post.code)
        ).all()
        raise ValueError(f"岗位“{code}”不存在（已有：{'、'.join(known) or '无'}）")
    return row


# SQLite's page cache while an import writes (its default is 2 MB): the questions' indexes on ext_id take
# their rows in hash order, and with a small cache each insert evicts index pages it soon needs again.
# 100,000 rows insert ~40% quicker with 32 MB; the memory is freed with the connection.
IMPORT_CACHE_KIB = 32 * 1024


@contextmanager
def _import_page_cache(s: Session) -> Iterator[None]:
    """A larger SQLite page cache on this session's connection while the import writes, then the one before."""
    connection = s.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size=-{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(before)}")


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
    not well-formed. Without `app`, the database of the environment (QUIZBANK_HOME / DATABASE_URL),
    migrated to the latest schema first; the web app is not built (its pages would import every feature)."""
    from webapp.infra.db import default_database_url, open_database, transaction

    if app is not None:
        with app.app_context(), transaction(app) as s:
            return _write(s, result, post, organisation, part, title)
    from webapp.infra.migrate import at_head

    db = open_database(default_database_url())
    try:
        if not at_head(db):  # a database behind the code (rare): the app migrates it, with its keys
            _migrate_with_the_app()
        with transaction(db) as s:
            return _write(s, result, post, organisation, part, title)
    finally:
        db.dispose()


def _migrate_with_the_app() -> None:
    """As `quizbank serve` migrates: the environment's app, whose secret keys seal what a migration seals."""
    from webapp import create_app
    from webapp.infra.db import database
    from webapp.infra.migrate import upgrade

    app = create_app()
    try:
        upgrade(app)
    finally:
        database(app).dispose()


def _write(
    s: Session,
    result: ImportResult,
    post: str | None,
    organisation: str | int | None,
    part: str | None,
    title: str | None,
) -> int:
    from webapp.bank.service import import_questions_into

    part = part or ("professional" if post else "general")
    org = find_organisation(s, organisation)
    post_row = find_post(s, post, org.id) if post else None
    try:
        with _import_page_cache(s):
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
