"""The handbook format: Markdown with YAML front matter ⇄ `Handbook`.

```
---
post: welding
name: 焊接与热切割作业
title: 焊接与热切割作业应知应会手册
version: "2026.1"
risk: normal
special_operation: true
---

# 专业知识

## 焊接作业前的检查 {#weld-prep}

Body…
```
`#` headings are the parts (通用知识 / 专业知识), each `##` heading with a `{#id}` is a section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from quizbank.model import PART_NAMES, Handbook, Part, Problem, Section

SECTION_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_HEADING = re.compile(r"^(#{1,2})\s+(.*?)\s*$")
_ID_SUFFIX = re.compile(r"\s*\{#([^}]*)\}\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_PART_BY_NAME: dict[str, Part] = {name: part for part, name in PART_NAMES.items()}
_FRONT_MATTER_KEYS = ("post", "name", "title", "version", "risk", "special_operation")


@dataclass(frozen=True)
class HandbookResult:
    """A parsed handbook (None when it cannot be used at all) and what is wrong with it."""

    handbook: Handbook | None
    problems: tuple[Problem, ...] = ()


def parse_handbook(text: str, *, name: str = "handbook.md") -> HandbookResult:
    """Parse handbook.md. Every problem found is reported as ``name:line``; the handbook is None when
    the front matter is unusable."""
    problems: list[Problem] = []

    def problem(line: int, message: str, *, warning: bool = False) -> None:
        problems.append(Problem(f"{name}:{line}", message, warning=warning))

    lines = text.lstrip("\ufeff").splitlines()
    meta, body_start = _front_matter(lines, problem)
    sections = _sections(lines, body_start, problem)
    if meta is None:
        return HandbookResult(None, tuple(problems))

    post = meta.get("post")
    if post is not None and (not isinstance(post, str) or not SECTION_ID.match(post)):
        problem(1, f"front matter: post must be a lowercase code like 'welding', not {post!r}")
        post = None
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        problem(1, "front matter: title is missing")
        title = ""
    version = meta.get("version")
    if isinstance(version, int | float) and not isinstance(version, bool):
        version = str(version)
    if not isinstance(version, str) or not version.strip():
        problem(1, 'front matter: version is missing (write it in quotes, e.g. version: "2026.1")')
        version = ""
    risk = meta.get("risk", "normal") or "normal"
    if risk not in ("high", "normal"):
        problem(1, f"front matter: risk must be high or normal, not {risk!r}")
        risk = "normal"
    special = meta.get("special_operation", False)
    if not isinstance(special, bool):
        problem(1, f"front matter: special_operation must be true or false, not {special!r}")
        special = False
    post_name = meta.get("name")
    if post_name is not None and not isinstance(post_name, str):
        problem(1, f"front matter: name must be text, not {post_name!r}")
        post_name = None
    if post is not None and not post_name:
        problem(1, "front matter: name (the post's display name) is missing")
    for key in meta:
        if key not in _FRONT_MATTER_KEYS:
            problem(1, f"front matter: unknown key {key!r} (known: {', '.join(_FRONT_MATTER_KEYS)})")

    expected_part: Part = "general" if post is None else "professional"
    for s in sections:
        if s.part != expected_part:
            kind = "the general handbook" if post is None else "a post handbook"
            problem(
                s.line,
                f"section {s.id!r} stands under # {PART_NAMES[s.part]}, but {kind} has only "
                f"# {PART_NAMES[expected_part]}",
            )
    handbook = Handbook(
        title=title.strip(),
        version=version.strip(),
        post=post,
        risk=risk,
        special_operation=special,
        sections=tuple(sections),
        name=post_name.strip() if post_name else None,
    )
    return HandbookResult(handbook, tuple(problems))


def read_handbook(text: str, *, name: str = "handbook.md") -> Handbook:
    """Parse handbook.md, raising ValueError listing every problem (warnings aside)."""
    result = parse_handbook(text, name=name)
    errors = [p for p in result.problems if not p.warning]
    if errors or result.handbook is None:
        raise ValueError("\n".join(str(p) for p in errors) or f"{name}: unusable handbook")
    return result.handbook


def _front_matter(lines: list[str], problem) -> tuple[dict | None, int]:
    if not lines or lines[0].strip() != "---":
        problem(1, "front matter missing: the file must start with a line '---', the YAML keys, and '---'")
        return None, 0
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            break
    else:
        problem(1, "front matter is not closed: no second '---' line")
        return None, len(lines)
    try:
        meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem(line, f"front matter is not valid YAML: {getattr(e, 'problem', None) or e}")
        return None, end + 1
    if not isinstance(meta, dict):
        problem(1, "front matter must be YAML keys (post, title, version, …)")
        return None, end + 1
    return meta, end + 1


def _sections(lines: list[str], start: int, problem) -> list[Section]:
    sections: list[Section] = []
    seen: dict[str, int] = {}
    part: Part | None = None
    current: dict | None = None
    body: list[str] = []
    in_fence = False

    def close() -> None:
        if current is not None:
            sections.append(Section(body="\n".join(body).strip("\n"), **current))

    for index in range(start, len(lines)):
        line = lines[index]
        number = index + 1
        if _FENCE.match(line):
            in_fence = not in_fence
        heading = None if in_fence else _HEADING.match(line)
        if heading is None:
            if current is not None:
                body.append(line)
            continue
        level, title = len(heading.group(1)), heading.group(2)
        if level == 1:
            close()
            current, body = None, []
            part = _PART_BY_NAME.get(title.strip())
            if part is None:
                problem(number, f"unknown part heading '# {title}': use '# 通用知识' or '# 专业知识'")
            continue
        close()
        current, body = None, []
        id_match = _ID_SUFFIX.search(title)
        if id_match is None:
            problem(number, f"section '## {title}' has no id: end the heading with {{#some-id}}")
            continue
        section_id = id_match.group(1).strip()
        title = title[: id_match.start()].strip()
        if not SECTION_ID.match(section_id):
            problem(number, f"section id {section_id!r} must be lowercase letters, digits and hyphens")
            continue
        if not title:
            problem(number, f"section {section_id!r} has no title")
        if part is None:
            problem(
                number, f"section {section_id!r} stands before any part heading (# 通用知识 / # 专业知识)"
            )
            continue
        if section_id in seen:
            problem(number, f"duplicate section id {section_id!r} (first at line {seen[section_id]})")
            continue
        seen[section_id] = number
        current = {"id": section_id, "title": title, "part": part, "line": number}
    close()
    if not sections and not any(p for p in lines[start:] if p.strip()):
        problem(start + 1 if start < len(lines) else max(len(lines), 1), "the handbook has no sections")
    elif not sections:
        problem(start + 1, "the handbook has no '## title {#id}' sections")
    return sections


def write_handbook(handbook: Handbook) -> str:
    """handbook.md text for `handbook`; `parse_handbook(write_handbook(h))` gives `h` back (line numbers aside)."""
    meta: dict[str, object] = {}
    if handbook.post is not None:
        meta["post"] = handbook.post
        meta["name"] = handbook.name or handbook.post
    meta["title"] = handbook.title
    meta["version"] = handbook.version
    meta["risk"] = handbook.risk
    meta["special_operation"] = handbook.special_operation
    out = ["---", yaml.safe_dump(meta, allow_unicode=True, sort_keys=False).rstrip("\n"), "---", ""]
    part: Part | None = None
    for s in handbook.sections:
        if s.part != part:
            part = s.part
            out += [f"# {PART_NAMES[part]}", ""]
        out += [f"## {s.title} {{#{s.id}}}", ""]
        if s.body:
            out += [s.body, ""]
    return "\n".join(out).rstrip("\n") + "\n"
