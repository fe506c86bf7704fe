"""Citations (依据) read out of text, matched to the register, and what needs review (待复核).

`parse_citations("《安全生产法》第二十八条; GB 30871-2022 5.3")` gives one `Citation` per law title,
standard number or ministerial order, with the clause that follows it. `match` finds the register
entry a citation names: a standard by number (with its year when given; without a year, the edition in
force, as an undated reference means), a law by title, an order by its number. `needs_review` lists every
question (by its basis) and handbook section (by its text) citing an entry no longer in force.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from quizbank.model import Question, Section
from quizbank.register import LawEntry, entry_key, replacement

_NUMERAL = r"[一二三四五六七八九十百千零〇两\d]+(?:\.\d+)*"
_CLAUSE = rf"第\s*{_NUMERAL}\s*条(?:\s*第\s*{_NUMERAL}\s*款)?(?:\s*第\s*{_NUMERAL}\s*项)?|第\s*{_NUMERAL}\s*[项章节]|附[录件]\s*[A-Z\d]+(?:\.\d+)*|\d+(?:\.\d+)+"
_STANDARD = r"(?<![A-Za-z])(?P<code>GBZ|GB|AQ|TSG|JGJ|HG|SH|SY|DL|NB|JB|YJ|WS|MT|CJJ|GA|XF)(?:\s*/\s*(?P<kind>[TZ]))?\s*(?P<body>[A-Z]?\d+(?:\.\d+)?)(?:\s*[-—–－]\s*(?P<year>(?:19|20)\d{2})(?!\d))?"
_CITATION = re.compile(
    rf"(?:{_STANDARD})(?:\s*《(?P<stitle>[^》]+)》)?"
    rf"|(?P<order>[\u4e00-\u9fff]{{1,16}}令\s*第\s*{_NUMERAL}\s*号)"
    rf"|《(?P<title>[^》]+)》"
)
_CLAUSE_AFTER = re.compile(rf"\s*(?:[,，]\s*)?(?P<clause>{_CLAUSE})")


@dataclass(frozen=True)
class Citation:
    """One cited text: `number` ("GB/T 3608-2008", "应急管理部令第19号") and/or `title`, and the clause."""

    text: str
    number: str = ""
    title: str = ""
    clause: str = ""

    @property
    def standard(self) -> tuple[str, str] | None:
        """(base number, year or "") when the citation names a standard."""
        return standard_number(self.number)


def standard_number(number: str) -> tuple[str, str] | None:
    m = re.fullmatch(_STANDARD, unicodedata.normalize("NFKC", number).strip().upper())
    if not m:
        return None
    base = m["code"] + (f"/{m['kind']}" if m["kind"] else "") + m["body"]
    return base, m["year"] or ""


def parse_citations(text: str) -> tuple[Citation, ...]:
    """Every law, standard and order cited in `text`, in order, each with the clause right after it."""
    text = unicodedata.normalize("NFKC", text or "")
    found: list[Citation] = []
    for m in _CITATION.finditer(text):
        clause_match = _CLAUSE_AFTER.match(text, m.end())
        clause = re.sub(r"\s+", "", clause_match["clause"]) if clause_match else ""
        end = clause_match.end() if clause_match else m.end()
        if m["code"]:
            base = m["code"] + (f"/{m['kind']}" if m["kind"] else "") + " " + m["body"]
            number = f"{base}-{m['year']}" if m["year"] else base
            found.append(Citation(text[m.start() : end].strip(), number, (m["stitle"] or "").strip(), clause))
        elif m["order"]:
            found.append(Citation(text[m.start() : end].strip(), re.sub(r"\s+", "", m["order"]), "", clause))
        else:
            found.append(Citation(text[m.start() : end].strip(), "", m["title"].strip(), clause))
    return tuple(found)


def match(citation: Citation, register: Sequence[LawEntry]) -> LawEntry | None:
    """The register entry `citation` names, or None when the register does not know it."""
    candidates: list[LawEntry] = []
    standard = citation.standard
    if standard is not None:
        base, year = standard
        editions = [(e, standard_number(e.number)) for e in register if e.number]
        editions = [(e, s) for e, s in editions if s is not None and s[0] == base]
        if year:
            candidates = [e for e, s in editions if s[1] == year]
        else:
            candidates = [e for e, _ in sorted(editions, key=lambda es: es[1][1], reverse=True)]
    elif citation.number:  # an order: "…部令第19号" may carry words before the issuer ("依据应急管理部令…")
        key = entry_key(citation.number)
        candidates = [e for e in register if e.number and key.endswith(entry_key(e.number))]
    if not candidates and citation.title:
        key = entry_key(citation.title)
        candidates = [e for e in register if entry_key(e.title) == key]
    if not candidates:
        return None
    return next((e for e in candidates if e.in_force), candidates[0])


@dataclass(frozen=True)
class ReviewFlag:
    """A question or handbook section that cites a text no longer in force (待复核)."""

    kind: Literal["question", "section"]
    subject: str  # question id or section id
    where: str
    citation: Citation
    entry: LawEntry
    replaced_by: LawEntry | None = None  # the text in force now, following a chain of replacements
    check: str = "cites_withdrawn"

    @property
    def message(self) -> str:
        cited = f"{self.entry.label}{self.citation.clause and ' ' + self.citation.clause}"
        when = f"（{self.entry.withdrawn.isoformat()}）" if self.entry.withdrawn else ""
        status = self.entry.status if self.entry.status.startswith("已") else f"已{self.entry.status}"
        if self.replaced_by is not None:
            return f"依据 {cited} {status}{when}，现行为 {self.replaced_by.label}：请对照新文本复核。"
        return f"依据 {cited} {status}{when}：请复核本题是否仍然成立。"


def needs_review(
    questions: Iterable[Question],
    sections: Iterable[Section],
    register: Sequence[LawEntry],
    *,
    handbook: str = "",
) -> tuple[ReviewFlag, ...]:
    """Every question (by its basis) and section (by its title and text) citing a withdrawn or replaced
    entry, once per subject and entry, questions first, each in the order given. A section's place is
    ``handbook:line`` when the handbook file is named."""
    flags: list[ReviewFlag] = []
    for q in questions:
        flags += _flags("question", q.id, q.source or q.id, q.basis, register)
    for s in sections:
        if handbook and s.line:
            where = f"{handbook}:{s.line}"
        else:
            where = f"{s.id}（第 {s.line} 行）" if s.line else s.id
        flags += _flags("section", s.id, where, f"{s.title}\n{s.body}", register)
    return tuple(flags)


def _flags(kind, subject: str, where: str, text: str, register: Sequence[LawEntry]) -> list[ReviewFlag]:
    out: list[ReviewFlag] = []
    seen: set[str] = set()
    for citation in parse_citations(text):
        entry = match(citation, register)
        if entry is None or entry.in_force or entry.key in seen:
            continue
        seen.add(entry.key)
        out.append(ReviewFlag(kind, subject, where, citation, entry, current_replacement(entry, register)))
    return out


def current_replacement(entry: LawEntry, register: Sequence[LawEntry]) -> LawEntry | None:
    """What replaced `entry`, followed to the end of the chain (a loop stops where it closes)."""
    seen = {entry.key}
    found = replacement(entry, register)
    while found is not None and not found.in_force and found.replaced_by and found.key not in seen:
        seen.add(found.key)
        nxt = replacement(found, register)
        if nxt is None:
            break
        found = nxt
    return found


__all__ = [
    "Citation",
    "ReviewFlag",
    "current_replacement",
    "match",
    "needs_review",
    "parse_citations",
    "standard_number",
]
