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
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.infra.clock import format_local
from webapp.infra.db import Base
from webapp.org.models import Department, Post
from webapp.reports import may_work
from webapp.reports.aggregate import GROUPINGS as GROUPINGS  # the report's names, where callers find them
from webapp.reports.aggregate import NO_FILTERS as NO_FILTERS
from webapp.reports.aggregate import Filters as Filters
from webapp.reports.aggregate import ReportError as ReportError
from webapp.reports.aggregate import _facts_grain as _facts_grain
from webapp.reports.aggregate import _utc_bound as _utc_bound
from webapp.reports.aggregate import pass_rate_query
from webapp.reports.models import COUNTED_KINDS

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
