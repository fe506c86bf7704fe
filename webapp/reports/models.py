"""The pass-rate report's facts, kept by the database as the attempts are written (issue 13).

`pass_rate_facts` holds, per organisation, period (a month `YYYY-MM`, a year `YYYY` in China time, or all
time `*`), post (or 0: every post) and person, the person's submitted exam sittings (practice left out): how
many, how many passed, and the first and the latest sitting as a sortable text key — the submission time as
stored (UTC, fixed width), the attempt id on 12 digits, then 1 if it passed else 0 — so that the first and
latest over several rows are the min and max of the keys and their last character says whether that sitting
passed (the report's tie-break: submission time, then attempt id). A sitting counts in six rows: its month,
its year and all time, on its post and on every post. So a report by month reads one row per person and
month, by post over a year or all time one row per person and post, its 合计 one row per person: rows that
are already the report's people, instead of a GROUP BY per person over every sitting.

Triggers on `attempts` keep the rows true for every writer (the exam submit, its lean path, spot tests,
imports, a deadline's submit, a test's builder) in the statement that writes the attempt: an attempt
inserted submitted, or submitted by an update, adds itself to its rows (an upsert that commutes with a
concurrent one); any other change to a submitted attempt (its result, time, kind, person or post) or its
deletion recomputes the rows it left and joined from `attempts`. Migration 0014 creates them and fills the
table from the existing attempts.

A migration that rebuilds `attempts` on SQLite (`batch_alter_table` copies the table) drops its triggers:
such a migration must run `TRIGGERS["sqlite"]` again.
"""

from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from quizbank.model import EXAM_KINDS
from webapp.exams.models import Attempt
from webapp.infra.db import Base, install_with
from webapp.standing.models import EVERY_POST, StandingSnapshot, stale_rows_sql

COUNTED_KINDS = tuple(k for k in EXAM_KINDS if k != "practice")
_KINDS = ", ".join(f"'{k}'" for k in COUNTED_KINDS)


class PassRateFact(Base):
    __tablename__ = "pass_rate_facts"
    # The rows live in the primary key's order: a report reads one grain and post (or every post) at a time.
    __table_args__ = {"sqlite_with_rowid": False}

    organisation_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    grain: Mapped[str] = mapped_column(String(1), primary_key=True)  # M: a month's row, Y: a year's, A: all
    post_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # a post's id, or EVERY_POST
    period: Mapped[str] = mapped_column(String(7), primary_key=True)  # YYYY-MM, YYYY (China time) or *
    person_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sittings: Mapped[int] = mapped_column(Integer)
    passes: Mapped[int] = mapped_column(Integer)
    first_key: Mapped[str] = mapped_column(String(60))
    latest_key: Mapped[str] = mapped_column(String(60))


_COLUMNS = "organisation_id, grain, post_id, period, person_id, sittings, passes, first_key, latest_key"
_PK = "organisation_id, grain, post_id, period, person_id"
GRAIN = {0: "A", 4: "Y", 7: "M"}  # by the period's length
ALL_TIME = "*"  # the period of the all-time rows


def _key(dialect: str, a: str) -> str:
    if dialect == "sqlite":
        return f"{a}submitted_at || substr('000000000000' || {a}id, -12) || (CASE WHEN {a}passed THEN 1 ELSE 0 END)"
    return (
        f"to_char({a}submitted_at, 'YYYY-MM-DD HH24:MI:SS.US') || lpad({a}id::text, 12, '0') "
        f"|| (CASE WHEN {a}passed THEN '1' ELSE '0' END)"
    )


def _period(dialect: str, a: str, length: int) -> str:
    """The month (length 7) or year (4) of `{a}submitted_at` in China time; ALL_TIME (length 0)."""
    if length == 0:
        return f"'{ALL_TIME}'"
    if dialect == "sqlite":
        return f"substr(datetime({a}submitted_at, '+8 hours'), 1, {length})"
    return f"substr(to_char({a}submitted_at + interval '8 hours', 'YYYY-MM'), 1, {length})"


# (period length, on the post or every post): the six rows a sitting counts in
_CELLS = ((7, True), (7, False), (4, True), (4, False), (0, True), (0, False))


def _select(dialect: str, length: int, on_post: bool, where: str = "") -> str:
    """One kind of row computed from `attempts` (all of them, or those `where` names)."""
    key, period = _key(dialect, ""), _period(dialect, "", length)
    post = "post_id" if on_post else str(EVERY_POST)
    groups = ", ".join(
        ("organisation_id", *((period,) if length else ()), *(("post_id",) if on_post else ()), "person_id")
    )
    return (
        f"SELECT organisation_id, '{GRAIN[length]}', {post}, {period}, person_id, count(*), "
        f"sum(CASE WHEN passed THEN 1 ELSE 0 END), min({key}), max({key}) FROM attempts "
        f"WHERE submitted_at IS NOT NULL AND kind IN ({_KINDS}){where} GROUP BY {groups}"
    )


def facts_sql(dialect: str) -> str:
    """Every row, computed from `attempts` (the backfill; the tests compare the table with it)."""
    return " UNION ALL ".join(_select(dialect, n, p) for n, p in _CELLS)


def backfill_sql(dialect: str) -> str:
    return f"INSERT INTO pass_rate_facts ({_COLUMNS}) {facts_sql(dialect)}"


def _cell(dialect: str, row: str, length: int, on_post: bool) -> tuple[str, str]:
    """(the WHERE of the fact row that attempt `row` (OLD or NEW) counts in, the same over `attempts`)."""
    post = f"{row}.post_id" if on_post else str(EVERY_POST)
    period = _period(dialect, f"{row}.", length)
    fact = (
        f"organisation_id = {row}.organisation_id AND grain = '{GRAIN[length]}' AND post_id = {post} "
        f"AND period = {period} AND person_id = {row}.person_id"
    )
    attempts = (
        f" AND organisation_id = {row}.organisation_id AND person_id = {row}.person_id"
        + (f" AND {_period(dialect, '', length)} = {period}" if length else "")
        + (f" AND post_id = {row}.post_id" if on_post else "")
    )
    return fact, attempts


def _refresh(dialect: str, row: str) -> str:
    """Recompute the four rows that attempt `row` counts in."""
    out = []
    for length, on_post in _CELLS:
        fact, attempts = _cell(dialect, row, length, on_post)
        out.append(f"DELETE FROM pass_rate_facts WHERE {fact}; ")
        out.append(f"INSERT INTO pass_rate_facts ({_COLUMNS}) {_select(dialect, length, on_post, attempts)}")
        if dialect == "postgresql":
            out.append(
                f" ON CONFLICT ({_PK}) DO UPDATE SET sittings = excluded.sittings, passes = excluded.passes, "
                "first_key = excluded.first_key, latest_key = excluded.latest_key"
            )
        out.append("; ")
    return "".join(out)


def _add(dialect: str) -> str:
    """Add attempt NEW to its four rows (an upsert: two concurrent sittings add up)."""
    key = _key(dialect, "NEW.")
    least, greatest, this = (
        ("min", "max", "") if dialect == "sqlite" else ("LEAST", "GREATEST", "pass_rate_facts.")
    )
    out = []
    for length, on_post in _CELLS:
        post = "NEW.post_id" if on_post else str(EVERY_POST)
        out.append(
            f"INSERT INTO pass_rate_facts ({_COLUMNS}) VALUES (NEW.organisation_id, '{GRAIN[length]}', "
            f"{post}, {_period(dialect, 'NEW.', length)}, NEW.person_id, 1, "
            f"CASE WHEN NEW.passed THEN 1 ELSE 0 END, {key}, {key}) ON CONFLICT ({_PK}) DO UPDATE SET "
            f"sittings = {this}sittings + 1, passes = {this}passes + excluded.passes, "
            f"first_key = {least}({this}first_key, excluded.first_key), "
            f"latest_key = {greatest}({this}latest_key, excluded.latest_key); "
        )
    return "".join(out)


_COUNTED_NEW = f"NEW.submitted_at IS NOT NULL AND NEW.kind IN ({_KINDS})"
_TRACKED = "submitted_at, passed, kind, person_id, post_id, organisation_id"

# A person's first sitting on a post in a year: a stale standing snapshot for that post (the report counts
# 今日可上岗 of the people who sat a post on that post), computed by the next report.
_SNAPSHOT_WANTED = stale_rows_sql(
    "SELECT NEW.person_id AS person_id, NEW.post_id AS post_id, NEW.organisation_id AS organisation_id"
)
SAT_POSTS = (  # migration 0014's backfill of those rows
    f"SELECT DISTINCT person_id, post_id, organisation_id FROM pass_rate_facts "
    f"WHERE grain = 'Y' AND post_id != {EVERY_POST}"
)
_WANTED_WHEN = f"NEW.grain = 'Y' AND NEW.post_id != {EVERY_POST}"

_SQLITE = (
    f"CREATE TRIGGER pass_rate_facts_snapshot AFTER INSERT ON pass_rate_facts WHEN {_WANTED_WHEN} "
    f"BEGIN {_SNAPSHOT_WANTED}; END",
    f"CREATE TRIGGER pass_rate_facts_insert AFTER INSERT ON attempts WHEN {_COUNTED_NEW} "
    f"BEGIN {_add('sqlite')}END",
    f"CREATE TRIGGER pass_rate_facts_submit AFTER UPDATE OF {_TRACKED} ON attempts "
    f"WHEN OLD.submitted_at IS NULL AND {_COUNTED_NEW} BEGIN {_add('sqlite')}END",
    f"CREATE TRIGGER pass_rate_facts_change AFTER UPDATE OF {_TRACKED} ON attempts "
    f"WHEN OLD.submitted_at IS NOT NULL BEGIN {_refresh('sqlite', 'OLD')}{_refresh('sqlite', 'NEW')}END",
    "CREATE TRIGGER pass_rate_facts_delete AFTER DELETE ON attempts WHEN OLD.submitted_at IS NOT NULL "
    f"BEGIN {_refresh('sqlite', 'OLD')}END",
)

_POSTGRES = (
    "CREATE OR REPLACE FUNCTION pass_rate_facts_snapshot() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"IF {_WANTED_WHEN} THEN {_SNAPSHOT_WANTED}; END IF; RETURN NULL; END $$",
    "CREATE TRIGGER pass_rate_facts_snapshot AFTER INSERT ON pass_rate_facts FOR EACH ROW "
    "EXECUTE FUNCTION pass_rate_facts_snapshot()",
    "CREATE OR REPLACE FUNCTION pass_rate_facts_track() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND OLD.submitted_at IS NULL) THEN "
    f"IF {_COUNTED_NEW} THEN {_add('postgresql')}END IF; RETURN NULL; END IF; "
    f"IF OLD.submitted_at IS NOT NULL THEN {_refresh('postgresql', 'OLD')}END IF; "
    f"IF TG_OP = 'UPDATE' AND NEW.submitted_at IS NOT NULL THEN {_refresh('postgresql', 'NEW')}END IF; "
    "RETURN NULL; END $$",
    # not called for an attempt inserted open (every exam start): only one inserted submitted counts
    f"CREATE TRIGGER pass_rate_facts_insert AFTER INSERT ON attempts FOR EACH ROW WHEN ({_COUNTED_NEW}) "
    "EXECUTE FUNCTION pass_rate_facts_track()",
    f"CREATE TRIGGER pass_rate_facts_update AFTER UPDATE OF {_TRACKED} ON attempts FOR EACH ROW "
    "EXECUTE FUNCTION pass_rate_facts_track()",
    "CREATE TRIGGER pass_rate_facts_delete AFTER DELETE ON attempts FOR EACH ROW "
    "EXECUTE FUNCTION pass_rate_facts_track()",
)


STRIPES = 64


def _stripe(person_id: str) -> str:
    # person_id modulo STRIPES, written without "%": the DDL goes through drivers' %-style parameter formats
    return f"({person_id} - ({person_id} / {STRIPES}) * {STRIPES})"


class PassRateMonth(Base):
    """The report's month rows as they are shown (the trend): per organisation, post (or EVERY_POST) and
    month, the sums of that month's `pass_rate_facts` rows — attempts, passes, people, first and latest
    passes — kept by triggers on `pass_rate_facts` as its month rows come, change and go.

    Each month is kept in up to STRIPES rows (`stripe`: the person's id modulo STRIPES), summed when read:
    every submit of an organisation in a month changes its month, and one row would make every concurrent
    submit on PostgreSQL wait for the one before it to commit (the row lock is held to the end of the
    transaction)."""

    __tablename__ = "pass_rate_months"

    organisation_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    stripe: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer)
    attempts_passed: Mapped[int] = mapped_column(Integer)
    people: Mapped[int] = mapped_column(Integer)  # 0 once its last person's rows went: not shown
    first_passed: Mapped[int] = mapped_column(Integer)
    latest_passed: Mapped[int] = mapped_column(Integer)


def _ok(dialect: str, key: str) -> str:
    return (
        f"CAST(substr({key}, -1) AS INTEGER)" if dialect == "sqlite" else f"CAST(right({key}, 1) AS INTEGER)"
    )


def months_sql(dialect: str) -> str:
    """`pass_rate_months` computed from `pass_rate_facts` (the tests compare the table with it)."""
    return (
        f"SELECT organisation_id, post_id, period, {_stripe('person_id')}, sum(sittings), sum(passes), count(*), "
        f"sum({_ok(dialect, 'first_key')}), sum({_ok(dialect, 'latest_key')}) FROM pass_rate_facts "
        f"WHERE grain = 'M' GROUP BY organisation_id, post_id, period, {_stripe('person_id')}"
    )


def _month_change(dialect: str, row: str, sign: str) -> str:
    """Add (sign +) or take away (-) fact row `row` to or from its month row."""
    this = "" if dialect == "sqlite" else "pass_rate_months."
    ok_first, ok_latest = _ok(dialect, f"{row}.first_key"), _ok(dialect, f"{row}.latest_key")
    return (
        "INSERT INTO pass_rate_months (organisation_id, post_id, month, stripe, attempts, attempts_passed, "
        f"people, first_passed, latest_passed) VALUES ({row}.organisation_id, {row}.post_id, {row}.period, "
        f"{_stripe(row + '.person_id')}, "
        f"{sign}{row}.sittings, {sign}{row}.passes, {sign}1, {sign}{ok_first}, {sign}{ok_latest}) "
        "ON CONFLICT (organisation_id, post_id, month, stripe) DO UPDATE SET "
        f"attempts = {this}attempts + excluded.attempts, "
        f"attempts_passed = {this}attempts_passed + excluded.attempts_passed, "
        f"people = {this}people + excluded.people, first_passed = {this}first_passed + excluded.first_passed, "
        f"latest_passed = {this}latest_passed + excluded.latest_passed; "
    )


def _month_update(dialect: str) -> str:
    """Fact row OLD became NEW (same month, post and person: its key never changes): the difference."""
    delta = {
        "attempts": "NEW.sittings - OLD.sittings",
        "attempts_passed": "NEW.passes - OLD.passes",
        "first_passed": f"{_ok(dialect, 'NEW.first_key')} - {_ok(dialect, 'OLD.first_key')}",
        "latest_passed": f"{_ok(dialect, 'NEW.latest_key')} - {_ok(dialect, 'OLD.latest_key')}",
    }
    return (
        f"UPDATE pass_rate_months SET {', '.join(f'{c} = {c} + {d}' for c, d in delta.items())} "
        "WHERE organisation_id = NEW.organisation_id AND post_id = NEW.post_id AND month = NEW.period "
        f"AND stripe = {_stripe('NEW.person_id')}; "
    )


_SQLITE = (
    *_SQLITE,
    "CREATE TRIGGER pass_rate_months_insert AFTER INSERT ON pass_rate_facts WHEN NEW.grain = 'M' "
    f"BEGIN {_month_change('sqlite', 'NEW', '+')}END",
    "CREATE TRIGGER pass_rate_months_update AFTER UPDATE ON pass_rate_facts WHEN NEW.grain = 'M' "
    f"BEGIN {_month_update('sqlite')}END",
    "CREATE TRIGGER pass_rate_months_delete AFTER DELETE ON pass_rate_facts WHEN OLD.grain = 'M' "
    f"BEGIN {_month_change('sqlite', 'OLD', '-')}END",
)
_POSTGRES = (
    *_POSTGRES,
    "CREATE OR REPLACE FUNCTION pass_rate_months_track() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"IF TG_OP = 'UPDATE' AND NEW.grain = 'M' THEN {_month_update('postgresql')}END IF; "
    f"IF TG_OP = 'DELETE' AND OLD.grain = 'M' THEN {_month_change('postgresql', 'OLD', '-')}END IF; "
    f"IF TG_OP = 'INSERT' AND NEW.grain = 'M' THEN {_month_change('postgresql', 'NEW', '+')}END IF; "
    "RETURN NULL; END $$",
    "CREATE TRIGGER pass_rate_months_track AFTER INSERT OR UPDATE OR DELETE ON pass_rate_facts FOR EACH ROW "
    "EXECUTE FUNCTION pass_rate_months_track()",
)
TRIGGERS: dict[str, tuple[str, ...]] = {"sqlite": _SQLITE, "postgresql": _POSTGRES}
install_with(
    PassRateMonth.__table__, TRIGGERS, Attempt.__table__, StandingSnapshot.__table__, PassRateFact.__table__
)
