"""Exchange formats for questions: one module per format, each with ``read`` and ``write``.

``read(source, *, name="") -> ImportResult`` never raises for bad input: a file it cannot take at
all comes back as one problem and no questions; a row it cannot take is a problem with its place
(``Sheet1!R12``, ``line 7``). ``write(questions) -> bytes`` raises `FormatError` when the format
cannot hold a question (Aiken holds single-choice questions only).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterable

from quizbank.formats.common import (
    DEFAULT_MAX_BYTES,
    FormatError,
    Source,
    check_lines,
    content_id,
    failure,
    load_bytes,
    source_name,
)
from quizbank.formats.limits import DEFAULT_LIMITS, ReadLimits
from quizbank.model import ImportResult, Question

__all__ = [
    "DEFAULT_LIMITS",
    "DEFAULT_MAX_BYTES",
    "FORMATS",
    "FormatError",
    "ReadLimits",
    "content_id",
    "detect",
    "read",
    "write",
]

FORMATS: tuple[str, ...] = ("excel", "csv", "gift", "aiken", "native")

_EXTENSIONS = {
    ".xlsx": "excel",
    ".xlsm": "excel",
    ".xls": "excel",
    ".csv": "csv",
    ".gift": "gift",
    ".aiken": "aiken",
    ".yaml": "native",
    ".yml": "native",
}
_AIKEN_ANSWER = re.compile(r"^ANSWER\s*[:：]\s*\S", re.MULTILINE)
_GIFT_BLOCK = re.compile(
    r"\{[^{}]*(?:[=~]|\bT\b|\bF\b|TRUE|FALSE|#)[^{}]*\}|\{\s*\}|^\s*::|^\$CATEGORY:", re.M
)


def detect(name: str, head: bytes) -> str:
    """The format of a file from its name and first bytes (a few KB). Raises FormatError when unclear."""
    if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        return "excel"
    lower = name.lower()
    for ext, fmt in _EXTENSIONS.items():
        if lower.endswith(ext):
            return fmt
    text = head.decode("utf-8", errors="ignore") or head.decode("gb18030", errors="ignore")
    if _AIKEN_ANSWER.search(text):
        return "aiken"
    if _GIFT_BLOCK.search(text):
        return "gift"
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    if first.count(",") >= 2 and any(k in first for k in ("题干", "题目", "答案", "试题")):
        return "csv"
    raise FormatError(
        name or "<input>", "无法判断文件格式：请用 --format 指定（excel、csv、gift、aiken、native）"
    )


def load_reader(format: str) -> None:
    """Import the reader of `format` ahead of reading (FormatError for an unknown format)."""
    _module(format)


def _module(format: str):
    if format not in FORMATS:
        raise FormatError(format, f"未知的格式“{format}”（可选：{'、'.join(FORMATS)}）")
    return importlib.import_module(f"quizbank.formats.{'excel' if format == 'csv' else format}")


def read(
    source: Source,
    *,
    format: str = "auto",
    name: str = "",
    max_bytes: int | None = None,
    limits: ReadLimits | None = None,
    progress: Callable[[int], None] | None = None,
    ids: bool = True,
) -> ImportResult:
    """Read questions from a file (path) or its bytes; `format` "auto" detects it from name and content.

    `limits` bound what the file may cost (`ReadLimits`); `max_bytes` overrides its size bound. With
    `ids` False, a reader that would compute each question's content id may leave it out (``""``): a
    dry run prints no id, and a sha256 per row is a tenth of reading a workbook."""
    where = source_name(source, name)
    limits = (limits or DEFAULT_LIMITS).replace(max_bytes=max_bytes)
    try:
        data = load_bytes(source, name=where, max_bytes=limits.max_bytes)
        if not data or data.isspace():
            raise FormatError(where, "文件是空的，没有题目")
        if format == "auto":
            format = detect(where, data[:8192])
        module = _module(format)
        if format == "native":
            check_lines(data, where, limits.max_lines)
    except FormatError as e:
        return failure(e, "" if format == "auto" else format)
    if format == "native":
        result = module.read(data, name=where)
    elif format in ("excel", "csv"):
        reader = module.read_csv if format == "csv" else module.read
        result = reader(data, name=where, limits=limits, progress=progress, ids=ids)
    else:
        result = module.read(data, name=where, limits=limits, progress=progress)
    if not result.questions and not result.problems:
        # Say why nothing came back rather than leave the reader with an empty list and no reason.
        return failure(FormatError(where, f"没有找到题目（按 {format} 格式读取）"), format)
    return result


def write(questions: Iterable[Question], format: str) -> bytes:
    """Questions → the bytes of a file in `format`; FormatError when the format cannot hold one of them."""
    module = _module(format)
    return (module.write_csv if format == "csv" else module.write)(tuple(questions))
