"""A worker's first start of an assigned exam — what hundreds do at once when an exam opens — in two
statements: one reads the person (locked), the exam, its post and whether the person holds the post; the bank
and the parsed blueprint come from this process's caches; the layout and the paper the browser gets are joined
from JSON pieces encoded once per bank version; one INSERT … SELECT … WHERE NOT EXISTS … RETURNING stores the
attempt unless the person already has one at this exam. Anything else (a resume, a retake refused, an exam not
assigned, a short bank) returns None and goes through `starting.start_exam_attempt`, which says why.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import JSON, BigInteger, Integer, String, Text, bindparam, cast, exists, insert, select
from sqlalchemy.orm import Session

from quizbank import model
from quizbank.assembly import BankShortfall, assemble_seeded
from quizbank.blueprints import blueprint_from_dict, blueprint_to_dict
from webapp.exams.models import Attempt, Exam
from webapp.exams.service.bank_cache import DrawableBank, drawable_bank
from webapp.exams.service.scheduling import _department_chain
from webapp.infra.db import UTCDateTime
from webapp.org.models import Organisation, Person, PersonPost, Post, User, UserRole


@dataclass(frozen=True)
class FreshAttempt:
    """An attempt stored by `start_fresh_exam_attempt`: its id and the JSON the browser gets, encoded."""

    id: int
    body: str


@dataclass(frozen=True)
class _Parsed:
    blueprint: model.Blueprint
    text: str  # blueprint_to_dict(blueprint), encoded: what the attempt stores
    points: Mapping[str, str]  # question type -> its points as the layout writes them


_parsed: dict[str, _Parsed] = {}
_parsed_lock = threading.Lock()


def _parsed_blueprint(text: str) -> _Parsed:
    """An exam's blueprint, parsed once per process (keyed by its stored text, so a different snapshot is
    parsed again: nothing here can go stale)."""
    found = _parsed.get(text)
    if found is None:
        blueprint = blueprint_from_dict(json.loads(text))
        found = _Parsed(
            blueprint,
            json.dumps(blueprint_to_dict(blueprint), ensure_ascii=False),
            {t: repr(float(p)) for t, p in blueprint.points.items()},
        )
        with _parsed_lock:
            if len(_parsed) >= 256:
                _parsed.clear()
            _parsed[text] = found
    return found


_ORDER_TEXTS: dict[tuple[int, ...], str] = {}  # an option order -> '2,0,3,1' (few distinct orders exist)
_KEY_TEXTS: dict[tuple[tuple[int, ...], tuple[int, ...]], str] = {}  # (order, answer) -> the key on the paper


def _key_text(order: tuple[int, ...], answer: tuple[int, ...]) -> str:
    found = _KEY_TEXTS.get((order, answer))
    if found is None:
        found = ",".join(str(i) for i in sorted(order.index(a) for a in answer))
        if len(_KEY_TEXTS) < 100_000:
            _KEY_TEXTS[(order, answer)] = found
    return found


def paper_texts(paper: model.Paper, bank: DrawableBank, points: Mapping[str, str]) -> tuple[str, str]:
    """The paper's layout (server-side: `starting._layout` encoded) and its questions as the browser gets them (no
    key), joined from the bank's pieces encoded once per bank version."""
    layout, shown = [], []
    encoded, order_texts = bank.encoded, _ORDER_TEXTS
    for pq in paper.questions:
        q = encoded[pq.question.id]
        order = pq.option_order
        order_text = order_texts.get(order)
        if order_text is None:
            order_text = ",".join(map(str, order))
            if len(order) <= 6:  # at most 720 orders of 6 options; longer ones are rare and not kept
                order_texts[order] = order_text
        layout.append(
            f'{q.layout_head}{order_text}{q.layout_mid}{_key_text(order, q.answer)}],"pts":'
            f"{points[pq.question.type]}{q.layout_tail}"
        )
        options = q.options
        shown.append(q.shown_head + ",".join([options[i] for i in order]) + "]}")
    return "[" + ",".join(layout) + "]", "[" + ",".join(shown) + "]"


def _start_facts_statement(lock: bool, signed_in: bool = False):
    """The person (locked, as `starting._lock_person`), the exam, its post, and whether the person holds the post: one
    statement, built once per process (tables, not entities: no ORM work per start).

    `signed_in`: the person is the one of the signed-in user, found from the user's id and checked in the same
    statement as Flask's user loading checks them (active, same session version, organisation not suspended,
    the worker role): what the lean path (`webapp.exams.lean`) starts with, knowing only the session."""
    people, exams, posts, held = Person.__table__, Exam.__table__, Post.__table__, PersonPost.__table__
    facts = (
        select(
            people.c.id.label("person_id"),
            people.c.organisation_id.label("person_org"),
            people.c.department_id.label("person_department"),
            exams.c.organisation_id.label("exam_org"),
            exams.c.title,
            exams.c.post_id,
            exams.c.department_id.label("exam_department"),
            exams.c.person_id.label("exam_person"),
            exams.c.kind,
            exams.c.opens_at,
            exams.c.closes_at,
            cast(exams.c.blueprint, Text).label("blueprint"),
            posts.c.code.label("post_code"),
            posts.c.name.label("post_name"),
            exists()
            .where(held.c.person_id == people.c.id, held.c.post_id == exams.c.post_id)
            .label("holds_post"),
        )
        .select_from(people)
        .join(exams, exams.c.id == bindparam("exam_id", type_=Integer))
        .join(posts, posts.c.id == exams.c.post_id)
    )
    if signed_in:
        users, organisations, roles = User.__table__, Organisation.__table__, UserRole.__table__
        facts = (
            facts.add_columns(users.c.organisation_id.label("user_org"))
            .join(users, users.c.person_id == people.c.id)
            .join(organisations, organisations.c.id == users.c.organisation_id)
            .where(
                users.c.id == bindparam("user_id", type_=Integer),
                users.c.session_version == bindparam("session_version", type_=Integer),
                users.c.active.is_(True),
                organisations.c.suspended_at.is_(None),
                exists().where(roles.c.user_id == users.c.id, roles.c.role == "worker"),
            )
        )
    else:
        facts = facts.where(people.c.id == bindparam("person_id", type_=Integer))
    return facts.with_for_update(of=people, key_share=True) if lock else facts


def _insert_statement(postgres: bool):
    """INSERT … SELECT … WHERE NOT EXISTS (an attempt of this person at this exam) RETURNING id, built once per
    process; the layout and blueprint come encoded (cast to JSON on PostgreSQL; SQLite stores the text)."""
    attempts = Attempt.__table__
    typed = {"organisation_id": Integer, "person_id": Integer, "post_id": Integer, "exam_id": Integer,
             "kind": String, "started_at": UTCDateTime, "deadline": UTCDateTime, "seed": BigInteger,
             "started_by": Integer}  # fmt: skip
    row = [bindparam(name, type_=type_) for name, type_ in typed.items()]
    for name in ("layout", "blueprint"):
        text = bindparam(name, type_=Text)
        row.append(cast(text, JSON) if postgres else text)
    taken = exists().where(
        attempts.c.person_id == bindparam("person_id"), attempts.c.exam_id == bindparam("exam_id")
    )
    return (
        insert(attempts)
        .from_select([*typed, "layout", "blueprint"], select(*row).where(~taken))
        .returning(attempts.c.id)
    )


_STATEMENTS = {
    "sqlite": (_start_facts_statement(lock=False), _insert_statement(postgres=False)),
    "postgresql": (_start_facts_statement(lock=True), _insert_statement(postgres=True)),
}
_SIGNED_IN_FACTS = {
    "sqlite": _start_facts_statement(lock=False, signed_in=True),
    "postgresql": _start_facts_statement(lock=True, signed_in=True),
}


def start_fresh_exam_attempt(
    s: Session, *, person_id: int, organisation_id: int, exam_id: int, now: datetime, started_by: int | None
) -> FreshAttempt | None:
    """The person's first attempt at an exam assigned to them and open now, drawn and stored in two
    statements (the department chain aside); None in every other case (`start_exam_attempt` then answers)."""
    connection = s.connection()
    facts = _STATEMENTS["sqlite" if connection.dialect.name == "sqlite" else "postgresql"][0]
    f = connection.execute(facts, {"person_id": person_id, "exam_id": exam_id}).one_or_none()
    return _draw_and_store(s, f, organisation_id, exam_id, now, started_by)


def start_fresh_exam_attempt_signed_in(
    s: Session, *, user_id: int, session_version: int, exam_id: int, now: datetime
) -> FreshAttempt | None:
    """As `start_fresh_exam_attempt`, for the signed-in user known only by id and session version (checked in
    the first statement); None also when the user may not start exams (Flask then answers why)."""
    connection = s.connection()
    facts = _SIGNED_IN_FACTS["sqlite" if connection.dialect.name == "sqlite" else "postgresql"]
    params = {"user_id": user_id, "session_version": session_version, "exam_id": exam_id}
    f = connection.execute(facts, params).one_or_none()
    if f is None:
        return None
    return _draw_and_store(s, f, f.user_org, exam_id, now, user_id)


def _draw_and_store(
    s: Session, f, organisation_id: int, exam_id: int, now: datetime, started_by: int | None
) -> FreshAttempt | None:
    connection = s.connection()
    insert_attempt = _STATEMENTS["sqlite" if connection.dialect.name == "sqlite" else "postgresql"][1]
    if f is None or not f.holds_post or f.person_org != organisation_id or f.exam_org != organisation_id:
        return None
    person_id = f.person_id
    if (f.exam_person is not None and f.exam_person != person_id) or not (f.opens_at <= now < f.closes_at):
        return None
    if f.exam_department is not None and f.exam_department not in _department_chain(s, f.person_department):
        return None
    parsed = _parsed_blueprint(f.blueprint)
    bank = drawable_bank(s, f.post_code, organisation_id)
    seed = secrets.randbits(62)
    try:
        paper = assemble_seeded(bank.index, parsed.blueprint, seed, groups=bank.groups)
    except BankShortfall:
        return None
    deadline = None
    if parsed.blueprint.time_limit_minutes:
        deadline = min(now + timedelta(minutes=parsed.blueprint.time_limit_minutes), f.closes_at)
    layout, shown = paper_texts(paper, bank, parsed.points)
    attempt_id = connection.execute(
        insert_attempt,
        {
            "organisation_id": organisation_id,
            "person_id": person_id,
            "post_id": f.post_id,
            "exam_id": exam_id,
            "kind": f.kind,
            "started_at": now,
            "deadline": deadline,
            "seed": seed,
            "started_by": started_by,
            "layout": layout,
            "blueprint": parsed.text,
        },
    ).scalar_one_or_none()  # None: the person has an attempt at this exam already (seen after the lock)
    if attempt_id is None:
        return None
    head = {
        "id": attempt_id, "kind": f.kind, "title": f.title, "post": f.post_code, "post_name": f.post_name,
        "deadline": deadline.isoformat() if deadline else None, "server_now": now.isoformat(),
        "submitted": False, "responses": {},
    }  # fmt: skip
    return FreshAttempt(attempt_id, json.dumps(head, ensure_ascii=False)[:-1] + ',"questions":' + shown + "}")
