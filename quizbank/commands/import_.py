"""`quizbank import FILE [--format …] [--post CODE] [--organisation ID] [--dry-run] [--json]`.

Reads a question file (Excel/CSV in the Chinese templates, GIFT, Aiken or the native YAML), prints
what was read and what was not (and where), and, unless --dry-run, puts the questions into the
database all or nothing through the web shell. Exit 0 when anything was importable, 1 when nothing
was (or the database refused), 2 on usage errors (no such file, a format that cannot be told).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from collections.abc import Sequence
from typing import Any, TextIO

from quizbank import formats
from quizbank.model import QUESTION_TYPE_NAMES, ImportResult, Question

PROGRESS_FROM_BYTES = 1024 * 1024  # show a progress bar for files from 1 MB


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "import",
        help="导入题库文件（Excel/CSV/GIFT/Aiken/YAML）",
        description="读取题库文件，列出读到的题目和有问题的行；不加 --dry-run 时整体写入数据库（全部成功或全部不写）。",
    )
    parser.add_argument("file", metavar="FILE", help="题库文件")
    parser.add_argument(
        "--format", default="auto", choices=("auto", *formats.FORMATS), help="文件格式（默认自动判断）"
    )
    parser.add_argument("--post", metavar="CODE", help="导入到哪个岗位（岗位代码，如 welding）")
    parser.add_argument("--organisation", metavar="ID", help="导入到哪个单位（默认：数据库中唯一的单位）")
    parser.add_argument("--dry-run", action="store_true", help="只读取和检查，不写入数据库")
    parser.add_argument("--json", action="store_true", help="输出一个 JSON 对象")
    parser.add_argument(
        "--max-mb",
        type=float,
        default=formats.DEFAULT_MAX_BYTES / 1024 / 1024,
        help="文件大小上限（MB，默认 50）",
    )
    parser.set_defaults(run=run)


def question_json(q: Question) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": q.type,
        "stem": q.stem,
        "options": list(q.options),
        "answer": list(q.answer),
    }
    if q.explanation:
        out["explanation"] = q.explanation
    if q.section:
        out["section"] = q.section
    out["difficulty"] = q.difficulty
    if q.tags:
        out["tags"] = list(q.tags)
    out["source"] = q.source or ""
    return out


_ENCODER = json.JSONEncoder(ensure_ascii=False)
_string = json.encoder.encode_basestring  # the C encoder json.dumps uses with ensure_ascii=False


def question_text(q: Question) -> str:
    """`json.dumps(question_json(q), ensure_ascii=False)`, character for character (see `question_texts`)."""
    return question_texts([q])[0]


def question_texts(questions: Sequence[Question]) -> list[str]:
    """`question_text` of each question, written directly in one comprehension: this runs once per question
    of the file. The JSON of options and tags is made once per distinct tuple (判断题 share theirs, and so
    do the rows whose cells repeat); the cache lives for one call."""
    s = _string
    lists: dict[tuple[str, ...], str] = {}  # options and tags → '"a", "b"'

    def texts(values: tuple) -> str:
        if len(lists) >= _DISTINCT_KEPT:
            lists.clear()
        text = lists[values] = ", ".join(map(s, values))
        return text

    get = lists.get
    return [
        f'{{"type": {s(q.type)}, "stem": {s(q.stem)}, '
        f'"options": [{o if (o := get(q.options)) is not None else texts(q.options)}], '
        f'"answer": [{", ".join(map(str, q.answer))}]'
        f"{_EXPLANATION + s(q.explanation) if q.explanation else ''}"
        f"{_SECTION + s(q.section) if q.section else ''}"
        f', "difficulty": {q.difficulty}'
        f"{_TAGS + (g if (g := get(q.tags)) is not None else texts(q.tags)) + ']' if q.tags else ''}"
        f', "source": {s(q.source or "")}}}'
        for q in questions
    ]


_EXPLANATION, _SECTION, _TAGS = ', "explanation": ', ', "section": ', ', "tags": ['


_DISTINCT_KEPT = 4096
_QUESTIONS_PER_WRITE = 1000  # a write per question costs more than the text; 1,000 are a few hundred KB


def write_result_json(path: str, result: ImportResult, out: TextIO) -> None:
    """The --json object of DESIGN §5 (file, format, questions, problems), written 1,000 questions at a
    time, never the whole text at once (the JSON of 100,000 questions is tens of MB)."""
    encode = _ENCODER.encode
    out.write(f'{{"file": {encode(path)}, "format": {encode(result.format)}, "questions": [')
    questions = result.questions
    for start in range(0, len(questions), _QUESTIONS_PER_WRITE):
        out.write(", " if start else "")
        out.write(", ".join(question_texts(questions[start : start + _QUESTIONS_PER_WRITE])))
    out.write('], "problems": [')
    for i, p in enumerate(result.problems):
        out.write(", " if i else "")
        out.write(encode({"where": p.where, "message": p.message, "skipped": p.skipped}))
    out.write("]}\n")


def summary(path: str, result: ImportResult) -> str:
    counts = Counter(q.type for q in result.questions)
    lines = [f"{path}（{result.format or '未知格式'}）：可导入 {len(result.questions)} 题"]
    if counts:
        lines.append(
            "  "
            + "，".join(f"{QUESTION_TYPE_NAMES[t]} {counts[t]}" for t in QUESTION_TYPE_NAMES if counts[t])
        )
    skipped = [p for p in result.problems if p.skipped]
    notes = [p for p in result.problems if not p.skipped]
    if skipped:
        lines.append(f"未导入 {len(skipped)} 处：")
        lines += [f"  {p.where}: {p.message}" for p in skipped]
    if notes:
        lines.append(f"提示 {len(notes)} 处（已导入）：")
        lines += [f"  {p.where}: {p.message}" for p in notes]
    return "\n".join(lines)


def _read(path: str, fmt: str, max_bytes: int, ids: bool = True) -> ImportResult:
    """The file's questions; without `ids` (a dry run: nothing prints an id) none computed."""
    size = os.path.getsize(path)
    if size < PROGRESS_FROM_BYTES or not sys.stderr.isatty() and os.environ.get("QUIZBANK_PROGRESS") != "1":
        return formats.read(path, format=fmt, max_bytes=max_bytes, ids=ids)
    from tqdm import tqdm

    with tqdm(desc="读取", unit=" 行", file=sys.stderr, leave=False) as bar:
        return formats.read(path, format=fmt, max_bytes=max_bytes, progress=bar.update, ids=ids)


def _import_shell():
    """Import what writing the questions needs of the web shell (the bank's services and tables, the
    migration check), touching no file or database."""
    import webapp.bank.service  # noqa: F401
    from webapp.bank.cli import import_questions
    from webapp.infra import migrate  # noqa: F401

    return import_questions


def run(args: argparse.Namespace) -> int:
    path = args.file
    if not os.path.isfile(path):
        print(f"quizbank import: 找不到文件 {path}", file=sys.stderr)
        return 2
    max_bytes = int(args.max_mb * 1024 * 1024)
    fmt = args.format
    if fmt == "auto":
        try:
            with open(path, "rb") as f:
                fmt = formats.detect(path, f.read(8192))
        except formats.FormatError as e:
            print(f"quizbank import: {e}", file=sys.stderr)
            return 2
    # The web shell's modules (~0.4 s of imports) load in a thread while the file is read: calamine parses
    # without holding the GIL, so the two overlap instead of adding up.
    shell = None
    if not args.dry_run:
        from concurrent.futures import ThreadPoolExecutor  # a dry run needs no thread (nor its import)

        # The reader's own modules first: started after them, the shell's imports contend less with this
        # thread on its way to the parse.
        formats.load_reader(fmt)
        shell = ThreadPoolExecutor(1).submit(_import_shell)
    result = _read(path, fmt, max_bytes, ids=not args.dry_run)

    if args.json:
        write_result_json(path, result, sys.stdout)
    else:
        print(summary(path, result))
    if not result.questions:
        reason = (
            result.problems[0] if len(result.problems) == 1 else "文件中没有可导入的题目（见上面列出的问题）"
        )
        print(f"quizbank import: 没有导入任何题目：{reason}", file=sys.stderr)
        return 1
    if args.dry_run:
        return 0
    try:
        import_questions = shell.result()
    except ImportError as e:
        print(
            f"quizbank import: 无法写入数据库：没有安装 web 应用（webapp）：{e}；可先用 --dry-run 检查文件",
            file=sys.stderr,
        )
        return 1
    try:
        count = import_questions(result, post=args.post, organisation=args.organisation)
    except Exception as e:  # the shell refuses as a whole (unknown post, duplicate, database error)
        print(f"quizbank import: 没有写入数据库（全部未导入）：{e}", file=sys.stderr)
        return 1
    if not args.json:
        print(
            f"已写入数据库：{count} 题"
            + (f"（岗位 {args.post}）" if args.post else "")
            + "，为待审核草稿：题库审核员在“题目审核”页发布后才会出题"
        )
    return 0
