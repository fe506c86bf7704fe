"""The coverage matrix of a handbook part: sections × question types with counts, flagging sections with no
question or fewer than their share of the largest paper the post's blueprints draw from that part."""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy.orm import Session

from quizbank import model
from webapp.bank.paper_rules import blueprint_for
from webapp.bank.sets import bank_rows
from webapp.handbooks.service.drafts import draft_of, handbook_of
from webapp.handbooks.service.publishing import current_version, sections_of
from webapp.org.models import Post

TYPES = ("truefalse", "single", "multiple")
TYPE_NAMES = {"truefalse": "判断", "single": "单选", "multiple": "多选"}
BLUEPRINT_KINDS = ("qualification", "periodic", "spot", "makeup", "retraining")


@dataclass(frozen=True)
class CoverageRow:
    section_id: str
    title: str
    counts: dict[str, int]
    flag: str  # "" | none | few

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class Coverage:
    source: str  # 第 N 版 | 草稿
    rows: tuple[CoverageRow, ...]
    need_per_type: dict[str, int]  # the most any blueprint draws of each type from this part
    have_per_type: dict[str, int]
    per_section: int  # a section's fair share of the largest paper
    unplaced: int  # questions citing no section of the handbook

    @property
    def short_types(self) -> list[str]:
        return [t for t in TYPES if self.have_per_type.get(t, 0) < self.need_per_type.get(t, 0)]


def coverage(s: Session, organisation_id: int, post: Post, part: model.Part = "professional") -> Coverage:
    hb = handbook_of(s, organisation_id, None if part == "general" else post, create=False)
    version = current_version(hb)
    sections = sections_of(version) if version else (draft_of(hb) if hb else [])
    source = f"第 {version.number} 版" if version else "草稿"
    questions = [q for q in bank_rows(s, post.code, organisation_id) if q.part == part]
    need = {t: 0 for t in TYPES}
    for kind in BLUEPRINT_KINDS:
        bp = blueprint_for(s, organisation_id, post, kind)
        for t in TYPES:
            need[t] = max(need[t], sum(c.count for c in bp.cells if c.part == part and c.type == t))
    have = {t: sum(1 for q in questions if q.type == t) for t in TYPES}
    per_section = math.ceil(sum(need.values()) / len(sections)) if sections else 0
    ids = {x.id for x in sections}
    rows = []
    for x in sections:
        counts = {t: sum(1 for q in questions if q.section == x.id and q.type == t) for t in TYPES}
        total = sum(counts.values())
        flag = "none" if total == 0 else ("few" if total < per_section else "")
        rows.append(CoverageRow(x.id, x.title, counts, flag))
    unplaced = sum(1 for q in questions if q.section not in ids)
    return Coverage(source, tuple(rows), need, have, per_section, unplaced)
