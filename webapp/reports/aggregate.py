"""The pass-rate aggregate in SQL, per group and person, then per group: from `pass_rate_facts` (and the month
rows of `pass_rate_months`) whenever they answer the question, else from `attempts`; 今日可上岗 joined from
the day's standing snapshots (may_work.py). The report around it — filters parsed, labels, the 合计 row — is
in service.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Integer, case, cast, func, literal_column, select
from sqlalchemy.orm import Session

from webapp.exams.models import Attempt
from webapp.infra.clock import SHANGHAI
from webapp.org.models import Person
from webapp.reports import may_work
from webapp.reports.models import COUNTED_KINDS, EVERY_POST, GRAIN, PassRateFact, PassRateMonth

GROUPINGS: dict[str, str] = {"post": "岗位", "department": "部门", "month": "月份", "inspection": "检查"}


class ReportError(ValueError):
    """A bad report request, said in Chinese (``by``, ``from``, ``to``)."""


def _utc_bound(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=SHANGHAI).astimezone(UTC)


def _month_key(dialect: str):
    if dialect == "sqlite":
        return func.strftime("%Y-%m", Attempt.submitted_at, "+8 hours")
    return func.to_char(Attempt.submitted_at + literal_column("interval '8 hours'"), "YYYY-MM")


@dataclass(frozen=True)
class Filters:
    """考试类型, 岗位 and 部门 (with the departments under it), all optional and combined."""

    kind: str | None = None
    post_id: int | None = None
    department_id: int | None = None
    inspections_only: bool = False


NO_FILTERS = Filters()


def _key_column(by: str, dialect: str):
    if by == "all":
        return literal_column("'all'")
    if by == "post":
        return Attempt.post_id
    if by == "department":
        return Person.department_id
    if by == "month":
        return _month_key(dialect)
    if by == "inspection":
        return Attempt.inspection_id
    raise ReportError(f"by：不支持按“{by}”统计（可选：{'、'.join(GROUPINGS)}）")


def _conditions(s: Session, organisation_id: int, by: str, start, end, filters: Filters) -> list:
    conditions = [
        Attempt.organisation_id == organisation_id,
        Attempt.submitted_at.is_not(None),
        Attempt.kind.in_(COUNTED_KINDS),
    ]
    if start:
        conditions.append(Attempt.submitted_at >= _utc_bound(start))
    if end:
        conditions.append(Attempt.submitted_at < _utc_bound(end + timedelta(days=1)))
    if by == "inspection" or filters.inspections_only:
        conditions.append(Attempt.inspection_id.is_not(None))
    if filters.kind:
        conditions.append(Attempt.kind == filters.kind)
    if filters.post_id:
        conditions.append(Attempt.post_id == filters.post_id)
    if filters.department_id:
        from webapp.inspections.service import department_ids_under

        conditions.append(Person.department_id.in_(department_ids_under(s, filters.department_id)))
    return conditions


def _needs_person(by: str, filters: Filters) -> bool:
    return by == "department" or bool(filters.department_id)


def _first_and_latest(dialect: str, ok):
    """Aggregates over one person's sittings in a group: did the first pass, did the latest pass (1/0).

    "First" and "latest" go by submission time, then attempt id. One GROUP BY pass instead of two window
    sorts: on SQLite the max/min of a fixed-width text key (the stored timestamp, the zero-padded id, the
    result) carries the result in its last character; on PostgreSQL an ordered array_agg."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by

        def pick(*order):
            return func.array_agg(aggregate_order_by(ok, *order), type_=ARRAY(Integer))[1]

        first = pick(Attempt.submitted_at, Attempt.id)
        latest = pick(Attempt.submitted_at.desc(), Attempt.id.desc())
        return first, latest
    key = func.printf("%s%012d%d", Attempt.submitted_at, Attempt.id, ok)
    return (
        cast(func.substr(func.min(key), -1), Integer),
        cast(func.substr(func.max(key), -1), Integer),
    )


def _from_attempts(s: Session, organisation_id: int, by: str, start, end, filters: Filters):
    """One row per group and person from `attempts`: (key, person_id, attempts, ok, first_ok, latest_ok)."""
    dialect = s.get_bind().dialect.name
    key = _key_column(by, dialect).label("key")
    conditions = _conditions(s, organisation_id, by, start, end, filters)
    ok = case((Attempt.passed.is_(True), 1), else_=0)
    first, latest = _first_and_latest(dialect, ok)
    inner = (
        select(
            key,
            Attempt.person_id.label("person_id"),
            func.count().label("attempts"),
            func.sum(ok).label("ok"),
            first.label("first_ok"),
            latest.label("latest_ok"),
        )
        .where(*conditions)
        .group_by(*(() if by == "all" else (key,)), Attempt.person_id)
    )
    if _needs_person(by, filters):
        inner = inner.join(Person, Person.id == Attempt.person_id)
    return inner


def _stored(moment: datetime) -> str:
    """A UTC moment as the facts' keys begin (the stored submission time)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _cut_is_empty(s: Session, organisation_id: int, period: str, start=None, end=None) -> bool:
    """Whether no sitting of the organisation in `period` (a month or year) falls before `start` / from the
    day after `end` on: then the whole period's rows answer for the part of it in the range."""
    F = PassRateFact
    grain = GRAIN[len(period)]
    where = (
        F.organisation_id == organisation_id,
        F.grain == grain,
        F.post_id == EVERY_POST,
        F.period == period,
    )
    if start is not None:
        first = s.scalar(select(func.min(F.first_key)).where(*where))
        return first is None or first >= _stored(_utc_bound(start))
    latest = s.scalar(select(func.max(F.latest_key)).where(*where))
    return latest is None or latest < _stored(_utc_bound(end + timedelta(days=1)))


def _facts_grain(s: Session, organisation_id: int, by: str, start, end, filters: Filters) -> int | None:
    """Which rows of `pass_rate_facts` give the same answer as `attempts` (by the length of their period): 0
    (all time) without a range, 4 (years) when the range covers whole years, 7 (months) when it covers whole
    months or by month; None when they cannot: per inspection or
    exam kind (the facts keep neither), or a range cutting a month that has sittings outside it. A range
    "covers" a period it cuts when no sitting of that period lies outside it (e.g. a range ending today)."""
    if by == "inspection" or filters.inspections_only or filters.kind:
        return None
    if start is None and end is None and by != "month":
        return 0
    for length in (4, 7):
        if length == 4 and by == "month":
            continue
        fmt = "%Y" if length == 4 else "%Y-%m"
        first_of = (lambda d: d.replace(month=1, day=1)) if length == 4 else (lambda d: d.replace(day=1))
        ok = (
            not start
            or start == first_of(start)
            or _cut_is_empty(s, organisation_id, start.strftime(fmt), start)
        )
        if ok and end:
            after = end + timedelta(days=1)
            ok = first_of(after) == after or _cut_is_empty(s, organisation_id, end.strftime(fmt), end=end)
        if ok:
            return length
    return None


def _from_facts(s: Session, organisation_id: int, by: str, start, end, filters: Filters, grain: int):
    """The same rows as `_from_attempts`, from `pass_rate_facts` rows of `grain` (see `_facts_grain`).

    The rows are per period and person (on one post, or every post): when one period covers the range, or
    the report is by month, they are already one per group and person and are read as they are; else they
    are summed per group and person first."""
    F = PassRateFact
    if by == "all":
        key = literal_column("'all'")
    else:
        key = {"post": F.post_id, "department": Person.department_id, "month": F.period}[by]
    key = key.label("key")
    sqlite = s.get_bind().dialect.name == "sqlite"

    def result(k):  # the last character of a key: 1 if that sitting passed
        return cast(func.substr(k, -1) if sqlite else func.right(k, 1), Integer)

    fmt = "%Y" if grain == 4 else "%Y-%m"
    conditions = [F.organisation_id == organisation_id, F.grain == GRAIN[grain]]
    if start and grain:
        conditions.append(F.period >= start.strftime(fmt))
    if end and grain:
        conditions.append(F.period <= end.strftime(fmt))
    if filters.post_id:
        conditions.append(F.post_id == filters.post_id)
    elif by == "post":
        conditions.append(F.post_id != EVERY_POST)
    else:
        conditions.append(F.post_id == EVERY_POST)
    if filters.department_id:
        from webapp.inspections.service import department_ids_under

        conditions.append(Person.department_id.in_(department_ids_under(s, filters.department_id)))
    one_period = grain == 0 or by == "month" or (start and end and start.strftime(fmt) == end.strftime(fmt))
    if one_period:
        inner = select(
            key,
            F.person_id.label("person_id"),
            F.sittings.label("attempts"),
            F.passes.label("ok"),
            result(F.first_key).label("first_ok"),
            result(F.latest_key).label("latest_ok"),
        ).where(*conditions)
    else:
        inner = (
            select(
                key,
                F.person_id.label("person_id"),
                func.sum(F.sittings).label("attempts"),
                func.sum(F.passes).label("ok"),
                result(func.min(F.first_key)).label("first_ok"),
                result(func.max(F.latest_key)).label("latest_ok"),
            )
            .where(*conditions)
            .group_by(*(() if by == "all" else (key,)), F.person_id)
        )
    if _needs_person(by, filters):
        inner = inner.join(Person, Person.id == F.person_id)
    return inner


def _months(organisation_id: int, start, end, filters: Filters, today: date | None):
    """The rows by month as `pass_rate_months` keeps them (no department filter), with `today` the count of
    their people who may work today beside them."""
    M = PassRateMonth
    conditions = [M.organisation_id == organisation_id, M.post_id == (filters.post_id or EVERY_POST)]
    first, last = (d.strftime("%Y-%m") if d else None for d in (start, end))
    if first:
        conditions.append(M.month >= first)
    if last:
        conditions.append(M.month <= last)
    months = (  # a month's stripes summed (PassRateMonth)
        select(
            M.month.label("key"),
            func.sum(M.attempts).label("attempts"),
            func.sum(M.attempts_passed).label("attempts_passed"),
            func.sum(M.people).label("people"),
            func.sum(M.latest_passed).label("latest_passed"),
            func.sum(M.first_passed).label("first_passed"),
        )
        .where(*conditions)
        .group_by(M.month)
        .having(func.sum(M.people) > 0)
        .subquery()
    )
    query = select(
        months.c.key, months.c.attempts, months.c.attempts_passed, months.c.people, months.c.latest_passed,
        months.c.first_passed,
    ).order_by(months.c.key)  # fmt: skip
    if today is None:
        return query
    counts = may_work.by_month(organisation_id, filters.post_id or EVERY_POST, first, last, today)
    return query.add_columns(func.coalesce(counts.c.may_work, 0).label("may_work")).outerjoin(
        counts, counts.c.month == months.c.key
    )


def pass_rate_query(
    s: Session,
    organisation_id: int,
    by: str,
    start: date | None,
    end: date | None,
    filters: Filters = NO_FILTERS,
    today: date | None = None,
    *,
    use_facts: bool = True,
):
    """The aggregate: (key, attempts, attempts_passed, people, latest_passed, first_passed[, may_work]) per
    group; `may_work` (今日可上岗) with `today`, from the standing snapshots (`may_work.refresh` first).

    By month without 今日可上岗 the rows are read as `pass_rate_months` keeps them. Else the inner query is
    one row per group and person (their sittings, passes, first and latest result), from `pass_rate_facts`
    when it answers the question (`_facts_grain`), else from `attempts`; the outer one
    sums those per group."""
    _key_column(by, s.get_bind().dialect.name)  # a bad grouping is a ReportError
    grain = _facts_grain(s, organisation_id, by, start, end, filters) if use_facts else None
    if grain == 7 and by == "month" and not filters.department_id:
        return _months(organisation_id, start, end, filters, today)
    if grain is not None:
        inner = _from_facts(s, organisation_id, by, start, end, filters, grain)
    else:
        inner = _from_attempts(s, organisation_id, by, start, end, filters)
    sub = inner.subquery()
    query = (
        select(
            sub.c.key,
            func.sum(sub.c.attempts).label("attempts"),
            func.sum(sub.c.ok).label("attempts_passed"),
            func.count().label("people"),
            func.sum(sub.c.latest_ok).label("latest_passed"),
            func.sum(sub.c.first_ok).label("first_passed"),
        )
        .select_from(sub)
        .group_by(sub.c.key)
        .order_by(sub.c.key)
    )
    if today is not None:
        query = may_work.with_flag(query, sub, by, organisation_id, today)
    return query
