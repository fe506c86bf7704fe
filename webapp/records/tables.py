"""The archive as titled tables: what the PDF prints and the Excel file holds, section by section, so
both say the same thing in the same order (and the page shows the same sections)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from quizbank import records, rules

EMPLOYMENT_NOTE = "正式、劳务派遣、外包、灵活用工人员同等培训、考核、建档"


@dataclass(frozen=True)
class Table:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    widths: tuple[int, ...]  # relative widths (mm on A4 portrait, characters in Excel)
    empty: str = "无记录"


def _d(d: date | None) -> str:
    return d.isoformat() if d else ""


def _h(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


def identity_rows(a: records.Archive) -> list[tuple[str, str]]:
    i = a.identity
    return [
        ("姓名", i.name),
        ("工号", i.employee_no),
        ("身份证号", i.id_number or "未登记"),
        ("用工形式", i.employment_type),
        ("单位", i.organisation),
        ("部门", i.department or "未分配"),
        ("入职日期", _d(i.hired_on) or "未登记"),
        ("岗位", "、".join(p.name for p in a.posts) or "未分配"),
        ("在职", "是" if i.active else "否（已离职，档案保留）"),
        ("累计培训学时", _h(a.total_hours)),
        ("建档日期", _d(a.today)),
    ]


def standing_rows(a: records.Archive) -> list[tuple[object, ...]]:
    names = {p.code: p.name for p in a.posts}
    return [
        (
            names.get(s.post, s.post),
            "可以上岗" if s.may_work else "不得上岗",
            s.status_name,
            "；".join(s.reasons) or "—",
            "；".join(o.description for o in s.owed) or "—",
        )
        for s in a.standings
    ]


def sections(a: records.Archive) -> list[Table]:
    """Every section after the identity block, in the order an inspector reads them."""
    card = []
    for level, lines in a.three_level_card:
        name = rules.TRAINING_LEVEL_NAMES[level]
        if not lines:
            card.append((name, "", "", "未记录", "", ""))
        for t in lines:
            card.append(
                (
                    name,
                    _d(t.on),
                    _h(t.hours),
                    t.title + (f"：{t.content}" if t.content else ""),
                    t.trainer,
                    "",
                )
            )
    year_rows = [
        (str(y.year), *(_h(dict(y.by_level).get(lv, 0.0)) for lv in rules.TRAINING_LEVELS), _h(y.total))
        for y in a.hours_by_year
    ]
    owed_rows = [
        (str(o.year), line.name, _h(line.required), _h(line.recorded), _h(line.short))
        for o in a.hours_owed
        for line in o.lines
    ]
    return [
        Table(
            "一、今日上岗资格",
            ("岗位", "结论", "状态", "原因", "应补事项"),
            tuple(standing_rows(a)),
            (24, 18, 24, 62, 52),
            "未分配岗位",
        ),
        Table(
            "二、岗位及变动",
            ("日期", "岗位", "变动"),
            tuple((_d(c.on), c.post, c.what) for c in a.post_history),
            (40, 80, 60),
        ),
        Table(
            "三、三级安全教育卡",
            ("级别", "日期", "学时", "内容", "教育人", "受教育人签字"),
            tuple(card),
            (18, 24, 14, 64, 26, 34),
        ),
        Table(
            "四、培训记录",
            ("日期", "类别", "学时", "培训名称", "授课人", "岗位"),
            tuple(
                (_d(t.on), t.level_name, _h(t.hours), t.title, t.trainer, t.post or "通用")
                for t in a.training
            ),
            (24, 22, 14, 64, 28, 28),
        ),
        Table(
            "五、学时统计（按年度、类别）",
            ("年度", *(rules.TRAINING_LEVEL_NAMES[lv] for lv in rules.TRAINING_LEVELS), "合计"),
            tuple(year_rows),
            (20, 22, 22, 22, 26, 26, 22),
        ),
        Table(
            "六、应修学时与完成情况",
            ("年度", "类别", "应修学时", "已记录", "尚差"),
            tuple(owed_rows),
            (24, 40, 36, 36, 36),
        ),
        Table(
            "七、考试与逢查必考",
            ("日期", "类型", "岗位", "得分", "结果", "考试/检查"),
            tuple(
                (
                    _d(e.on),
                    e.kind_name,
                    e.post,
                    _h(e.score),
                    "合格" if e.passed else ("不合格" if e.passed is False else ""),
                    e.inspection or e.title,
                )
                for e in a.exams
            ),
            (24, 22, 28, 16, 18, 72),
        ),
        Table(
            "八、三违记录及复训",
            ("日期", "类别", "岗位", "情况", "记录人", "复训"),
            tuple((_d(v.on), v.category, v.post, v.note, v.by, v.retraining) for v in a.violations),
            (24, 24, 24, 48, 22, 38),
        ),
        Table(
            "九、合格证及变更记录",
            ("编号", "岗位", "签发", "到期", "当前状态", "变更记录"),
            tuple(
                (
                    c.serial,
                    c.post,
                    _d(c.issued),
                    _d(c.expires),
                    rules.CERTIFICATE_STATUS_NAMES.get(c.status, c.status),
                    "；".join(f"{_d(on)} {what} {why} {by}".strip() for on, what, why, by in c.history),
                )
                for c in a.certificates
            ),
            (30, 24, 22, 22, 18, 64),
        ),
        Table(
            "十、特种作业/特种设备作业人员证",
            ("证号", "类别", "初领", "复审到期", "有效期至", "登记日期", "登记人"),
            tuple(
                (
                    s.number,
                    s.kind,
                    _d(s.issued),
                    _d(s.review_due) or "按规定",
                    _d(s.expires) or "按规定",
                    _d(s.recorded_on),
                    s.by,
                )
                for s in a.specials
            ),
            (30, 34, 22, 22, 22, 22, 28),
        ),
        Table(
            "十一、应知应会手册确认",
            ("日期", "手册", "版本"),
            tuple((_d(on), book, version) for on, book, version in a.acknowledgements),
            (40, 100, 40),
            "无记录（本系统尚未登记手册确认）",
        ),
    ]
