"""Moodle's GIFT format: multiple choice, multiple response and true/false questions.

Read: ``//`` comments (``// [tag:…]`` gives a tag), ``$CATEGORY:`` lines (→ section), ``::title::``,
``[html]``/``[markdown]``/``[plain]``/``[moodle]`` markers, escapes ``\\= \\~ \\# \\{ \\} \\: \\\\ \\n``,
per-answer feedback ``#…`` and general feedback ``####…`` (→ explanation). Essay, matching,
numerical, short answer, missing word and descriptions are reported with their line and skipped.
Write: what it reads, escaped; the explanation as general feedback; the id as the title.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from quizbank.formats.common import (
    FormatError,
    Source,
    finish,
    keep,
    read_text,
)
from quizbank.formats.limits import ReadLimits
from quizbank.model import TRUE_FALSE_OPTIONS, ImportResult, Problem, Question

_ESCAPES = {"\\\\": "\ue000", "\\~": "\ue001", "\\=": "\ue002", "\\#": "\ue003", "\\{": "\ue004"}
_ESCAPES |= {"\\}": "\ue005", "\\:": "\ue006", "\\n": "\ue007"}
_RESTORE = {v: k[1] for k, v in _ESCAPES.items()} | {"\ue007": "\n"}
_ESCAPE_RE = re.compile("|".join(re.escape(k) for k in _ESCAPES))
_FORMAT_MARKER = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
_TAG = re.compile(r"\[tag:([^\]]+)\]")
_TRUE_FALSE = re.compile(r"^(T|TRUE|F|FALSE)\s*(#.*)?$", re.IGNORECASE | re.DOTALL)
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_TOP_CATEGORY = re.compile(r"^(?:\$(?:course|cat1|cat2|cat3|module|system)\$/)?(?:top(?:/|$))?")
MULTIPLE_WEIGHTS = {
    1: "100",
    2: "50",
    3: "33.33333",
    4: "25",
    5: "20",
    6: "16.66667",
    7: "14.28571",
    8: "12.5",
}


def _protect(text: str) -> str:
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(0)], text)


def _restore(text: str) -> str:
    return "".join(_RESTORE.get(c, c) for c in text)


def _plain(text: str) -> str:
    """Protected text → plain text: escapes undone, one format marker removed, html flattened."""
    text = text.strip()
    m = _FORMAT_MARKER.match(text)
    fmt = m.group(1).lower() if m else ""
    if m:
        text = text[m.end() :]
    text = _restore(text).strip()
    if fmt == "html":
        text = re.sub(r"<br\s*/?>|</p>", "\n", text, flags=re.IGNORECASE)
        text = html.unescape(re.sub(r"<[^>]+>", "", text))
        text = re.sub(r"[ \t]+", " ", text).strip()
    return text


@dataclass(frozen=True)
class _Block:
    line: int
    text: str  # protected (escapes replaced), comments removed
    comments: tuple[str, ...]


def _blocks(text: str) -> Iterable[_Block]:
    lines: list[str] = []
    comments: list[str] = []
    start = 0
    for number, raw in enumerate([*text.split("\n"), ""], start=1):
        line = raw.rstrip("\r")
        if line.strip().startswith("//"):
            comments.append(line.strip()[2:])
            continue
        if not line.strip():
            if lines:
                yield _Block(start, _protect("\n".join(lines)), tuple(comments))
                comments = []
            lines = []
            continue
        if not lines:
            start = number
        lines.append(line)


def read(
    source: Source,
    *,
    name: str = "",
    max_bytes: int | None = None,
    limits: ReadLimits | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    return read_text(
        source, "gift", lambda text: _parse(text, progress), name=name, max_bytes=max_bytes, limits=limits
    )


def _parse(text: str, progress: Callable[[int], None] | None) -> ImportResult:
    questions: list[Question] = []
    problems: list[Problem] = []
    section: str | None = None
    for block in _blocks(text):
        place = f"line {block.line}"
        if block.text.lstrip().startswith("$CATEGORY:"):
            first, _, rest = block.text.partition("\n")
            section = _TOP_CATEGORY.sub("", _restore(first.split(":", 1)[1]).strip()) or None
            if not rest.strip():
                continue
            block = _Block(block.line + 1, rest, block.comments)
            place = f"line {block.line}"
        tags = tuple(t.strip() for c in block.comments for t in _TAG.findall(c) if t.strip())
        keep(_question(block.text, place, section, tags), questions, problems, progress)
    return finish(questions, problems, "gift")


def _question(
    text: str, place: str, section: str | None, tags: tuple[str, ...]
) -> tuple[Question | None, Problem | None]:
    def skip(message: str) -> tuple[None, Problem]:
        return None, Problem(place, message, True)

    text = text.strip()
    m = re.match(r"^::(.*?)::", text, re.DOTALL)
    if m:
        text = text[m.end() :]
    open_at = text.find("{")
    if open_at < 0:
        return skip("没有答案块 {…}：是说明文字（description），不是题目")
    close_at = text.find("}", open_at)
    if close_at < 0:
        return skip("答案块没有结束的 }")
    stem = _plain(text[:open_at])
    spec = text[open_at + 1 : close_at].strip()
    tail = text[close_at + 1 :].strip()
    note: Problem | None = None
    if tail:
        if re.search(r"\w", tail):
            return skip("填空题（missing word：答案块在题干中间）不支持")
        note = Problem(place, f"答案块后面的“{_restore(tail)}”已忽略", False)
    if not stem:
        return skip("题干为空")

    general = ""
    if "####" in spec:
        spec, _, general = spec.partition("####")
        general = _plain(general)
        spec = spec.strip()

    if not spec:
        return skip("问答题（essay）不支持")
    if spec.startswith("#"):
        return skip("数值题（numerical）不支持")
    tf = _TRUE_FALSE.match(spec)
    if tf:
        value = tf.group(1).upper().startswith("T")
        feedback = [_plain(f) for f in (tf.group(2) or "").split("#")[1:]]
        wrong, right = (feedback + ["", ""])[:2]
        question = Question(
            id="",
            type="truefalse",
            stem=stem,
            options=TRUE_FALSE_OPTIONS,
            answer=(0 if value else 1,),
            explanation=general or right or wrong,
            tags=tags,
            section=section,
            source=place,
        )
        return question, note

    answers = _answers(spec)
    if any("->" in a[2] for a in answers):
        return skip("配对题（matching）不支持")
    if not any(marker == "~" for marker, _, _, _ in answers):
        return skip("简答题（short answer）不支持")
    options = tuple(_plain(a[2]) for a in answers)
    if any(not o for o in options):
        return skip("有空的选项")
    has_equal = any(marker == "=" for marker, _, _, _ in answers)
    if has_equal:
        right = [i for i, (marker, _, _, _) in enumerate(answers) if marker == "="]
        if len(right) > 1:
            return skip(f"单选题标了 {len(right)} 个正确答案（=）：只能有一个")
        qtype = "single"
    else:
        right = [i for i, (_, weight, _, _) in enumerate(answers) if weight > 0]
        if len(right) < 2:
            return skip(f"多选题（~%…%）要有至少两个正分的答案，这里有 {len(right)} 个")
        qtype = "multiple"
    if len(options) < 2:
        return skip("选择题至少要有两个选项")
    feedback = "\n".join(dict.fromkeys(_plain(answers[i][3]) for i in right if answers[i][3].strip()))
    question = Question(
        id="",
        type=qtype,
        stem=stem,
        options=options,
        answer=tuple(right),
        explanation=general or feedback,
        tags=tags,
        section=section,
        source=place,
    )
    return question, note


def _answers(spec: str) -> list[tuple[str, float, str, str]]:
    """``=a#fb ~%50%b`` → [(marker, weight, text, feedback)]; ``=`` is 100, ``~`` without weight 0."""
    out = []
    for m in re.finditer(r"([=~])([^=~]*)", spec):
        marker, body = m.group(1), m.group(2)
        body = body.strip()
        w = _WEIGHT.match(body)
        weight = float(w.group(1)) if w else (100.0 if marker == "=" else 0.0)
        if w:
            body = body[w.end() :]
        answer_text, _, feedback = body.partition("#")
        out.append((marker, weight, answer_text, feedback))
    return out


def escape(text: str) -> str:
    text = text.replace("\\", "\\\\")
    for c in "~=#{}:":
        text = text.replace(c, "\\" + c)
    text = text.replace("\r\n", "\n").replace("\n", "\\n")
    if _FORMAT_MARKER.match(text):
        text = "[plain]" + text
    return text


def write(questions: Iterable[Question]) -> bytes:
    out: list[str] = []
    section: str | None = None
    for q in questions:
        if q.section != section:
            category = q.section if q.section else "$course$/top"
            if "\n" in category:
                raise FormatError(q.source or q.id, "章节名中有换行，GIFT 的 $CATEGORY 不能表示")
            out.append(f"$CATEGORY: {category}\n")
            section = q.section
        for tag in q.tags:
            if "]" in tag or "\n" in tag:
                raise FormatError(q.source or q.id, f"标签“{tag}”含有 ] 或换行，GIFT 不能表示")
            out.append(f"// [tag:{tag}]")
        lines = [f"::{escape(q.id)}::{escape(q.stem)}{{"]
        if q.type == "truefalse":
            lines[0] += "TRUE" if q.answer == (0,) else "FALSE"
        else:
            weight = MULTIPLE_WEIGHTS[len(q.answer)]
            for i, option in enumerate(q.options):
                text = escape(option)
                # A text starting with %…% would read as a weight: then the weight is written out.
                if q.type == "single":
                    marker = "=" if i in q.answer else "~"
                    prefix = ("%100%" if i in q.answer else "%0%") if text.startswith("%") else ""
                else:
                    marker, prefix = "~", f"%{weight}%" if i in q.answer else "%-100%"
                lines.append(f"\t{marker}{prefix}{text}")
        if q.explanation:
            lines.append(f"\t####{escape(q.explanation)}")
        lines.append("}")
        out.append("\n".join(lines) + "\n")
    return "\n".join(out).encode("utf-8")
