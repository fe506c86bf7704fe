"""Which enterprises most need a visit, and why: a score from the overview's figures, each point with the
reason it was given (shown to the regulator beside the rank)."""

from __future__ import annotations

from dataclasses import dataclass

from webapp.oversight.service import EnterpriseFigures

EXAMINED_FLOOR = 80.0  # % of workers examined this year below which an enterprise is flagged
PASS_FLOOR = 80.0  # % pass rate below which it is flagged


@dataclass(frozen=True)
class Visit:
    figures: EnterpriseFigures
    score: int
    reasons: tuple[str, ...]


def reasons_of(f: EnterpriseFigures) -> list[tuple[int, str]]:
    """(weight, reason) for each thing wrong at the enterprise."""
    out: list[tuple[int, str]] = []
    missing = f.posts_without_handbook
    if missing:
        names = "、".join(p.name for p in missing[:3]) + ("等" if len(missing) > 3 else "")
        out.append((5 * len(missing), f"{len(missing)} 个有人员的岗位没有应知应会手册（{names}）"))
    if f.workers and (f.examined_share or 0) < EXAMINED_FLOOR:
        out.append((4, f"本期仅 {f.examined_share or 0:g}% 的作业人员参加过考试"))
    if f.attempts and (f.pass_rate or 0) < PASS_FLOOR:
        out.append((3, f"考试通过率 {f.pass_rate:g}%"))
    if f.workers and not f.spot_tests:
        out.append((2, "本期没有逢查必考记录"))
    elif f.spot_tests and (f.spot_pass_rate or 0) < PASS_FLOOR:
        out.append((3, f"逢查必考通过率 {f.spot_pass_rate:g}%"))
    if f.violations:
        out.append((2 * min(f.violations, 5), f"三违 {f.violations} 起"))
    if f.retraining_overdue:
        out.append((3 * min(f.retraining_overdue, 5), f"{f.retraining_overdue} 人停岗超过 30 天仍未完成复训"))
    elif f.barred:
        out.append((1, f"今日 {f.barred} 人不得上岗"))
    if f.makeups_overdue:
        out.append((2 * min(f.makeups_overdue, 5), f"{f.makeups_overdue} 人补考逾期"))
    if f.certs_expiring:
        out.append((1 * min(f.certs_expiring, 5), f"{f.certs_expiring} 张特种作业证件已到期或将到期"))
    return out


def rank(figures: list[EnterpriseFigures], limit: int | None = None) -> list[Visit]:
    """Enterprises with anything to look at, most in need first (ties by name)."""
    visits = []
    for f in figures:
        found = reasons_of(f)
        if found:
            found.sort(key=lambda wr: -wr[0])
            visits.append(Visit(f, sum(w for w, _r in found), tuple(r for _w, r in found)))
    visits.sort(key=lambda v: (-v.score, v.figures.name))
    return visits[:limit] if limit else visits
