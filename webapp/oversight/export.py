"""The overview to Excel: one sheet of figures per enterprise, one of the visit ranking, one of handbooks
per post, one of notes. Text cells are neutralised (an enterprise named ``=HYPERLINK(…)`` stays text)."""

from __future__ import annotations

import io

from openpyxl import Workbook

from quizbank.formats.excel import neutralise_formula as neutralise
from webapp.oversight.ranking import Visit
from webapp.oversight.service import EXPIRING_DAYS, RETRAINING_OVERDUE_DAYS, EnterpriseFigures, Period

COLUMNS = (
    ("企业", lambda f: f.name),
    ("高危行业", lambda f: "是" if f.high_risk else ""),
    ("在册作业人员", lambda f: f.workers),
    ("参考人数", lambda f: f.examined),
    ("参考率%", lambda f: f.examined_share),
    ("考试人次", lambda f: f.attempts),
    ("通过人次", lambda f: f.attempts_passed),
    ("通过率%", lambda f: f.pass_rate),
    ("逢查必考人次", lambda f: f.spot_tests),
    ("逢查必考通过", lambda f: f.spot_passed),
    ("逢查必考通过率%", lambda f: f.spot_pass_rate),
    ("三违", lambda f: f.violations),
    ("今日不得上岗", lambda f: f.barred),
    ("复训逾期", lambda f: f.retraining_overdue),
    ("补考逾期", lambda f: f.makeups_overdue),
    ("特种作业证件到期", lambda f: f.certs_expiring),
    ("有人员岗位", lambda f: len(f.posts)),
    ("无手册岗位", lambda f: len(f.posts_without_handbook)),
)


def _cell(value):
    return neutralise(value) if isinstance(value, str) else value


def to_xlsx(figures: list[EnterpriseFigures], visits: list[Visit], period: Period, regulator: str) -> bytes:
    """Written row by row in write-only mode: memory stays flat however many enterprises."""
    wb = Workbook(write_only=True)
    sheet = wb.create_sheet("辖区总览")
    sheet.append([title for title, _get in COLUMNS])
    for f in figures:
        sheet.append([_cell(get(f)) for _title, get in COLUMNS])
    ranking = wb.create_sheet("建议检查")
    ranking.append(["排序", "企业", "分值", "原因"])
    for i, v in enumerate(visits, 1):
        ranking.append([i, _cell(v.figures.name), v.score, _cell("；".join(v.reasons))])
    books = wb.create_sheet("手册")
    books.append(["企业", "岗位代码", "岗位", "人数", "手册", "版本", "发布日期"])
    for f in figures:
        for p in f.posts:
            h = p.handbook
            books.append([
                _cell(f.name), _cell(p.code), _cell(p.name), p.people,
                _cell(h.title) if h else "未发布", _cell(h.version) if h else "",
                h.published_on.isoformat() if h and h.published_on else "",
            ])  # fmt: skip
    notes = wb.create_sheet("说明")
    for line in (
        ("监管部门", _cell(regulator)),
        ("统计期间", f"{period.start} 至 {period.end}"),
        ("参考率", "统计期间内参加过考试（不含练习）的在册作业人员占在册人数的比例"),
        ("今日不得上岗", "最近一次三违或证书暂停之后尚未复训合格或恢复证书的人员"),
        ("复训逾期", f"不得上岗已超过 {RETRAINING_OVERDUE_DAYS} 天"),
        ("补考逾期", "定期考试或逢查必考不合格、补考期限已过而未再考的人员"),
        ("特种作业证件到期", f"已到期或 {EXPIRING_DAYS} 天内到期、需复审的特种作业操作证"),
    ):
        notes.append(list(line))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
