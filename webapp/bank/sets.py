"""Question sets into the database: plugin sets synced on start, imported sets per organisation.

A set is upserted by (organisation, key, version); questions keep their row (and so their id) by
(set, ext id). A newer version of a set retires the older versions, whose rows stay for replaying old
attempts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from quizbank import model
from webapp.bank.models import HandbookSection, Question, QuestionSet
from webapp.infra import clock
from webapp.org.models import Post


def _version_key(version: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in version.replace("-", ".").split("."))


def upsert_post(s: Session, post: model.Post, organisation_id: int | None = None) -> Post:
    """The post row of a loaded set: a built-in one (organisation None) is created or refreshed from the
    set; an import uses the organisation's own post or a built-in one of that code (never another
    organisation's, and without changing a built-in row)."""
    if organisation_id is None:
        row = s.scalar(select(Post).where(Post.code == post.code, Post.organisation_id.is_(None)))
    else:
        row = s.scalar(select(Post).where(Post.code == post.code, Post.usable_by(organisation_id)))
        if row is not None:
            return row
    if row is None:
        row = Post(code=post.code, organisation_id=organisation_id)
        s.add(row)
    row.name, row.risk, row.special_operation = post.name, post.risk, post.special_operation
    return row


INSERT_BATCH = 2000  # new question rows per executemany


def load_question_set(
    s: Session,
    qset: model.QuestionSet,
    *,
    organisation_id: int | None = None,
    origin: str = "plugin",
    part: str | None = None,
) -> QuestionSet:
    """Upsert `qset` and its questions; `part` (when given) is every question's part, whatever `q.part`.

    Questions new to the set are inserted in batches of plain rows, one executemany each (an import of
    100,000 questions builds no ORM object per question); questions the set already holds are updated
    in place. The set's row is written by the ORM every time, so the bank's caches see the change."""
    for post in qset.posts:
        upsert_post(s, post, organisation_id if origin == "import" else None)
    row = s.scalar(
        select(QuestionSet).where(
            QuestionSet.key == qset.id,
            QuestionSet.version == qset.version,
            QuestionSet.organisation_id.is_(None)
            if organisation_id is None
            else QuestionSet.organisation_id == organisation_id,
        )
    )
    now = clock.now()
    if row is None:
        row = QuestionSet(key=qset.id, version=qset.version, organisation_id=organisation_id, origin=origin)
        s.add(row)
    row.title, row.source, row.loaded_at, row.retired_at = qset.title, qset.source, now, None
    row.post_codes = [p.code for p in qset.posts]
    s.flush()

    sections = {
        h.section_id: h for h in s.scalars(select(HandbookSection).where(HandbookSection.set_id == row.id))
    }
    for position, sec in enumerate(qset.handbook.sections):
        h = sections.get(sec.id)
        if h is None:
            h = HandbookSection(set_id=row.id, section_id=sec.id)
            s.add(h)
        h.title, h.part, h.body, h.position = sec.title, sec.part, sec.body, position

    existing = {q.ext_id: q for q in s.scalars(select(Question).where(Question.set_id == row.id))}
    seen = set()
    # An imported question is a draft (待审核) until a reviewer publishes it; built-in ones are live.
    status = "draft" if origin == "import" else "live"
    batch: list[model.Question] = []
    for q in qset.questions:
        seen.add(q.id)
        r = existing.get(q.id)
        if r is None:
            batch.append(q)
            if len(batch) == INSERT_BATCH:
                _insert_new(s, _new_rows(batch, row.id, organisation_id, status, part))
                batch = []
            continue
        r.type, r.stem, r.options, r.answer = q.type, q.stem, list(q.options), list(q.answer)
        r.explanation, r.difficulty, r.tags = q.explanation, q.difficulty, list(q.tags)
        r.basis, r.source = q.basis, (q.source or None) and q.source[:200]
        r.section, r.part, r.retired_at = q.section, part or q.part, None
    if batch:
        _insert_new(s, _new_rows(batch, row.id, organisation_id, status, part))
    for ext_id, r in existing.items():
        if ext_id not in seen and r.retired_at is None:
            r.retired_at = now

    siblings = s.scalars(
        select(QuestionSet).where(
            QuestionSet.key == qset.id,
            QuestionSet.id != row.id,
            QuestionSet.organisation_id.is_(None)
            if organisation_id is None
            else QuestionSet.organisation_id == organisation_id,
        )
    ).all()
    newest = max([row, *siblings], key=lambda r: _version_key(r.version))
    for other in [row, *siblings]:
        other.retired_at = None if other is newest else (other.retired_at or now)
    s.flush()
    return row


# The table's column order, as a positional INSERT names them (checked when the statement is compiled).
_NEW_COLUMNS = (
    "set_id",
    "ext_id",
    "type",
    "stem",
    "options",
    "answer",
    "explanation",
    "difficulty",
    "tags",
    "section",
    "part",
    "organisation_id",
    "basis",
    "source",
    "status",
)
_json_text = json.encoder.encode_basestring_ascii  # what json.dumps writes for a str (ASCII-escaped)


def _json_list(values: Iterable[object]) -> str:
    """`json.dumps(list(values))` for a list of str or int, character for character, without the encoder's
    per-call set-up: tag search (`browse_query`) matches the stored text, so it must not change."""
    return "[" + ", ".join([_json_text(v) if v.__class__ is str else str(v) for v in values]) + "]"


def _new_row(q: model.Question, set_id: int, organisation_id: int | None, status: str, part: str) -> tuple:
    """The `questions` row of a question new to its set, the values in `_NEW_COLUMNS` order (JSON as text)."""
    return (
        set_id,
        q.id,
        q.type,
        q.stem,
        _json_list(q.options),
        _json_list(q.answer),
        q.explanation,
        q.difficulty,
        _json_list(q.tags),
        q.section,
        part,
        organisation_id,
        q.basis,
        (q.source or None) and q.source[:200],
        status,
    )


def _new_rows(
    questions: list[model.Question], set_id: int, organisation_id: int | None, status: str, part: str | None
) -> list[tuple]:
    """`_new_row` of each question, built in one comprehension (no call per row): the JSON of a list of
    texts as `_json_list` writes it, the answer's (a list of ints) as `str` writes it. The JSON of options,
    answers and tags is made once per distinct tuple (a bank's 判断题 share theirs, answers and tags repeat)."""
    texts: dict[tuple, str] = {}
    get = texts.get

    def text_list(values: tuple) -> str:
        if len(texts) >= _DISTINCT_KEPT:
            texts.clear()
        made = texts[values] = f"[{', '.join(map(_json_text, values))}]"
        return made

    answers: dict[tuple, str] = {}
    try:
        return [
            (
                set_id,
                q.id,
                q.type,
                q.stem,
                o if (o := get(q.options)) is not None else text_list(q.options),
                a
                if (a := answers.get(q.answer)) is not None
                else answers.setdefault(q.answer, str(list(q.answer))),
                q.explanation,
                q.difficulty,
                g if (g := get(q.tags)) is not None else text_list(q.tags),
                q.section,
                part or q.part,
                organisation_id,
                q.basis,
                (q.source or None) and q.source[:200],
                status,
            )
            for q in questions
        ]
    except TypeError:  # an option or tag that is not text (a caller's value): the general way
        return [_new_row(q, set_id, organisation_id, status, part or q.part) for q in questions]


_DISTINCT_KEPT = 4096  # option and tag tuples whose JSON `_new_rows` keeps


def _insert_new(s: Session, rows: list[tuple]) -> None:
    """One executemany of `_new_row` rows, handed to the driver as they are (JSON already text)."""
    connection = s.connection()
    dialect = connection.dialect
    if dialect.name not in _INSERT_SQL:
        statement = insert(Question.__table__).values({c: bindparam(c) for c in _NEW_COLUMNS})
        compiled = statement.compile(dialect=dialect)
        if dialect.positional and tuple(compiled.positiontup or ()) != _NEW_COLUMNS:
            raise RuntimeError(f"questions INSERT names {compiled.positiontup}, not {_NEW_COLUMNS}")
        _INSERT_SQL[dialect.name] = str(compiled)
    sql = _INSERT_SQL[dialect.name]
    if dialect.positional:
        connection.exec_driver_sql(sql, rows)
    else:
        connection.exec_driver_sql(sql, [dict(zip(_NEW_COLUMNS, r, strict=True)) for r in rows])


_INSERT_SQL: dict[str, str] = {}


def sync_registry(s: Session, sets: Iterable[model.QuestionSet]) -> list[QuestionSet]:
    return [load_question_set(s, qs) for qs in sets]


def to_core(row: Question) -> model.Question:
    return model.Question(
        id=row.ext_id,
        type=row.type,  # type: ignore[arg-type]
        stem=row.stem,
        options=tuple(row.options),
        answer=tuple(row.answer),
        explanation=row.explanation or "",
        difficulty=row.difficulty,
        tags=tuple(row.tags or ()),
        section=row.section,
        part=row.part,  # type: ignore[arg-type]
        basis=row.basis or "",
        source=row.source,
    )


def live_question(set_ids_general, set_ids_post):
    """The condition a drawable question meets: not retired, published (drafts are never drawn), and in
    the general part of a general set or the professional part of one of the post's sets."""
    return (
        Question.retired_at.is_(None)
        & (Question.status == "live")
        & (
            (Question.set_id.in_(set_ids_general) & (Question.part == "general"))
            | (Question.set_id.in_(set_ids_post) & (Question.part == "professional"))
        )
    )


def bank_rows(s: Session, post_code: str, organisation_id: int) -> list[Question]:
    """The live questions a worker of `post_code` is examined on, as one organisation sees them (like
    `Registry.bank`): the general part of the general sets and the professional part of the post's sets,
    built-in or imported by the organisation; drafts (待审核) left out."""
    sets = s.scalars(
        select(QuestionSet).where(
            QuestionSet.retired_at.is_(None),
            (QuestionSet.organisation_id.is_(None)) | (QuestionSet.organisation_id == organisation_id),
        )
    ).all()
    general_ids = [r.id for r in sets if not r.post_codes]
    post_ids = [r.id for r in sets if post_code in (r.post_codes or ())]
    if not general_ids and not post_ids:
        return []
    rows = s.scalars(select(Question).where(live_question(general_ids, post_ids)).order_by(Question.id)).all()
    # The same ext id in two visible sets (an import overriding a built-in question): the organisation's wins.
    by_id: dict[str, Question] = {}
    for r in rows:
        if r.ext_id not in by_id or r.organisation_id is not None:
            by_id[r.ext_id] = r
    return list(by_id.values())
