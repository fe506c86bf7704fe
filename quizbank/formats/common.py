"""What every exchange format shares: the error type, bounded reading, stable ids for imported questions."""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator

from quizbank.formats.limits import DEFAULT_LIMITS, ReadLimits
from quizbank.model import ImportResult, Problem, Question

DEFAULT_MAX_BYTES = DEFAULT_LIMITS.max_bytes
# What a spreadsheet may run as a formula when a cell starts with it (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")

Source = bytes | str | os.PathLike


class FormatError(Exception):
    """Input (or a request to write) that a format cannot take at all, and where."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message

    def problem(self) -> Problem:
        return Problem(self.where, self.message, skipped=True)


def source_name(source: Source, name: str = "") -> str:
    if name:
        return name
    if isinstance(source, bytes | bytearray):
        return "<input>"
    return os.fspath(source)


def load_bytes(source: Source, *, name: str = "", max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The file's bytes, refusing before reading anything larger than `max_bytes`.

    A `str` is a path (as for `os.PathLike`); pass text as bytes.
    """
    where = source_name(source, name)
    if isinstance(source, bytes | bytearray):
        size = len(source)
        data: bytes | None = bytes(source)
    else:
        try:
            size = os.stat(source).st_size
        except OSError as e:
            raise FormatError(where, f"无法打开文件：{e.strerror or e}") from e
        data = None
    if size > max_bytes:
        raise FormatError(where, f"文件太大：{size / 1e6:.1f} MB，上限 {max_bytes / 1e6:.0f} MB")
    if data is None:
        try:
            with open(source, "rb") as f:
                data = f.read(min(size, max_bytes) + 1)
        except OSError as e:
            raise FormatError(where, f"无法读取文件：{e.strerror or e}") from e
        if len(data) > max_bytes:  # grew while we looked
            raise FormatError(where, f"文件太大：上限 {max_bytes / 1e6:.0f} MB")
    return data


def decode_text(data: bytes, where: str) -> str:
    """UTF-8 (with or without BOM), else GBK/GB18030 as Chinese Windows tools write it."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FormatError(where, "无法识别文本编码（应为 UTF-8 或 GBK）")


def load_text(
    source: Source, *, name: str = "", max_bytes: int = DEFAULT_MAX_BYTES, max_lines: int | None = None
) -> str:
    """A text file's contents (bounded as `load_bytes`, decoded as `decode_text`, at most `max_lines`
    lines); FormatError names the file as `source_name` does."""
    where = source_name(source, name)
    data = load_bytes(source, name=name, max_bytes=max_bytes)
    if max_lines is not None:
        check_lines(data, where, max_lines)
    return decode_text(data, where)


def check_lines(data: bytes, where: str, max_lines: int) -> None:
    """Refuse text of more than `max_lines` lines before anything parses it."""
    lines = data.count(b"\n") + 1
    if lines > max_lines:
        raise FormatError(where, f"行数太多：{lines} 行，上限 {max_lines} 行；请分成几个文件导入")


def neutralise_formula(value: object) -> object:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe, so it stays text.

    The one guard every spreadsheet the project writes goes through (the xlsx and csv writers, the
    template, the web exports); reading our own files strips it again (`unguard_formula`)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def unguard_formula(text: str) -> str:
    """`neutralise_formula` undone: ``'=1+1`` → ``=1+1``; any other text as it is."""
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text


def content_id(question: Question) -> str:
    """A stable id from what the question says: type, stem, options and answer (``imp-`` + 12 hex)."""
    return content_key(question.type, question.stem, question.options, question.answer)


def content_key(type: str, stem: str, options: tuple[str, ...], answer: tuple[int, ...]) -> str:
    """`content_id` from the four values, for a reader that knows them before it builds the question."""
    # The compact JSON of [type, stem, options, answer] (as json.dumps(ensure_ascii=False,
    # separators=(",", ":")) writes it, so ids stay what they were), built without the encoder's
    # per-call set-up: this runs once per imported row.
    s = _json_string
    payload = f"[{s(type)},{s(stem)},[{','.join(map(s, options))}],[{','.join(map(str, answer))}]]"
    return "imp-" + _sha256(payload.encode()).digest()[:6].hex()  # = hexdigest()[:12]


def content_key_parts(type: str, options: tuple[str, ...], answer: tuple[int, ...]) -> tuple[str, str]:
    """What `content_key` hashes before and after the stem's JSON: a reader that sees the same type,
    options and answer on many rows (判断题) builds them once; `content_key_of` finishes the id."""
    s = _json_string
    return f"[{s(type)},", f",[{','.join(map(s, options))}],[{','.join(map(str, answer))}]]"


def content_key_of(head: str, stem: str, tail: str) -> str:
    """`content_key` from `content_key_parts` and the stem."""
    return "imp-" + _sha256((head + _json_string(stem) + tail).encode()).digest()[:6].hex()


_json_string = json.encoder.encode_basestring  # the C encoder json.dumps uses with ensure_ascii=False
_sha256 = hashlib.sha256


def _with_id(question: Question, qid: str) -> Question:
    """`question` with another id, without dataclasses.replace re-running __init__ (100,000× per import)."""
    copy = object.__new__(Question)
    copy.__dict__.update(question.__dict__)
    copy.__dict__["id"] = qid
    return copy


def finish(
    questions: Iterable[Question], problems: Iterable[Problem], format: str, *, ids: bool = True
) -> ImportResult:
    """Give questions without an id their content id; a repeated question gets ``-2``, ``-3``… and a note.

    A reader may give the content id itself (`content_key`), which saves building each question twice.
    Without `ids` (a dry run, which prints no id) the questions keep the id they have (``""``) and a
    repeated question is told by its type, stem, options and answer, what its content id is made of."""
    if not ids:
        return _finish_without_ids(questions, problems, format)
    first: dict[str, str] = {}
    taken: set[str] = set()
    out: list[Question] = []
    notes: list[Problem] = list(problems)
    for q in questions:
        base = q.id or content_id(q)
        qid, n = base, 1
        while qid in taken:
            n += 1
            qid = f"{base}-{n}"
        if n > 1:
            same = not q.id or q.id == content_id(q)
            what = "题目完全相同" if same else f"编号 {base} 相同，改为 {qid}"
            notes.append(
                Problem(q.source or qid, f"与 {first[base]} 的{what}（已导入，请确认是否重复）", False)
            )
        first.setdefault(base, q.source or base)
        taken.add(qid)
        out.append(q if q.id == qid else _with_id(q, qid))
    return ImportResult(tuple(out), tuple(notes), format)


def _finish_without_ids(
    questions: Iterable[Question], problems: Iterable[Problem], format: str
) -> ImportResult:
    first: dict[tuple, str] = {}
    notes: list[Problem] = list(problems)
    out = tuple(questions)
    for q in out:
        key = (q.type, q.stem, q.options, q.answer)
        where = q.source or ""
        seen = first.get(key)
        if seen is None:
            first[key] = where
        else:
            notes.append(Problem(where, f"与 {seen} 的题目完全相同（已导入，请确认是否重复）", False))
    return ImportResult(out, tuple(notes), format)


@contextlib.contextmanager
def collection_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a reader builds its questions (restored after).

    A reader makes 100,000s of objects without cycles; each collection would re-scan all of them,
    costing a fifth of the reading time. Reference counting still frees everything as usual."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def failure(error: FormatError, format: str) -> ImportResult:
    return ImportResult((), (error.problem(),), format)


def read_text(
    source: Source,
    format: str,
    parse: Callable[[str], ImportResult],
    *,
    name: str,
    max_bytes: int | None = None,
    limits: ReadLimits | None = None,
) -> ImportResult:
    """`parse` the text of a file (bounded and decoded as `load_text`), or the failure to load it."""
    limits = (limits or DEFAULT_LIMITS).replace(max_bytes=max_bytes)
    try:
        text = load_text(source, name=name, max_bytes=limits.max_bytes, max_lines=limits.max_lines)
    except FormatError as e:
        return failure(e, format)
    return parse(text)


def keep(
    parsed: tuple[Question | None, Problem | None],
    questions: list[Question],
    problems: list[Problem],
    progress: Callable[[int], None] | None,
) -> None:
    """A text reader's one question, or the problem that stopped it, kept and counted as read."""
    question, problem = parsed
    if question is not None:
        questions.append(question)
    if problem is not None:
        problems.append(problem)
    if progress is not None:
        progress(1)
