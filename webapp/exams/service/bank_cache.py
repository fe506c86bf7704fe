"""The bank a paper is drawn from, indexed once per process and bank version.

Drawing needs the bank indexed (`index_bank`); loading and indexing it on every start costs more than the
rest of the request. `_banks` keeps, per app (so per process), the indexed bank keyed by a fingerprint of
what is live in the database: the visible question sets' ids, versions and load times, and the count, id
sums and max id of their live questions (a retired, restored or revised question changes it). The index is
rebuilt when the fingerprint changes, so any process serves what the database holds; the attempt itself is
only ever in the database.

The fingerprint (one aggregate statement) is itself kept per process, so a synchronized start of hundreds
of workers does not read it once per start: a commit in this process that wrote questions, sets or handbook
sections drops it at once (`_bank_written`); a change committed by another process is seen within
EXAM_BANK_RECHECK_SECONDS (default 1 s) — as if the start had come that much earlier. One thread re-reads
it; the others starting meanwhile wait for that reading. (A version counter read in the start's own
statement would need every writer of these six tables, including ones outside a Session, to bump it; the
fingerprint needs none, and costs one statement per process per second.)

With the bank, each question's pieces of JSON are encoded once (`EncodedQuestion`), so a start joins its
layout and paper from strings (`fresh_start.paper_texts`).

This is the one place the drawable bank is built: drafts (待审核) are not in it (`bank_rows`), questions
withheld as 待复核 by the enterprise's policy are left out (`laws.service.withheld_ids`), and the bank's
near-duplicate groups are computed with it (`groups`, passed to `assemble`), so no paper holds two
questions of one group whatever the bank holds.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import BigInteger, Text, cast, event, func, select
from sqlalchemy.orm import Session

from quizbank import model
from quizbank.assembly import BankIndex, index_bank
from quizbank.duplicates import duplicate_ids, group_of
from webapp.bank.models import HandbookSection, Question, QuestionSet
from webapp.bank.sets import bank_rows, to_core
from webapp.laws.models import AcceptedFinding, LawEntryRow
from webapp.laws.service import register_version, withheld_ids
from webapp.org.models import Organisation


@dataclass(frozen=True)
class EncodedQuestion:
    """A question's pieces of JSON, encoded once per bank version: a start joins them in paper order instead
    of building and encoding a dict per question (`fresh_start.paper_texts`)."""

    pk: int
    answer: tuple[int, ...]
    shown_head: str  # '{"id":…,"type":…,"stem":…,"options":[' (what the browser gets)
    options: tuple[str, ...]  # each option, encoded
    layout_head: str  # '{"id":…,"pk":…,"order":[' (the frozen layout, server-side)
    layout_mid: str  # '],"type":…,"n":…,"key":['
    layout_tail: str  # ',"sec":…}'


def _encoded(q: model.Question, pk: int) -> EncodedQuestion:
    def enc(value) -> str:
        return json.dumps(value, ensure_ascii=False)

    return EncodedQuestion(
        pk=pk,
        answer=q.answer,
        shown_head=f'{{"id":{enc(q.id)},"type":{enc(q.type)},"stem":{enc(q.stem)},"options":[',
        options=tuple(enc(o) for o in q.options),
        layout_head=f'{{"id":{enc(q.id)},"pk":{pk},"order":[',
        layout_mid=f'],"type":{enc(q.type)},"n":{len(q.options)},"key":[',
        layout_tail=f',"sec":{enc(q.section)}}}',
    )


@dataclass(frozen=True)
class DrawableBank:
    """A post's live bank as one organisation sees it (`bank_rows`), as core questions, indexed."""

    index: BankIndex
    pk_of: Mapping[str, int]  # ext id -> question row id
    groups: Mapping[str, int] = field(default_factory=dict)  # ext id -> near-duplicate group
    encoded: Mapping[str, EncodedQuestion] = field(default_factory=dict)  # ext id -> its JSON pieces

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
    """What `bank_rows` would return, summarised: changes whenever its result can change. One statement:
    the visible sets with the count, id sums and max id of their live questions per part."""
    visible = (QuestionSet.retired_at.is_(None)) & (
        QuestionSet.organisation_id.is_(None) | (QuestionSet.organisation_id == organisation_id)
    )
    qid = cast(Question.id, BigInteger)
    live = (
        select(
            Question.set_id, Question.part, func.count(Question.id).label("n"),
            func.sum(qid).label("ids"), func.sum(qid * qid).label("squares"), func.max(Question.id).label("top"),
        )
        .where(
            Question.retired_at.is_(None),
            Question.status == "live",
            Question.set_id.in_(select(QuestionSet.id).where(visible)),
        )
        .group_by(Question.set_id, Question.part)
        .subquery()
    )  # fmt: skip
    rows = s.execute(
        select(
            QuestionSet.id, QuestionSet.version, QuestionSet.loaded_at, QuestionSet.post_codes,
            live.c.part, live.c.n, live.c.ids, live.c.squares, live.c.top,
            # What withholding 待复核 questions depends on, in the same statement: the policy, the register.
            select(cast(Organisation.policy, Text)).where(Organisation.id == organisation_id).scalar_subquery(),
            *register_version(organisation_id),
        )
        .outerjoin(live, live.c.set_id == QuestionSet.id)
        .where(visible)
    ).all()  # fmt: skip
    versions, totals = set(), [0, 0, 0, 0]
    withholding = tuple(str(v) for v in rows[0][9:]) if rows else ()
    for r in rows:
        general = not r.post_codes
        if not general and post_code not in r.post_codes:
            continue
        versions.add((r.id, r.version, str(r.loaded_at)))
        if r.part == ("general" if general else "professional"):
            totals[0] += int(r.n or 0)
            totals[1] += int(r.ids or 0)
            totals[2] += int(r.squares or 0)
            totals[3] = max(totals[3], int(r.top or 0))
    if not versions:
        return (post_code, organisation_id, ())
    return (post_code, organisation_id, tuple(sorted(versions)), tuple(totals), withholding)


# --- the fingerprint, kept per process ----------------------------------------------------------------------

_BANK_TABLES = (Question, QuestionSet, HandbookSection, LawEntryRow, AcceptedFinding, Organisation)
_WROTE_BANK = "quizbank_wrote_bank"
_epoch = [0]  # bumped after every commit in this process that wrote the bank


@event.listens_for(Session, "after_flush")
def _flushed(s: Session, _context) -> None:
    if any(isinstance(o, _BANK_TABLES) for o in (*s.new, *s.dirty, *s.deleted)):
        s.info[_WROTE_BANK] = True


@event.listens_for(Session, "do_orm_execute")
def _bulk(state) -> None:
    writes = state.is_update or state.is_delete or state.is_insert
    if writes and state.bind_mapper is not None and state.bind_mapper.class_ in _BANK_TABLES:
        state.session.info[_WROTE_BANK] = True


@event.listens_for(Session, "after_commit")
def _bank_written(s: Session) -> None:
    if s.info.pop(_WROTE_BANK, False):
        _epoch[0] += 1


@event.listens_for(Session, "after_rollback")
def _bank_not_written(s: Session) -> None:
    s.info.pop(_WROTE_BANK, None)


def _fingerprints() -> dict:
    return current_app.extensions.setdefault("quizbank_bank_fingerprints", {})


_rechecking = threading.Lock()


def _current_fingerprint(s: Session, post_code: str, organisation_id: int) -> tuple:
    """The bank's fingerprint as this process last read it, read again when it is older than
    EXAM_BANK_RECHECK_SECONDS or this process wrote the bank since. One thread reads it; the others starting
    meanwhile wait for that reading rather than all reading it at once."""
    key = (post_code, organisation_id)
    fingerprints = _fingerprints()
    recheck = float(current_app.config.get("EXAM_BANK_RECHECK_SECONDS", 1.0))

    def known() -> tuple | None:
        found = fingerprints.get(key)
        if found is not None and found[1] == _epoch[0] and time.monotonic() - found[2] < recheck:
            return found[0]
        return None

    fingerprint = known()
    if fingerprint is not None:
        return fingerprint
    with _rechecking:
        fingerprint = known()
        if fingerprint is None:
            epoch = _epoch[0]
            fingerprint = _bank_fingerprint(s, post_code, organisation_id)
            fingerprints[key] = (fingerprint, epoch, time.monotonic())
    return fingerprint


def drawable_bank(s: Session, post_code: str, organisation_id: int) -> DrawableBank:
    """The post's live bank for the organisation, indexed; rebuilt when the database's bank changed."""

    def build() -> DrawableBank:
        rows = bank_rows(s, post_code, organisation_id)
        questions = [to_core(r) for r in rows]
        withheld = withheld_ids(s, organisation_id, questions)
        if withheld:
            questions = [q for q in questions if q.id not in withheld]
        groups = group_of(duplicate_ids(questions))
        pk_of = {r.ext_id: r.id for r in rows}
        encoded = {q.id: _encoded(q, pk_of[q.id]) for q in questions}
        return DrawableBank(index_bank(questions), pk_of, groups, encoded)

    return _banks().get(_current_fingerprint(s, post_code, organisation_id), build)
