"""The bank a paper is drawn from, indexed once per process and bank version.

Drawing needs the bank indexed (`index_bank`); loading and indexing it on every start costs more than the
rest of the request. `_banks` keeps, per app (so per process), the indexed bank keyed by a fingerprint of
what is live in the database: the visible question sets' ids, versions and load times, and the count, id
sums and max id of their live questions (a retired, restored or revised question changes it). Every start
reads the fingerprint (a few aggregate queries) and rebuilds on a change, so any process serves what the
database holds; the attempt itself is only ever in the database.

This is the one place the drawable bank is built: drafts (待审核) are not in it (`bank_rows`), questions
withheld as 待复核 by the enterprise's policy are left out (`laws.service.withheld_ids`), and the bank's
near-duplicate groups are computed with it (`groups`, passed to `assemble`), so no paper holds two
questions of one group whatever the bank holds.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import BigInteger, Text, cast, func, select
from sqlalchemy.orm import Session

from quizbank import model
from quizbank.assembly import BankIndex, index_bank
from quizbank.duplicates import duplicate_ids, group_of
from webapp.bank.models import Question, QuestionSet
from webapp.bank.sets import bank_rows, live_question, to_core
from webapp.laws.service import register_version, withheld_ids
from webapp.org.models import Organisation


@dataclass(frozen=True)
class DrawableBank:
    """A post's live bank as one organisation sees it (`bank_rows`), as core questions, indexed."""

    index: BankIndex
    pk_of: Mapping[str, int]  # ext id -> question row id
    groups: Mapping[str, int] = field(default_factory=dict)  # ext id -> near-duplicate group

    @property
    def questions(self) -> tuple[model.Question, ...]:
        return self.index.bank


class _BankCache:
    """Indexed banks by fingerprint, least recently used dropped beyond `size`. Thread-safe; one build at a
    time, so a synchronized start of many workers indexes a bank once, not once per waitress thread."""

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self._entries: OrderedDict[tuple, DrawableBank] = OrderedDict()
        self._lock = threading.Lock()
        self._build = threading.Lock()

    def get(self, key: tuple, build) -> DrawableBank:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        with self._build:
            with self._lock:
                if key in self._entries:
                    return self._entries[key]
            bank = build()
            with self._lock:
                self._entries[key] = bank
                while len(self._entries) > self.size:
                    self._entries.popitem(last=False)
            return bank


def _banks() -> _BankCache:
    return current_app.extensions.setdefault("quizbank_exam_banks", _BankCache())


def _bank_fingerprint(s: Session, post_code: str, organisation_id: int) -> tuple:
    """What `bank_rows` would return, summarised: changes whenever its result can change."""
    sets = s.execute(
        select(QuestionSet.id, QuestionSet.version, QuestionSet.loaded_at, QuestionSet.post_codes).where(
            QuestionSet.retired_at.is_(None),
            (QuestionSet.organisation_id.is_(None)) | (QuestionSet.organisation_id == organisation_id),
        )
    ).all()
    general_ids = [r.id for r in sets if not r.post_codes]
    post_ids = [r.id for r in sets if post_code in (r.post_codes or ())]
    versions = tuple(
        sorted((r.id, r.version, str(r.loaded_at)) for r in sets if r.id in {*general_ids, *post_ids})
    )
    if not versions:
        return (post_code, organisation_id, ())
    live = s.execute(
        select(
            func.count(Question.id),
            func.coalesce(func.sum(cast(Question.id, BigInteger)), 0),
            func.coalesce(func.sum(cast(Question.id, BigInteger) * cast(Question.id, BigInteger)), 0),
            func.max(Question.id),
            # What withholding 待复核 questions depends on, in the same statement: the policy, the register.
            select(cast(Organisation.policy, Text))
            .where(Organisation.id == organisation_id)
            .scalar_subquery(),
            *register_version(organisation_id),
        ).where(live_question(general_ids, post_ids))
    ).one()
    return (post_code, organisation_id, versions, tuple(str(v) for v in live))


def drawable_bank(s: Session, post_code: str, organisation_id: int) -> DrawableBank:
    """The post's live bank for the organisation, indexed; rebuilt when the database's bank changed."""

    def build() -> DrawableBank:
        rows = bank_rows(s, post_code, organisation_id)
        questions = [to_core(r) for r in rows]
        withheld = withheld_ids(s, organisation_id, questions)
        if withheld:
            questions = [q for q in questions if q.id not in withheld]
        groups = group_of(duplicate_ids(questions))
        return DrawableBank(index_bank(questions), {r.ext_id: r.id for r in rows}, groups)

    return _banks().get(_bank_fingerprint(s, post_code, organisation_id), build)
