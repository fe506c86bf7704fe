"""The answer path: save one answer in one guarded statement.

A started paper never changes, so what a save must check about it except its state — whose it is, its
questions with their type and option count, its deadline — is read once per process (`PaperFacts`, kept in
the app's extensions; attempts are never deleted, so an id always names the same paper). What can change
(submitted, the clock past the deadline plus grace) is checked by the statement that stores the answer:

    INSERT INTO responses … SELECT … FROM attempts WHERE id = ? AND submitted_at IS NULL AND deadline ok
    [FOR SHARE] ON CONFLICT (attempt_id, question_id) DO UPDATE …

On PostgreSQL the row is read FOR SHARE, so a submit holding it FOR UPDATE makes the save wait and then see
the paper submitted (no row, nothing stored, 409): an answer is never acknowledged after its paper was graded
without it. SQLite runs one writing request at a time (BEGIN IMMEDIATE). Nothing here commits.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app
from sqlalchemy import JSON, bindparam, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from quizbank.grading import KeyedItem
from webapp.exams.models import Attempt
from webapp.exams.service.grading import Entry
from webapp.exams.service.papers import AttemptClosed
from webapp.infra.db import UTCDateTime
from webapp.infra.errors import ApiError
from webapp.org.models import Post


@dataclass(frozen=True)
class PaperFacts:
    """What never changes once a paper is drawn, as a save needs it."""

    organisation_id: int
    person_id: int
    started_by: int | None
    inspection_id: int | None
    questions: dict[str, tuple[str, int]]  # ext id -> (type, option count)
    # What a submit grades and records from, besides the saved answers (webapp.exams.lean):
    post_id: int
    post_code: str
    kind: str
    key: tuple[KeyedItem, ...] | None  # None: a paper started before keys were frozen
    entries: tuple[Entry, ...]
    pass_percent: float
    scoring: str


class _FactsCache:
    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._entries: OrderedDict[int, PaperFacts] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, attempt_id: int) -> PaperFacts | None:
        return self._entries.get(attempt_id)  # one dict read: atomic, no lock needed

    def put(self, attempt_id: int, facts: PaperFacts) -> None:
        with self._lock:
            self._entries[attempt_id] = facts
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


def cache_of(app: Flask) -> _FactsCache:
    cache = app.extensions.get("quizbank_paper_facts")
    if cache is None:  # not setdefault(…, _FactsCache()): that builds a cache on every call
        cache = app.extensions.setdefault("quizbank_paper_facts", _FactsCache())
    return cache


def paper_facts(s: Session | Connection, attempt_id: int, app: Flask | None = None) -> PaperFacts | None:
    """The paper's facts (None: no such attempt), from the process cache or one read."""
    cache = cache_of(app or current_app)
    facts = cache.get(attempt_id)
    if facts is not None:
        return facts
    row = s.execute(
        select(
            Attempt.organisation_id, Attempt.person_id, Attempt.started_by, Attempt.inspection_id,
            Attempt.layout, Attempt.blueprint, Attempt.kind, Attempt.post_id, Post.code,
        )
        .join(Post, Post.id == Attempt.post_id)
        .where(Attempt.id == attempt_id)
    ).one_or_none()  # fmt: skip
    if row is None:
        return None
    layout, blueprint = row.layout, row.blueprint
    keyed = all("key" in e for e in layout)
    facts = PaperFacts(
        organisation_id=row.organisation_id,
        person_id=row.person_id,
        started_by=row.started_by,
        inspection_id=row.inspection_id,
        questions={e["id"]: (e["type"], e["n"]) for e in layout},
        post_id=row.post_id,
        post_code=row.code,
        kind=row.kind,
        key=tuple(KeyedItem(e["id"], e["type"], tuple(e["key"]), float(e["pts"])) for e in layout)
        if keyed
        else None,
        entries=tuple((e["pk"], tuple(e["order"]), e.get("sec")) for e in layout),
        pass_percent=float(blueprint.get("pass_percent", 80)),
        scoring=blueprint.get("multiple_scoring", "all_or_nothing"),
    )
    cache.put(attempt_id, facts)
    return facts


def valid_choices(facts: PaperFacts, question_id: str, choices: Any) -> list[int]:
    """The picked positions, sorted and unique; 404 for a question not on the paper, 400 for bad choices."""
    question = facts.questions.get(question_id)
    if question is None:
        raise ApiError(404, "not_on_paper", f"题目 {question_id} 不在本试卷上。")
    if not isinstance(choices, list) or not all(type(c) is int for c in choices):
        raise ApiError(400, "bad_choices", "choices 必须是整数列表（选项位置，从 0 开始）。")
    kind, count = question
    picked = sorted(set(choices))
    if picked and (picked[0] < 0 or picked[-1] >= count):
        raise ApiError(400, "bad_choices", f"选项位置超出范围（本题共 {count} 个选项）。")
    if kind != "multiple" and len(picked) > 1:
        raise ApiError(400, "bad_choices", "单选题和判断题只能选一个选项。")
    return picked


_GUARDED_UPSERT = """
INSERT INTO responses (attempt_id, question_id, choices, saved_at, correct)
SELECT id, :question_id, {choices}, :now, NULL FROM attempts
WHERE id = :attempt_id AND submitted_at IS NULL AND (deadline IS NULL OR deadline >= :cutoff){owner}{lock}
ON CONFLICT (attempt_id, question_id)
DO UPDATE SET choices = excluded.choices, saved_at = excluded.saved_at, correct = NULL
"""


def guarded_upsert_sql(dialect: str, owner: str = "") -> str:
    """The save statement for `dialect`, with :name parameters (attempt_id, question_id, choices as JSON text,
    now, cutoff); `owner`, an SQL condition on the attempts row (the lean path's signed-in-owner check), is
    added to its guard."""
    postgres = dialect == "postgresql"
    return _GUARDED_UPSERT.format(
        choices="CAST(:choices AS JSON)" if postgres else ":choices",
        owner=f" AND {owner}" if owner else "",
        lock=" FOR SHARE" if postgres else "",
    )


@functools.cache
def guarded_upsert(dialect: str, owner: str = ""):
    """`guarded_upsert_sql` as a SQLAlchemy statement (its values bound through the column types)."""
    return text(guarded_upsert_sql(dialect, owner)).bindparams(
        bindparam("choices", type_=JSON()), bindparam("now", type_=UTCDateTime()),
        bindparam("cutoff", type_=UTCDateTime()),
    )  # fmt: skip


def store_answer(
    s: Session, attempt_id: int, question_id: str, picked: list[int], now: datetime, grace: timedelta
) -> None:
    """Store the answer if the paper is still open (not submitted, `now` within deadline + `grace`); 409
    otherwise, with nothing stored."""
    stored = s.execute(
        guarded_upsert(s.get_bind().dialect.name),
        {
            "attempt_id": attempt_id, "question_id": question_id, "choices": picked, "now": now,
            "cutoff": now - grace,
        },
    ).rowcount  # fmt: skip
    if not stored:
        raise AttemptClosed()
