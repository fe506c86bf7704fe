"""Hours owed (应修学时) per person and year: what the policy asks against what was recorded.

`hours_owed(events, policy, year=…, today=…, post=…)` replays the person's standing on the post as of
the year's end (or `today`, if earlier) and returns one line per kind of training the year asked for:
pre-job (岗前, 24/72 学时) for a case opened that year, annual retraining (年度再培训, 8/20) for every
year after the one the person qualified in, and off-duty retraining (脱产, after a failure or a 三违)
for cases opened that year. `hours_owed_over_posts` does so for a person holding several posts: training is
the person's, not the post's (one session counts on every post it is not tied to), so they owe what the
strictest post asks — per kind, the post's line short by the most (then asking the most) — never the sum.
`coverage` sums such results by department and post.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from quizbank.rules import Event, Policy, TrainingCompleted, standing

HOURS_KIND_NAMES = {"prejob": "岗前培训", "annual": "年度再培训", "offduty": "脱产复训"}


@dataclass(frozen=True)
class HoursLine:
    kind: str  # prejob | annual | offduty
    required: float
    recorded: float

    @property
    def short(self) -> float:
        return max(0.0, self.required - self.recorded)

    @property
    def name(self) -> str:
        return HOURS_KIND_NAMES[self.kind]


@dataclass(frozen=True)
class HoursOwed:
    year: int
    post: str
    lines: tuple[HoursLine, ...]

    @property
    def required(self) -> float:
        return sum(line.required for line in self.lines)

    @property
    def recorded(self) -> float:
        return sum(line.recorded for line in self.lines)

    @property
    def short(self) -> float:
        return sum(line.short for line in self.lines)


def hours_owed(
    events: Iterable[Event],
    policy: Policy,
    *,
    year: int,
    today: date,
    post: str,
    high_risk: bool = False,
) -> HoursOwed:
    """The hours `year` asked of the person on `post`, and those recorded against each ask."""
    events = list(events)
    as_of = min(today, date(year, 12, 31))
    if as_of.year < year:
        return HoursOwed(year, post, ())
    result = standing(events, policy, as_of, post=post, high_risk=high_risk)
    lines: list[HoursLine] = []
    prejob = [c for c in result.cases if c.kind == "prejob" and c.opened.year == year]
    if prejob:
        lines.append(
            HoursLine(
                "prejob",
                sum(c.hours_required or 0.0 for c in prejob),
                sum(min(c.hours_done, c.hours_required or 0.0) for c in prejob),
            )
        )
    if result.qualified_on is not None and result.qualified_on.year < year:
        need = policy.annual_retraining_hours(high_risk)
        if need > 0:
            lines.append(HoursLine("annual", need, min(need, _periodic_hours(events, year, as_of))))
    offduty = [c for c in result.cases if c.kind in ("offduty", "violation") and c.opened.year == year]
    if offduty:
        lines.append(
            HoursLine(
                "offduty",
                sum(c.hours_required or 0.0 for c in offduty),
                sum(min(c.hours_done, c.hours_required or 0.0) for c in offduty),
            )
        )
    return HoursOwed(year, post, tuple(lines))


@dataclass(frozen=True)
class PostTerms:
    """A post the person holds, and whether the high-risk hours apply on it (`quizbank.rules.is_high_risk`)."""

    code: str
    high_risk: bool = False


def hours_owed_over_posts(
    events: Iterable[Event],
    policy: Policy,
    *,
    year: int,
    today: date,
    posts: Sequence[PostTerms],
) -> HoursOwed:
    """The hours `year` asked of a person over all their `posts`: per kind, the line of the post short by
    the most (ties: the one asking the most, then the first post given). `post` is the post that decides:
    the one whose own hours are short by the most (then ask the most); "" without posts."""
    events = list(events)
    per_post = [
        hours_owed(events, policy, year=year, today=today, post=p.code, high_risk=p.high_risk) for p in posts
    ]
    if not per_post:
        return HoursOwed(year, "", ())
    lines = []
    for kind in HOURS_KIND_NAMES:
        candidates = [line for owed in per_post for line in owed.lines if line.kind == kind]
        if candidates:
            lines.append(max(candidates, key=lambda line: (line.short, line.required)))
    deciding = max(per_post, key=lambda owed: (owed.short, owed.required))
    return HoursOwed(year, deciding.post, tuple(lines))


def _periodic_hours(events: list[Event], year: int, as_of: date) -> float:
    seen: set[str] = set()
    total = 0.0
    for e in events:
        if not isinstance(e, TrainingCompleted) or e.level != "periodic" or e.on.year != year or e.on > as_of:
            continue
        if e.session_id:
            if e.session_id in seen:
                continue
            seen.add(e.session_id)
        total += float(e.hours)
    return total


@dataclass(frozen=True)
class CoverageRow:
    """One department × post: how many people, how many are short of hours, and by how much."""

    department: str
    post: str
    people: int
    required: float
    recorded: float
    short_people: tuple[tuple[str, float], ...]  # (name, hours short), most short first

    @property
    def short(self) -> float:
        return sum(h for _, h in self.short_people)

    @property
    def covered_rate(self) -> float | None:
        """Share of the required hours recorded, 0–100; None when nothing was required."""
        return None if self.required <= 0 else round(100.0 * self.recorded / self.required, 1)


def coverage(rows: Iterable[tuple[str, str, str, HoursOwed]]) -> list[CoverageRow]:
    """`(department, post, person name, hours owed)` → one row per department × post, sorted by name."""
    groups: dict[tuple[str, str], list[tuple[str, HoursOwed]]] = {}
    for department, post, name, owed in rows:
        groups.setdefault((department, post), []).append((name, owed))
    out = []
    for (department, post), members in sorted(groups.items()):
        short = sorted(((n, o.short) for n, o in members if o.short > 0), key=lambda t: (-t[1], t[0]))
        out.append(
            CoverageRow(
                department,
                post,
                len(members),
                sum(o.required for _, o in members),
                sum(min(o.recorded, o.required) for _, o in members),
                tuple(short),
            )
        )
    return out
