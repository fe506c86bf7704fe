"""Hours owed and coverage (学时覆盖) for an enterprise's active people in a year: per person
`quizbank.records.hours_owed_over_posts` over all their posts (what the strictest asks), counted under the
post that decides it, summed by department × post with `coverage`."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from quizbank import records, rules
from quizbank.formats.excel import neutralise_formula as neutralise
from webapp.org.models import Department, Organisation, Person
from webapp.standing import service as standing_service

BATCH = 500


def owed_by_person(
    s: Session, organisation_id: int, year: int, today: date
) -> list[tuple[Person, str, str, records.HoursOwed]]:
    """(person, department name, post name, hours owed) for every active person with a post."""
    org = s.get(Organisation, organisation_id)
    policy = standing_service.policy_of(org)
    departments = dict(
        s.execute(
            select(Department.id, Department.name).where(Department.organisation_id == organisation_id)
        ).all()
    )
    people = list(
        s.scalars(
            select(Person)
            .where(Person.organisation_id == organisation_id, Person.active)
            .order_by(Person.employee_no)
        )
    )
    out = []
    for i in range(0, len(people), BATCH):
        chunk = people[i : i + BATCH]
        ids = [p.id for p in chunk]
        events, posts = standing_service.events_of(s, ids), standing_service.posts_of(s, ids)
        for p in chunk:
            if not posts[p.id]:
                continue
            held = {post.code: post for post in posts[p.id]}
            terms = [
                records.PostTerms(c, rules.is_high_risk(org.high_risk, post.risk)) for c, post in held.items()
            ]
            owed = records.hours_owed_over_posts(events[p.id], policy, year=year, today=today, posts=terms)
            out.append((p, departments.get(p.department_id, "未分配部门"), held[owed.post].name, owed))
    return out


def coverage_of(s: Session, organisation_id: int, year: int, today: date) -> list[records.CoverageRow]:
    return records.coverage(
        (dept, post, f"{p.name}（{p.employee_no}）", owed)
        for p, dept, post, owed in owed_by_person(s, organisation_id, year, today)
    )


def coverage_xlsx(rows: list[records.CoverageRow], people: list, year: int) -> bytes:
    """Two sheets: the table by department × post (rates as percentages), and every person short of hours."""
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = f"{year}年学时覆盖"
    ws.append(["部门", "岗位", "人数", "应修学时", "已记录学时", "完成率", "学时不足人数", "合计尚差学时"])
    for r in rows:
        ws.append(
            [
                neutralise(r.department),
                neutralise(r.post),
                r.people,
                r.required,
                r.recorded,
                None if r.covered_rate is None else r.covered_rate / 100,
                len(r.short_people),
                r.short,
            ]
        )
    total_req = sum(r.required for r in rows)
    total_rec = sum(r.recorded for r in rows)
    ws.append(
        [
            "合计",
            "",
            sum(r.people for r in rows),
            total_req,
            total_rec,
            (total_rec / total_req) if total_req else None,
            sum(len(r.short_people) for r in rows),
            sum(r.short for r in rows),
        ]
    )
    for row in ws.iter_rows(min_row=2, min_col=6, max_col=6):
        row[0].number_format = "0.0%"
    short = wb.create_sheet("学时不足人员")
    short.append(["部门", "岗位", "姓名", "工号", "年度", "应修学时", "已记录学时", "尚差学时"])
    for p, dept, post, owed in people:
        if owed.short > 0:
            short.append(
                [
                    neutralise(dept),
                    neutralise(post),
                    neutralise(p.name),
                    neutralise(p.employee_no),
                    year,
                    owed.required,
                    owed.recorded,
                    owed.short,
                ]
            )
    for sheet, widths in ((ws, (18, 16, 8, 12, 12, 10, 14, 14)), (short, (18, 16, 12, 12, 8, 12, 12, 12))):
        sheet.freeze_panes = "A2"
        for i, w in enumerate(widths):
            sheet.column_dimensions[chr(65 + i)].width = w
        for c in sheet[1]:
            c.font = Font(bold=True)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
