"""The inspector's home dashboard: for each enterprise they may inspect (their own, each one that granted
them access, and for a regulator's inspector the jurisdiction's), the figures of `service.dashboard` —
who may not work today, make-ups due and overdue, the retraining backlog, certificates expiring — and
their own open and recent inspections there with the spot tests' pass counts. Nothing here commits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.dashboard.service import Dashboard, dashboard
from webapp.exams.models import Attempt
from webapp.inspections.models import Finding, Inspection
from webapp.org.models import Organisation

RECENT_DAYS = 30
MAX_ENTERPRISES = 12  # a regulator's inspector over a wide jurisdiction: the ones they are busiest in


@dataclass(frozen=True)
class InspectionFigures:
    inspection: Inspection
    tested: int  # spot tests handed in
    passed: int
    findings: int  # 三违 recorded


@dataclass(frozen=True)
class EnterpriseBoard:
    organisation: Organisation
    figures: Dashboard
    inspections: tuple[InspectionFigures, ...]  # open first, then the most recent


@dataclass(frozen=True)
class InspectorDashboard:
    boards: tuple[EnterpriseBoard, ...]
    more: int  # enterprises visible to the inspector but not shown


def _inspections(s: Session, inspector_id: int, org_ids: list[int], now: datetime) -> list[InspectionFigures]:
    since = now - timedelta(days=RECENT_DAYS)
    rows = list(
        s.scalars(
            select(Inspection)
            .where(
                Inspection.inspector_id == inspector_id,
                Inspection.organisation_id.in_(org_ids),
                Inspection.closed_at.is_(None) | (Inspection.opened_at >= since),
            )
            .order_by(
                Inspection.closed_at.is_(None).desc(), Inspection.opened_at.desc(), Inspection.id.desc()
            )
        )
    )
    ids = [i.id for i in rows]
    tests: dict[int, tuple[int, int]] = {}
    found: dict[int, int] = {}
    if ids:
        for iid, tested, passed in s.execute(
            select(
                Attempt.inspection_id,
                func.count(),
                func.count().filter(Attempt.passed.is_(True)),
            )
            .where(Attempt.inspection_id.in_(ids), Attempt.kind == "spot", Attempt.submitted_at.is_not(None))
            .group_by(Attempt.inspection_id)
        ):
            tests[iid] = (tested, passed)
        found = dict(
            s.execute(
                select(Finding.inspection_id, func.count())
                .where(Finding.inspection_id.in_(ids))
                .group_by(Finding.inspection_id)
            ).all()
        )
    return [InspectionFigures(i, *tests.get(i.id, (0, 0)), found.get(i.id, 0)) for i in rows]


def inspector_dashboard(
    s: Session, inspector_id: int, org_ids: Iterable[int], today: date, now: datetime
) -> InspectorDashboard:
    """`org_ids`: the organisations the inspector may read (`visible_org_ids()`); enterprises only count.
    The enterprises with their open inspections come first, then those inspected lately, then by name."""
    orgs = list(
        s.scalars(
            select(Organisation).where(
                Organisation.id.in_(list(org_ids)),
                Organisation.kind == "enterprise",
                Organisation.suspended_at.is_(None),
            )
        )
    )
    inspections = _inspections(s, inspector_id, [o.id for o in orgs], now)
    by_org: dict[int, list[InspectionFigures]] = {}
    for f in inspections:
        by_org.setdefault(f.inspection.organisation_id, []).append(f)

    def rank(org: Organisation):
        mine = by_org.get(org.id, [])
        return (not any(f.inspection.is_open for f in mine), not mine, org.name)

    orgs.sort(key=rank)
    shown = orgs[:MAX_ENTERPRISES]
    boards = tuple(
        EnterpriseBoard(o, dashboard(s, o.id, today, now), tuple(by_org.get(o.id, ()))) for o in shown
    )
    return InspectorDashboard(boards, len(orgs) - len(shown))
