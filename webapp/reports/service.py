"""Pass rates (DESIGN §5): submitted attempts of exam kinds (not practice), grouped by post, department,
month (China time) or inspection, over a date range of submission dates.

Per group the report counts attempts and people, because one person may sit several times:

- attempts / passed attempts / attempt pass rate — every sitting counts;
- people tested / people passed (passed at least once, i.e. their latest standing in the range) /
  people pass rate;
- first-attempt passes / first-attempt pass rate — each person's first sitting in the group and range.

The aggregate runs in SQL (one query with a window function), on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Integer, case, func, literal, literal_column, select
from sqlalchemy.orm import Session

from quizbank.model import EXAM_KINDS
from webapp.exams.models import Attempt
from webapp.infra.clock import SHANGHAI, format_local
from webapp.infra.db import Base
from webapp.org.models import Department, Person, Post

GROUPINGS: dict[str, str] = {"post": "岗位", "department": "部门", "month": "月份", "inspection": "检查"}
COUNTED_KINDS = tuple(k for k in EXAM_KINDS if k != "practice")
NO_DEPARTMENT = "（未分配部门）"

COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("label", "分组", "按所选维度分组；部门取人员当前所在部门，月份按北京时间的交卷日期"),
    ("attempts", "考试人次", "交卷的考试次数（不含练习），同一人考多次计多次"),
    ("attempts_passed", "通过人次", "其中及格的次数"),
    ("attempt_rate", "人次通过率", "通过人次 ÷ 考试人次"),
    ("people", "参考人数", "参加过考试的人数，同一人只计一次"),
    ("people_passed", "通过人数", "至少通过一次的人数（含补考后通过），即期末状态"),
    ("people_rate", "人员通过率", "通过人数 ÷ 参考人数"),
    ("first_passed", "首考通过人数", "每人在该分组、该时段的第一次考试即通过的人数"),
    ("first_rate", "首考通过率", "首考通过人数 ÷ 参考人数"),
)


@dataclass(frozen=True)
class PassRateRow:
    key: str
    label: str
    attempts: int
    attempts_passed: int
    people: int
    people_passed: int
    first_passed: int

    @staticmethod
    def _rate(n: int, d: int) -> float | None:
        return round(100.0 * n / d, 1) if d else None

    @property
    def attempt_rate(self) -> float | None:
        return self._rate(self.attempts_passed, self.attempts)

    @property
    def people_rate(self) -> float | None:
        return self._rate(self.people_passed, self.people)

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
            "people_passed": self.people_passed,
            "people_rate": self.people_rate,
            "first_passed": self.first_passed,
            "first_rate": self.first_rate,
        }


class ReportError(ValueError):
    """A bad report request, said in Chinese (``by``, ``from``, ``to``)."""


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


def _key_column(by: str, dialect: str):
    if by == "post":
        return Attempt.post_id
    if by == "department":
        return Person.department_id
    if by == "month":
        return _month_key(dialect)
    if by == "inspection":
        return Attempt.inspection_id
    raise ReportError(f"by：不支持按“{by}”统计（可选：{'、'.join(GROUPINGS)}）")


def pass_rate_query(s: Session, organisation_id: int, by: str, start: date | None, end: date | None):
    """The aggregate: (key, attempts, attempts_passed, people, people_passed, first_passed) per group."""
    key = _key_column(by, s.get_bind().dialect.name).label("key")
    conditions = [
        Attempt.organisation_id == organisation_id,
        Attempt.submitted_at.is_not(None),
        Attempt.kind.in_(COUNTED_KINDS),
    ]
    if start:
        conditions.append(Attempt.submitted_at >= _utc_bound(start))
    if end:
        conditions.append(Attempt.submitted_at < _utc_bound(end + timedelta(days=1)))
    if by == "inspection":
        conditions.append(Attempt.inspection_id.is_not(None))
    passed = case((Attempt.passed.is_(True), 1), else_=0)
    inner = select(
        key,
        Attempt.person_id.label("person_id"),
        passed.label("ok"),
        func.row_number()
        .over(partition_by=(key, Attempt.person_id), order_by=(Attempt.submitted_at, Attempt.id))
        .label("n"),
    ).where(*conditions)
    if by == "department":
        inner = inner.join(Person, Person.id == Attempt.person_id)
    sub = inner.subquery()
    return (
        select(
            sub.c.key,
            func.count().label("attempts"),
            func.sum(sub.c.ok).label("attempts_passed"),
            func.count(func.distinct(sub.c.person_id)).label("people"),
            func.count(func.distinct(case((sub.c.ok == 1, sub.c.person_id)))).label("people_passed"),
            func.sum(case((sub.c.n == 1, sub.c.ok), else_=literal(0, Integer))).label("first_passed"),
        )
        .group_by(sub.c.key)
        .order_by(sub.c.key)
    )


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
    s: Session, organisation_id: int, by: str, start: date | None = None, end: date | None = None
) -> list[PassRateRow]:
    result = s.execute(pass_rate_query(s, organisation_id, by, start, end)).all()
    labels = _labels(s, organisation_id, by, [r.key for r in result])
    rows = []
    for r in result:
        if by == "department" and r.key is None:
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
                people_passed=int(r.people_passed or 0),
                first_passed=int(r.first_passed or 0),
            )
        )
    if by in ("post", "department"):
        rows.sort(key=lambda r: (-r.attempts, r.label))
    return rows


def totals(rows: list[PassRateRow]) -> dict[str, int]:
    """Attempt totals over the groups (people may appear in several groups, so they are not summed)."""
    return {
        "attempts": sum(r.attempts for r in rows),
        "attempts_passed": sum(r.attempts_passed for r in rows),
    }
