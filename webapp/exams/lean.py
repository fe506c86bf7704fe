"""The lean exam path: a first start, saving an answer and submitting a paper, served below Flask.

A worker's tablet sends one start per paper, one PUT per answer and one submit per paper, all at the same
moments across a room; these three requests are the product's hot path. Served by Flask they pay the
framework's full round (the request context, the session, the user with their roles as ORM objects, the
before/after hooks), which costs several times the work itself. So `LeanExamPath`, a WSGI layer inside
the app, answers them itself when the request is the plain case, and hands anything else to Flask
unchanged:

- who: the session cookie and CSRF header, read as Flask and Flask-WTF read them
  (`webapp.infra.security.lean`); the user's being active, their session version, their organisation not
  suspended, their role and their owning the paper are checked inside the statement that does the work;
- what: the paper's facts from the per-process cache (`PaperFacts`: a started paper never changes);
  the choices validated against them (`valid_choices`);
- the work: a start is `fresh_start`'s two statements, the first also checking the signed-in user (a
  resume, a retake or anything refused is Flask's); a save is the one guarded upsert of `store_answer` (so
  its FOR SHARE ordering against a racing submit, and its deadline + grace, are the same); a submit locks
  the open paper FOR UPDATE, reads the saved answers, grades them from the frozen key and writes score,
  answers' marks, `exam_taken` and item results (`write_submission`, shared with the Flask path), in one
  transaction, and answers the score as the Flask route does. A save's and a submit's statements run on
  the driver's own connection (`webapp.infra.db.Driver`: SQL strings written once, values passed as the
  columns store them), behind the same write gate and BEGIN IMMEDIATE as SQLAlchemy's: on SQLite
  SQLAlchemy's per-statement work cost more than the statements.

Whenever the lean path cannot prove the plain case — no session or a bearer token, a bad CSRF token, a
session in kiosk state, a paper that does not exist, a question not on the paper or bad
choices, a statement that matched no row (closed paper, stale session, someone else's paper), a paper
whose pass issues a certificate, an old paper without a frozen key, a database error — it rolls back and
Flask serves the request from the start, with every check and its precise answer (404, 409, 401, 400 …).
Nothing is answered here that Flask would answer differently, and nothing is written here that Flask
would refuse. `LEAN_EXAM_PATH = False` in the config turns it off.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session

from quizbank.grading import grade_keyed
from webapp.certs.service import issuing  # a module, not its names: certs and exams import each other
from webapp.exams.lean_transactions import DriverTransaction, Fallback, OrmTransaction
from webapp.exams.service.fresh_start import start_fresh_exam_attempt_signed_in
from webapp.exams.service.grading import Submission, write_submission
from webapp.exams.service.saving import PaperFacts, cache_of, guarded_upsert_sql, paper_facts, valid_choices
from webapp.infra import clock
from webapp.infra.bounds import MAX_ID
from webapp.infra.db import database, driver_sql
from webapp.infra.errors import ApiError
from webapp.infra.http_headers import HEADERS, HSTS
from webapp.infra.security.lean import SessionReader, SignedIn

_ID = f"([1-9][0-9]{{0,{len(str(MAX_ID)) - 1}}})"
SAVE = re.compile(r"/api/v1/attempts/" + _ID + r"/responses/([^/]+)")
SUBMIT = re.compile(r"/api/v1/attempts/" + _ID + r"/submit")
START = "/api/v1/attempts"
ATTEMPT_ROLES = ("worker", "inspector")  # as webapp.exams.api
MAX_BODY = 4096  # a save's body is {"choices": [...]}; anything larger is Flask's to judge

# The signed-in user may act on this paper: checked in the statement that does the work.
# (A paper of another organisation — an outside inspector's spot test — is Flask's: its visibility rules apply.)
SIGNED_IN_OWNER = """EXISTS (
  SELECT 1 FROM users u JOIN organisations o ON o.id = u.organisation_id
  WHERE u.id = :user_id AND u.session_version = :session_version AND u.active = TRUE
    AND o.suspended_at IS NULL
    AND attempts.organisation_id = u.organisation_id
    AND (u.person_id = attempts.person_id OR (attempts.inspection_id IS NOT NULL AND attempts.started_by = u.id))
    AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role IN ({roles})))""".format(
    roles=", ".join(f"'{r}'" for r in ATTEMPT_ROLES)
)

# The open paper locked. On SQLite (one writer at a time, the write lock taken at BEGIN) its saved answers come
# in the same statement (none: one row of NULLs). On PostgreSQL they are read by a second statement: a
# statement's snapshot is taken before it waits for the lock, so a save that held the row FOR SHARE and
# committed meanwhile would be missing from a join read by the locking statement itself.
_LOCK_OPEN_PAPER = driver_sql(
    lambda d: (
        "SELECT attempts.deadline, responses.question_id, responses.choices FROM attempts"
        " LEFT JOIN responses ON responses.attempt_id = attempts.id"
        " WHERE attempts.id = :attempt_id AND attempts.submitted_at IS NULL AND " + SIGNED_IN_OWNER
        if d == "sqlite"
        else "SELECT attempts.deadline FROM attempts WHERE attempts.id = :attempt_id AND attempts.submitted_at IS NULL"
        " AND " + SIGNED_IN_OWNER + " FOR UPDATE OF attempts"
    )
)
_SAVED = driver_sql(lambda d: "SELECT question_id, choices FROM responses WHERE attempt_id = :attempt_id")
_SAVE = driver_sql(lambda d: guarded_upsert_sql(d, owner=SIGNED_IN_OWNER))


_PARSED: dict[str, list[int]] = {}  # a saved answer's JSON text -> its positions: a few dozen texts in all


def _choices(stored) -> list[int]:
    """A saved answer's positions: SQLite gives the JSON text (parsed once per process; never mutated),
    psycopg the list."""
    if not isinstance(stored, str):
        return list(stored)
    parsed = _PARSED.get(stored)
    if parsed is None:
        parsed = list(json.loads(stored))
        if len(_PARSED) < 4096:
            _PARSED[stored] = parsed
    return parsed


def _is_json(environ: dict) -> bool:
    """As Flask's `request.is_json`: application/json or application/*+json."""
    mimetype = environ.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower()
    return mimetype == "application/json" or (
        mimetype.startswith("application/") and mimetype.endswith("+json")
    )


@dataclass(frozen=True)
class Created:
    """A 201 answer: its JSON encoded already, and the new resource's path."""

    body: str
    location: str


class LeanExamPath:
    def __init__(self, app: Flask, wsgi_app: Callable) -> None:
        self.app = app
        self.flask = wsgi_app
        self._reader: SessionReader | None = None
        self._headers: list[tuple[str, str]] | None = None

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"]
        if method == "PUT":
            match, serve = SAVE.fullmatch(environ.get("PATH_INFO", "")), self._save
        elif method == "POST":
            path = environ.get("PATH_INFO", "")
            match, serve = (True, self._start) if path == START else (SUBMIT.fullmatch(path), self._submit)
        else:
            return self.flask(environ, start_response)
        if match is None or environ.get("QUERY_STRING") or not self.app.config.get("LEAN_EXAM_PATH", True):
            return self.flask(environ, start_response)
        body = self._body(environ)
        if body is None:
            return self.flask(environ, start_response)
        try:
            signed_in = self.reader.signed_in(environ)
            if signed_in is None:
                raise Fallback
            status, payload = serve(match, body, signed_in, environ)
        except Fallback:
            return self.flask(environ, start_response)
        except Exception:  # noqa: BLE001 — rolled back; Flask serves it again and answers any error its way
            self.app.logger.exception("lean exam path: %s %s", method, environ.get("PATH_INFO"))
            return self.flask(environ, start_response)
        headers = list(self.headers)
        if payload is None:
            start_response(status, headers)
            return [b""]
        if isinstance(payload, Created):
            data = payload.body.encode()  # as webapp.infra.api.created: encoded already, no newline
            headers.append(("Location", payload.location))
        else:
            data = (self.app.json.dumps(payload, separators=(",", ":")) + "\n").encode()  # as jsonify
        headers += [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
        start_response(status, headers)
        return [data]

    @property
    def reader(self) -> SessionReader:
        if self._reader is None:  # the app's config is complete by the first request
            self._reader = SessionReader(self.app)
        return self._reader

    @property
    def headers(self) -> list[tuple[str, str]]:
        """What webapp.infra.http_headers adds to every dynamic response."""
        if self._headers is None:
            headers = [*HEADERS.items(), ("Cache-Control", "no-store"), ("Vary", "Cookie")]
            if self.app.config.get("HTTPS"):
                headers.append(("Strict-Transport-Security", HSTS))
            self._headers = headers
        return self._headers

    @staticmethod
    def _body(environ: dict) -> bytes | None:
        """The request body (left readable again for Flask), or None when it is not small and plain JSON."""
        length = environ.get("CONTENT_LENGTH") or "0"
        if not length.isdigit() or int(length) > MAX_BODY or "HTTP_TRANSFER_ENCODING" in environ:
            return None
        body = environ["wsgi.input"].read(int(length)) if int(length) else b""
        environ["wsgi.input"] = io.BytesIO(body)
        return body

    def _facts(self, attempt_id: int) -> PaperFacts:
        """From this process's cache; read once on a miss (a started paper never changes: no need to read it in
        the request's transaction)."""
        facts = cache_of(self.app).get(attempt_id)
        if facts is None:
            try:
                with database(self.app).engine.connect() as conn:
                    facts = paper_facts(conn, attempt_id, self.app)
            except (DBAPIError, PoolTimeout):
                raise Fallback from None
            if facts is None:
                raise Fallback  # no such paper: Flask answers 404
        return facts

    def _now(self):
        return clock.now_of(self.app)

    def _save(self, match: re.Match, body: bytes, who: SignedIn, environ: dict) -> tuple[str, None]:
        attempt_id, question_id = int(match[1]), match[2]
        try:
            data = json.loads(body)
        except ValueError:
            raise Fallback from None
        if not _is_json(environ) or not isinstance(data, dict) or data.keys() != {"choices"}:
            raise Fallback
        try:
            picked = valid_choices(self._facts(attempt_id), question_id, data["choices"])
        except ApiError:
            raise Fallback from None
        grace = timedelta(seconds=self.app.config.get("EXAM_SAVE_GRACE_SECONDS", 0))
        with self._transaction(single_statement=True) as db:
            # read once the write lock is held (SQLite): a save that queued past the deadline is late
            now = self._now()
            stored = db.execute(
                _SAVE,
                {
                    "attempt_id": attempt_id, "question_id": question_id, "choices": json.dumps(picked),
                    "now": db.when(now), "cutoff": db.when(now - grace), "user_id": who.user_id,
                    "session_version": who.session_version,
                },
            ).rowcount  # fmt: skip
            if not stored:
                raise Fallback
        return "204 NO CONTENT", None

    def _start(self, _match: object, body: bytes, who: SignedIn, environ: dict) -> tuple[str, Created]:
        """A worker's first start of an assigned exam (`start_fresh_exam_attempt_signed_in`); a resume, a retake,
        practice or anything refused is Flask's."""
        try:
            data = json.loads(body)
        except ValueError:
            raise Fallback from None
        if not _is_json(environ) or not isinstance(data, dict) or data.keys() != {"exam_id"}:
            raise Fallback
        exam_id = data["exam_id"]
        if type(exam_id) is not int or not 0 < exam_id <= MAX_ID:
            raise Fallback
        # the bank caches live in the app; the session joins the transaction and ends with it
        with self._orm_transaction() as conn, self.app.app_context(), Session(bind=conn) as s:
            now = self._now()  # once the write lock is held (SQLite): a start queued past closing is late
            fresh = start_fresh_exam_attempt_signed_in(
                s, user_id=who.user_id, session_version=who.session_version, exam_id=exam_id, now=now
            )
            if fresh is None:
                raise Fallback
        root = environ.get("SCRIPT_NAME", "").rstrip("/")
        return "201 CREATED", Created(fresh.body, f"{root}{START}/{fresh.id}")

    def _submit(self, match: re.Match, body: bytes, who: SignedIn, environ: dict) -> tuple[str, dict]:
        attempt_id = int(match[1])
        if body:  # Flask refuses a JSON body that is not an object; the lean path takes only {}
            try:
                if not _is_json(environ) or json.loads(body) != {}:
                    raise Fallback
            except ValueError:
                raise Fallback from None
        facts = self._facts(attempt_id)
        if facts.key is None or facts.kind in issuing.ISSUING_KINDS:
            raise Fallback  # a certificate to issue, or an old paper: the full path
        with self._transaction() as db:
            now = self._now()
            rows = db.execute(
                _LOCK_OPEN_PAPER,
                {"attempt_id": attempt_id, "user_id": who.user_id, "session_version": who.session_version},
            ).fetchall()
            if not rows:
                raise Fallback  # submitted already (Flask answers the first result), or not theirs
            if db.sqlite:
                answers = [(q, c) for _, q, c in rows if q is not None]
            else:
                answers = db.execute(_SAVED, {"attempt_id": attempt_id}).fetchall()
            saved = {question_id: _choices(choices) for question_id, choices in answers}
            result = grade_keyed(facts.key, saved, pass_percent=facts.pass_percent, scoring=facts.scoring)
            deadline = db.read_when(rows[0][0])
            submitted_at = min(now, deadline) if deadline else now
            write_submission(
                db,
                Submission(
                    attempt_id=attempt_id, organisation_id=facts.organisation_id, person_id=facts.person_id,
                    post_id=facts.post_id, post_code=facts.post_code if facts.kind != "practice" else None,
                    kind=facts.kind, entries=facts.entries, submitted_at=submitted_at,
                    submitted_by=f"user:{who.user_id}", recorded_at=now,
                ),
                saved,
                result,
            )  # fmt: skip
        max_score = result.max_score
        return "200 OK", {
            "score": result.score,
            "max_score": max_score,
            "pass_score": round(max_score * facts.pass_percent / 100.0, 4),
            "passed": result.passed,
            "percent": round(result.score / max_score * 100, 1) if max_score else 0.0,
        }

    def _transaction(self, *, single_statement: bool = False) -> DriverTransaction:
        return DriverTransaction(database(self.app).engine, single_statement)

    def _orm_transaction(self) -> OrmTransaction:
        return OrmTransaction(database(self.app).engine)


def install(app: Flask) -> None:
    app.wsgi_app = LeanExamPath(app, app.wsgi_app)  # type: ignore[method-assign]
