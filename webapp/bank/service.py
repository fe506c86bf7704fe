"""The question bank as trainers keep it: imports (preview → commit, all or nothing), editing, retiring
(browsing: `webapp.bank.browsing`). Nothing here commits; the request (or the CLI's transaction) does.

Imported questions form an organisation-owned question set (key + version) loaded through
`webapp.bank.sets.load_question_set`, so they are drawn exactly like the built-in sets. Built-in
(plugin) sets are read-only here.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from quizbank import formats, model
from quizbank.questionsets import question_problems
from webapp.bank.models import Question, QuestionSet
from webapp.bank.sets import load_question_set
from webapp.infra import clock
from webapp.infra.errors import ApiError
from webapp.org.models import Post

TEMPLATE_NOTES_SHEET = "说明"


# --- reading an upload -----------------------------------------------------------------------------------


def read_upload(
    data: bytes,
    filename: str,
    *,
    format: str = "auto",
    max_bytes: int | None = None,
    limits: formats.ReadLimits | None = None,
    progress=None,
) -> model.ImportResult:
    """The formats' reader (which checks size and the zip before unpacking, and `limits` while reading),
    minus the note that our own template's 说明 sheet holds no questions."""
    result = formats.read(
        data, format=format, name=filename, max_bytes=max_bytes, limits=limits, progress=progress
    )
    problems = tuple(
        p
        for p in result.problems
        if not (p.where.startswith(f"{TEMPLATE_NOTES_SHEET}!") and "找不到表头行" in p.message)
    )
    return replace(result, problems=problems)


def question_to_dict(q: model.Question) -> dict[str, Any]:
    return {
        "id": q.id,
        "type": q.type,
        "stem": q.stem,
        "options": list(q.options),
        "answer": list(q.answer),
        "explanation": q.explanation,
        "difficulty": q.difficulty,
        "tags": list(q.tags),
        "section": q.section,
        "source": q.source,
    }


def question_from_dict(d: dict[str, Any], part: str = "professional") -> model.Question:
    return model.Question(
        id=d["id"],
        type=d["type"],
        stem=d["stem"],
        options=tuple(d["options"]),
        answer=tuple(d["answer"]),
        explanation=d.get("explanation") or "",
        difficulty=int(d.get("difficulty") or 3),
        tags=tuple(d.get("tags") or ()),
        section=d.get("section"),
        part=part,  # type: ignore[arg-type]
        source=d.get("source"),
    )


def result_to_payload(result: model.ImportResult) -> dict[str, Any]:
    return {
        "format": result.format,
        "questions": [question_to_dict(q) for q in result.questions],
        "problems": [{"where": p.where, "message": p.message, "skipped": p.skipped} for p in result.problems],
    }


@dataclass(frozen=True)
class PreviewSummary:
    total: int
    by_type: dict[str, int]
    skipped: list[dict[str, Any]]
    notes: list[dict[str, Any]]


def summarise(payload: dict[str, Any]) -> PreviewSummary:
    counts = Counter(q["type"] for q in payload["questions"])
    return PreviewSummary(
        total=len(payload["questions"]),
        by_type={t: counts.get(t, 0) for t in model.QUESTION_TYPES},
        skipped=[p for p in payload["problems"] if p["skipped"]],
        notes=[p for p in payload["problems"] if not p["skipped"]],
    )


# --- committing ------------------------------------------------------------------------------------------


def imported_sets(s: Session, organisation_id: int) -> list[QuestionSet]:
    """The organisation's imported sets, newest version per key first."""
    return list(
        s.scalars(
            select(QuestionSet)
            .where(QuestionSet.organisation_id == organisation_id, QuestionSet.origin == "import")
            .order_by(QuestionSet.retired_at.is_not(None), QuestionSet.title, QuestionSet.id.desc())
        )
    )


def _next_version(s: Session, organisation_id: int, key: str) -> str:
    versions = s.scalars(
        select(QuestionSet.version).where(
            QuestionSet.organisation_id == organisation_id, QuestionSet.key == key
        )
    ).all()
    numbers = [int(v) for v in versions if v.isdigit()]
    return str(max(numbers, default=0) + 1)


def import_questions_into(
    s: Session,
    questions: Sequence[model.Question],
    *,
    organisation_id: int,
    post: Post | None,
    part: str,
    title: str,
    replaces_key: str | None = None,
) -> QuestionSet:
    """Store `questions` as a new organisation-owned set (or the next version of `replaces_key`, which
    retires the earlier versions). Professional questions need a post; general ones go to a set every
    post of the organisation draws its general part from. Raises ApiError(400) and writes nothing when a
    question is not well-formed."""
    if part not in model.PARTS:
        raise ApiError(400, "bad_part", f"部分 {part!r} 不存在（通用知识 general / 专业知识 professional）")
    if part == "professional" and post is None:
        raise ApiError(400, "post_required", "专业知识题必须指定岗位")
    if not questions:
        raise ApiError(400, "empty", "没有可导入的题目")
    for q in questions:
        found = question_problems(q)
        if found:
            raise ApiError(400, "bad_question", f"{q.source or q.id}: {'; '.join(found)}（全部未导入）")
    if replaces_key is not None:
        if not s.scalar(
            select(func.count(QuestionSet.id)).where(
                QuestionSet.organisation_id == organisation_id,
                QuestionSet.key == replaces_key,
                QuestionSet.origin == "import",
            )
        ):
            raise ApiError(404, "no_such_set", "要替换的题集不存在")
        key = replaces_key
    else:
        key = f"imp-{secrets.token_hex(5)}"
    version = _next_version(s, organisation_id, key)
    posts: tuple[model.Post, ...] = ()
    post_code = None
    if part == "professional" and post is not None:
        posts = (model.Post(post.code, post.name, post.risk, post.special_operation),)  # type: ignore[arg-type]
        post_code = post.code
    title = (title or "").strip()[:200] or "导入的题库"
    qset = model.QuestionSet(
        id=key,
        title=title,
        version=version,
        posts=posts,
        handbook=model.Handbook(title=title, version=version, post=post_code),
        questions=tuple(questions),
        source="import",
    )
    row = load_question_set(s, qset, organisation_id=organisation_id, origin="import", part=part)
    _cite_handbook_version(s, row, organisation_id, post if part == "professional" else None)
    return row


def _cite_handbook_version(s: Session, qset: QuestionSet, organisation_id: int, post: Post | None) -> None:
    """Imported questions cite the sections of the enterprise's current published handbook version of their
    part (a 章节 given as a section's title becomes its id)."""
    from webapp.handbooks.models import Handbook, HandbookVersion

    version = s.scalar(
        select(HandbookVersion)
        .join(Handbook, Handbook.id == HandbookVersion.handbook_id)
        .where(
            Handbook.organisation_id == organisation_id,
            Handbook.post_id.is_(None) if post is None else Handbook.post_id == post.id,
        )
        .order_by(HandbookVersion.number.desc())
        .limit(1)
    )
    if version is None:
        return
    by_title = {sec["title"].strip(): sec["id"] for sec in version.sections}
    # Set-wise, not row by row: one UPDATE for the version, one per distinct 章节 written as a title.
    s.execute(update(Question).where(Question.set_id == qset.id).values(handbook_version_id=version.id))
    written = s.scalars(select(Question.section).where(Question.set_id == qset.id).distinct())
    for section in [x for x in written if x and x.strip() in by_title]:
        s.execute(
            update(Question)
            .where(Question.set_id == qset.id, Question.section == section)
            .values(section=by_title[section.strip()])
        )


# --- editing and retiring --------------------------------------------------------------------------------


def editable(row: Question, organisation_id: int) -> bool:
    """Only the organisation's own (imported) questions; built-in sets are read-only."""
    return row.organisation_id == organisation_id and row.question_set.origin == "import"


def _require_editable(row: Question, organisation_id: int) -> None:
    if not editable(row, organisation_id):
        raise ApiError(403, "read_only", "内置题集的题目只读，不能修改或停用")


def retire(row: Question, organisation_id: int) -> None:
    """Never drawn again; papers that already hold it keep it (they point at the row)."""
    _require_editable(row, organisation_id)
    if row.retired_at is None:
        row.retired_at = clock.now()


def restore(row: Question, organisation_id: int) -> None:
    _require_editable(row, organisation_id)
    row.retired_at = None


def revise(s: Session, row: Question, organisation_id: int, edited: model.Question) -> Question:
    """Save an edit as a new revision of the question, a draft (待审核) until a reviewer publishes it, and
    retire the old row, so papers already drawn keep the exact text they asked. Raises ApiError(400) with
    the core's reasons when not well-formed."""
    _require_editable(row, organisation_id)
    found = question_problems(edited)
    if found:
        raise ApiError(400, "bad_question", "；".join(found))
    base = row.ext_id.split("~r", 1)[0]
    taken = set(s.scalars(select(Question.ext_id).where(Question.set_id == row.set_id)))
    n = 2
    while f"{base}~r{n}" in taken:
        n += 1
    new = Question(
        set_id=row.set_id,
        ext_id=f"{base}~r{n}",
        organisation_id=row.organisation_id,
        type=edited.type,
        stem=edited.stem,
        options=list(edited.options),
        answer=list(edited.answer),
        explanation=edited.explanation,
        difficulty=edited.difficulty,
        tags=list(edited.tags),
        section=edited.section,
        part=row.part,
        basis=edited.basis or row.basis,
        source=row.source,
        status="draft",
        retired_at=None,
    )
    s.add(new)
    row.retired_at = clock.now()
    s.flush()
    return new
