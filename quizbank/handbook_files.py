"""An enterprise's handbook part as editable sections, read from and written to Markdown and Word, and
compared between versions. Values in, values out: bytes and text, never a path or the clock.

Markdown: `## 标题 {#id}` headings are the sections (`#` headings when the file has no `##`); an id is made
for a heading without one. Word (.docx): paragraphs in the heading styles (标题 1/Heading 1…) are the
sections — the second level when the document uses two, the first otherwise.
"""

from __future__ import annotations

import difflib
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from quizbank.model import Problem

MAX_SECTIONS = 2000
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ID_SUFFIX = re.compile(r"\s*\{#([^}]*)\}\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
SECTION_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_DOCX_HEADING = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)


@dataclass(frozen=True)
class EditableSection:
    id: str
    title: str
    body: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "title": self.title, "body": self.body}

    @classmethod
    def from_dict(cls, d: dict) -> EditableSection:
        return cls(str(d["id"]), str(d["title"]), str(d.get("body", "")))


@dataclass(frozen=True)
class SectionsResult:
    title: str | None  # the document's own title (a level-1 heading above the sections, front matter)
    sections: tuple[EditableSection, ...]
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return bool(self.sections) and not any(not p.warning for p in self.problems)


def new_section_id(taken: Iterable[str]) -> str:
    """The next free `s-N` id (stable once given: ids are never reused from the title)."""
    taken = set(taken)
    n = len(taken) + 1
    while f"s-{n}" in taken:
        n += 1
    return f"s-{n}"


def sections_from_markdown(text: str, *, name: str = "handbook.md") -> SectionsResult:
    lines = text.lstrip("\ufeff").splitlines()
    start = _skip_front_matter(lines)
    headings: list[tuple[int, int, str]] = []  # (line index, level, text)
    fenced = False
    for i in range(start, len(lines)):
        if _FENCE.match(lines[i]):
            fenced = not fenced
            continue
        m = None if fenced else _HEADING.match(lines[i])
        if m:
            headings.append((i, len(m.group(1)), m.group(2)))
    if not headings:
        return SectionsResult(
            None, (), (Problem(f"{name}:1", "没有找到章节标题：每节以“## 标题”开头（可带 {#编号}）"),)
        )
    level = 2 if any(lv == 2 for _, lv, _ in headings) else 1
    title = next((t for _, lv, t in headings if lv < level), None)
    problems: list[Problem] = []
    raw: list[tuple[int, str | None, str, str]] = []  # (line no, id or None, title, body)
    cuts = [i for i, lv, _ in headings if lv <= level] + [len(lines)]
    for i, lv, heading in headings:
        if lv != level:
            continue
        end = next(c for c in cuts if c > i)
        body = "\n".join(lines[i + 1 : end]).strip("\n")
        m = _ID_SUFFIX.search(heading)
        sid = m.group(1).strip() if m else None
        heading = _ID_SUFFIX.sub("", heading).strip()
        if sid is not None and not SECTION_ID.match(sid):
            problems.append(
                Problem(
                    f"{name}:{i + 1}", f"章节编号 {{#{sid}}} 只能用小写字母、数字和连字符，如 {{#fire-exits}}"
                )
            )
        if not heading:
            problems.append(Problem(f"{name}:{i + 1}", "章节标题是空的"))
        raw.append((i + 1, sid, heading, body))
    seen: dict[str, int] = {}
    for line, sid, _, _ in raw:
        if sid is None:
            continue
        if sid in seen:
            problems.append(Problem(f"{name}:{line}", f"章节编号 {sid} 重复（第 {seen[sid]} 行已用）"))
        else:
            seen[sid] = line
    if len(raw) > MAX_SECTIONS:
        problems.append(Problem(f"{name}:1", f"章节太多：{len(raw)} 节，最多 {MAX_SECTIONS} 节"))
    taken = set(seen)
    sections = []
    for _, sid, heading, body in raw:
        if sid is None:
            sid = new_section_id(taken)
            taken.add(sid)
        sections.append(EditableSection(sid, heading, body))
    return SectionsResult(title, tuple(sections), tuple(problems))


def _skip_front_matter(lines: list[str]) -> int:
    if lines and lines[0].strip() == "---":
        for end in range(1, len(lines)):
            if lines[end].strip() in ("---", "..."):
                return end + 1
    return 0


def _unsafe_zip(data: bytes, max_unpacked: int) -> str | None:
    """Why a .docx must not be unpacked (not a zip, encrypted, too large unpacked), checked before
    unpacking; None when it may be."""
    import zipfile

    if not data.startswith(b"PK"):
        return "不是 Word（.docx）文件（文件头不是 zip）；旧的 .doc 请在 Word 中另存为 .docx"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as e:
        return f"Word 文件已损坏（{e}）"
    if any(i.flag_bits & 0x1 for i in infos):
        return "文件中有加密的部分：请取消密码后再导入"
    total = sum(i.file_size for i in infos)
    if total > max_unpacked:
        return f"解压后太大：{total / 1e6:.0f} MB，上限 {max_unpacked / 1e6:.0f} MB（可能是压缩炸弹）"
    return None


def sections_from_docx(
    data: bytes, *, name: str = "handbook.docx", max_unpacked: int = 100_000_000
) -> SectionsResult:
    import zipfile

    import docx  # python-docx, loaded only when a Word file is read
    from docx.opc.exceptions import PackageNotFoundError

    refused = _unsafe_zip(data, max_unpacked)
    if refused:
        return SectionsResult(None, (), (Problem(name, refused),))
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        return SectionsResult(None, (), (Problem(name, f"不是有效的 Word（.docx）文件（{e}）"),))
    paragraphs: list[tuple[int | None, str, str]] = []  # (heading level or None, style, text)
    for p in document.paragraphs:
        style = p.style.name if p.style is not None else ""
        m = _DOCX_HEADING.match(style.strip())
        level = int(m.group(1)) if m else (0 if style.strip().lower() in ("title", "标题") else None)
        paragraphs.append((level, style, p.text.strip()))
    levels = sorted({lv for lv, _, t in paragraphs if lv and t})
    if not levels:
        return SectionsResult(
            None,
            (),
            (Problem(name, "文档中没有标题：请用 Word 的“标题 1”“标题 2”样式标出每一节的标题，再导入"),),
        )
    level = levels[1] if len(levels) > 1 else levels[0]
    title = next((t for lv, _, t in paragraphs if lv is not None and lv < level and t), None)
    sections: list[EditableSection] = []
    current: tuple[str, list[str]] | None = None
    taken: set[str] = set()

    def close() -> None:
        if current is not None:
            sid = new_section_id(taken)
            taken.add(sid)
            sections.append(EditableSection(sid, current[0], "\n\n".join(current[1]).strip()))

    for lv, style, text in paragraphs:
        if lv is not None and lv != 0 and lv <= level and text:
            if lv == level:
                close()
                current = (text, [])
            continue
        if current is None or not text:
            continue
        if lv is not None and lv > level:
            current[1].append("#" * min(lv - level + 2, 6) + " " + text)
        elif "list" in style.lower() or "列表" in style:
            current[1].append("- " + text)
        else:
            current[1].append(text)
    close()
    problems = []
    if len(sections) > MAX_SECTIONS:
        problems.append(Problem(name, f"章节太多：{len(sections)} 节，最多 {MAX_SECTIONS} 节"))
    return SectionsResult(title, tuple(sections), tuple(problems))


def sections_to_markdown(title: str, sections: Sequence[EditableSection], *, part: str = "") -> str:
    out = [f"# {part or title}", ""]
    for s in sections:
        out += [f"## {s.title} {{#{s.id}}}", "", s.body.strip(), ""]
    return "\n".join(out).rstrip() + "\n"


def sections_to_docx(title: str, parts: Sequence[tuple[str, Sequence[EditableSection]]]) -> bytes:
    """A Word file: the title, then per part a level-1 heading and its sections as level-2 headings."""
    import docx

    document = docx.Document()
    document.add_heading(title, level=0)
    for part_name, sections in parts:
        document.add_heading(part_name, level=1)
        for s in sections:
            document.add_heading(s.title, level=2)
            for block in re.split(r"\n\s*\n", s.body.strip()):
                if block.strip():
                    document.add_paragraph(block.strip())
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


@dataclass(frozen=True)
class Changes:
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]  # title or body differ
    moved: bool = False

    def to_dict(self) -> dict[str, object]:
        return {
            "added": list(self.added),
            "removed": list(self.removed),
            "changed": list(self.changed),
            "moved": self.moved,
        }

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.moved)


def compare(old: Sequence[EditableSection], new: Sequence[EditableSection]) -> Changes:
    before = {s.id: s for s in old}
    after = {s.id: s for s in new}
    kept_order_old = [s.id for s in old if s.id in after]
    kept_order_new = [s.id for s in new if s.id in before]
    return Changes(
        tuple(s.id for s in new if s.id not in before),
        tuple(s.id for s in old if s.id not in after),
        tuple(
            s.id
            for s in new
            if s.id in before and (before[s.id].title, before[s.id].body) != (s.title, s.body)
        ),
        kept_order_old != kept_order_new,
    )


@dataclass(frozen=True)
class DiffLine:
    kind: str  # same | add | remove
    text: str


def section_diff(old: EditableSection | None, new: EditableSection | None) -> tuple[DiffLine, ...]:
    """A readable line diff of one section (title first) between two versions."""

    def lines(s: EditableSection | None) -> list[str]:
        return [] if s is None else [f"【{s.title}】", *s.body.splitlines()]

    out = []
    for line in difflib.ndiff(lines(old), lines(new)):
        tag, text = line[:2], line[2:]
        if tag == "? ":
            continue
        out.append(DiffLine({"  ": "same", "+ ": "add", "- ": "remove"}[tag], text))
    return tuple(out)
