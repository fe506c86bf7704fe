"""Pass rates (DESIGN §5): submitted attempts of exam kinds (not practice), grouped by post, department,
month (China time) or inspection, over a date range of submission dates.

Per group the report counts attempts and people, because one person may sit several times:

- attempts / passed attempts / attempt pass rate — every sitting counts;
- people tested / latest passed (each person's latest sitting in the group and range passed) / latest
  pass rate — what the exams said last, which is not whether the person may work today: a worker who
  passed and then committed a 三违 stays "passed" here;
- first-attempt passes / first-attempt pass rate — each person's first sitting in the group and range;
- 今日可上岗 — of the people tested, how many may work today (the rules' standing: on the group's post
  when grouped by post, on all their posts otherwise), shown beside the rates so that no rate is read as
  current fitness.

Filters: exam kind (考试类型), post and department together. The 合计 row is the same aggregate over
all groups at once (people counted once), not a sum of the rows.

The aggregate runs in SQL (one query: per group and person, then per group), on SQLite and PostgreSQL,
over `pass_rate_facts` (one row per person, post and month, kept by triggers as attempts are written:
webapp/reports/models.py) whenever that answers the question — no exam-kind filter, not per inspection,
a range of whole months or one whose cut months have no sitting outside it — and over `attempts`
otherwise. 今日可上岗 joins the day's standing snapshots (may_work.py) in the same query.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Integer, case, cast, func, literal_column, select
from sqlalchemy.orm import Session

from webapp.exams.models import Attempt
from webapp.infra.clock import SHANGHAI, format_local
from webapp.infra.db import Base
from webapp.org.models import Department, Person, Post
from webapp.reports import may_work
from webapp.reports.models import COUNTED_KINDS, EVERY_POST, GRAIN, PassRateFact, PassRateMonth

GROUPINGS: dict[str, str] = {"post": "岗位", "department": "部门", "month": "月份", "inspection": "检查"}
NO_DEPARTMENT = "（未分配部门）"

COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("label", "分组", "按所选维度分组；部门取人员当前所在部门，月份按北京时间的交卷日期"),
    ("attempts", "考试人次", "交卷的考试次数（不含练习），同一人考多次计多次"),
    ("attempts_passed", "通过人次", "其中及格的次数"),
    ("attempt_rate", "人次通过率", "通过人次 ÷ 考试人次"),
    ("people", "参考人数", "参加过考试的人数，同一人只计一次"),
    ("first_passed", "首考通过人数", "每人在该分组、该时段的第一次考试即通过的人数"),
    ("first_rate", "首考通过率", "首考通过人数 ÷ 参考人数"),
    (
        "latest_passed",
        "末次合格人数",
        "每人在该分组、该时段最近一次考试合格的人数；只反映考试结果，不代表今天可以上岗",
    ),
    (
        "latest_rate",
        "末次考试合格率",
        "末次合格人数 ÷ 参考人数（不是在岗合格率：三违、证书到期、学时不足等不在其中）",
    ),
    (
        "may_work_today",
        "今日可上岗",
        "参考人员中今天按上岗资格可以上岗的人数（按岗位统计时看该岗位，其他维度看其全部岗位）",
    ),
)


@dataclass(frozen=True)
class PassRateRow:
    key: str
    label: str
    attempts: int
    attempts_passed: int
    people: int
    latest_passed: int
    first_passed: int
    may_work_today: int = 0

    @staticmethod
    def _rate(n: int, d: int) -> float | None:
        return round(100.0 * n / d, 1) if d else None

    @property
    def attempt_rate(self) -> float | None:
        return self._rate(self.attempts_passed, self.attempts)

    @property
    def latest_rate(self) -> float | None:
        return self._rate(self.latest_passed, self.people)

    @property
    def first_rate(self) -> float | None:
        return self._rate(self.first_passed, self.people)

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "label": self.label,
            "attempts": self.attempts,
            "attempts_passed": self.attempts_passed,
            "attempt_rate": self.attempt_rate,
            "people": self.people,
            "first_passed": self.first_passed,
            "first_rate": self.first_rate,
            "latest_passed": self.latest_passed,
            "latest_rate": self.latest_rate,
            "may_work_today": self.may_work_today,
        }


class ReportError(ValueError):
    """A bad report request, said in Chinese (``by``, ``from``, ``to``)."""


def parse_filters(args) -> Filters:
    """考试类型 (kind), 岗位 (post_id) and 部门 (department_id) from query arguments; ReportError names the bad one."""
    kind = (args.get("kind") or "").strip() or None
    if kind is not None and kind not in COUNTED_KINDS:
        raise ReportError(f"kind：不支持考试类型“{kind}”（可选：{'、'.join(COUNTED_KINDS)}）")

    def number(name: str) -> int | None:
        value = (args.get(name) or "").strip()
        if not value:
            return None
        if not value.isdigit():
            raise ReportError(f"{name}：应为编号（数字），而不是“{value}”")
        return int(value)

    return Filters(kind=kind, post_id=number("post_id"), department_id=number("department_id"))


def parse_range(start: str | None, end: str | None) -> tuple[date | None, date | None]:
    def one(value: str | None, name: str) -> date | None:
        if not value:
            return None
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise ReportError(f"{name}：日期“{value}”格式不对，应为 YYYY-MM-DD") from None

    first, last = one(start, "from"), one(end, "to")
    if first and last and first > last:
        raise ReportError(f"from {first} 晚于 to {last}")
    return first, last


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


def _labels(s: Session, organisation_id: int, by: str, keys: list) -> dict:
    ids = [k for k in keys if k is not None]
    if by == "post":
        return dict(s.execute(select(Post.id, Post.name).where(Post.id.in_(ids))).all())
    if by == "department":
        return dict(
            s.execute(
                select(Department.id, Department.name).where(
                    Department.id.in_(ids), Department.organisation_id == organisation_id
                )
            ).all()
        )
    if by == "inspection" and "inspections" in Base.metadata.tables:
        table = Base.metadata.tables["inspections"]
        rows = s.execute(
            select(table.c.id, table.c.opened_at, Department.name)
            .join(Department, Department.id == table.c.department_id, isouter=True)
            .where(table.c.id.in_(ids), table.c.organisation_id == organisation_id)
        ).all()
        return {
            i: f"#{i} {format_local(opened, '%Y-%m-%d') if opened else ''} {name or ''}".strip()
            for i, opened, name in rows
        }
    return {}


def pass_rates(
    s: Session,
    organisation_id: int,
    by: str,
    start: date | None = None,
    end: date | None = None,
    filters: Filters = NO_FILTERS,
    today: date | None = None,
    *,
    use_facts: bool = True,
) -> list[PassRateRow]:
    """The rows; with `today`, each row's 今日可上岗 count too (call `may_work.refresh` first: `report`
    does). `use_facts=False` answers from `attempts` alone (the tests hold the two answers equal)."""
    query = pass_rate_query(s, organisation_id, by, start, end, filters, today, use_facts=use_facts)
    result = s.execute(query).all()
    labels = _labels(s, organisation_id, by, [r.key for r in result])
    rows = []
    for r in result:
        if by == "all":
            label = "合计"
        elif by == "department" and r.key is None:
            label = NO_DEPARTMENT
        elif by == "inspection":
            label = labels.get(r.key, f"#{r.key}")
        else:
            label = labels.get(r.key, str(r.key))
        rows.append(
            PassRateRow(
                key="" if r.key is None else str(r.key),
                label=label,
                attempts=int(r.attempts),
                attempts_passed=int(r.attempts_passed or 0),
                people=int(r.people),
                latest_passed=int(r.latest_passed or 0),
                first_passed=int(r.first_passed or 0),
                may_work_today=int(r.may_work or 0) if today is not None else 0,
            )
        )
    if by in ("post", "department"):
        rows.sort(key=lambda r: (-r.attempts, r.label))
    return rows


def total(
    s: Session,
    organisation_id: int,
    by: str,
    start,
    end,
    filters: Filters = NO_FILTERS,
    today: date | None = None,
    *,
    use_facts: bool = True,
) -> PassRateRow | None:
    """The 合计 row: the same aggregate over every group at once (a person in two groups counts once;
    按检查 totals the spot tests of inspections alone, like its rows)."""
    scope = replace(filters, inspections_only=by == "inspection")
    rows = pass_rates(s, organisation_id, "all", start, end, scope, today, use_facts=use_facts)
    return rows[0] if rows else None


def report(
    s: Session,
    organisation_id: int,
    by: str,
    start: date | None,
    end: date | None,
    filters: Filters,
    today: date,
) -> tuple[list[PassRateRow], PassRateRow | None, list[PassRateRow]]:
    """What the page, the API and the exports show: the rows and the 合计 row with 今日可上岗 (the standing
    snapshots made current once for both), and the monthly trend."""
    may_work.refresh(s, organisation_id, today)
    rows = pass_rates(s, organisation_id, by, start, end, filters, today)
    trend = rows if by == "month" else pass_rates(s, organisation_id, "month", start, end, filters)
    return rows, total(s, organisation_id, by, start, end, filters, today), trend
