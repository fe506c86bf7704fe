"""`quizbank bank check FILE|SET_PATH… [--json]`: item checks (题目体检) and near-duplicate groups over
question files and set folders, without a database."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from quizbank import formats
from quizbank.bankcheck import BankReport, Batch, check_bank
from quizbank.itemchecks import CHECKS, Finding
from quizbank.questionsets import HANDBOOK_FILE, QUESTIONS_FILE, is_set_folder, load_folder, set_folders

SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}
EXIT_CODES = """退出码 / exit codes:
  0 = 没有错误级问题（可能有警告、提示） / no error-level finding
  1 = 有错误级问题，或有题目读不出 / an error-level finding, or rows that could not be read
  2 = 用法错误（路径不存在、无法判断文件格式） / usage error (no such path, unknown format)"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "bank",
        help="题库体检：题目检查和重复题 / check a bank",
        description="检查题库。 Check question banks.",
    )
    parser.set_defaults(run=lambda args: (parser.print_help(), 2)[1])
    sub = parser.add_subparsers(dest="bank_command", metavar="{check}")
    check = sub.add_parser(
        "check",
        help="题目体检并找出重复题（不需要数据库）/ item checks and near-duplicates",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "读取题库文件（Excel/CSV/GIFT/Aiken/YAML，与 quizbank import 相同）或题集文件夹，不需要数据库。\n"
            "逐题检查出题毛病：干扰项太少、答案位置集中、“以上都对”、否定词未强调、选项长短悬殊、\n"
            "选项重复、判断题绝对化用语、解析写选项字母、没有依据；\n"
            "并在所有给出的文件之间找出近似重复的题（忽略标点、空格、“（ ）”、题号、全半角和选项顺序）。\n"
            "一个岗位的题库 = 通用题集 + 专业题集，一起给出即可。\n\n"
            '--json 输出一个 JSON 对象：{"warnings": [{"where", "check", "severity", "message"}],\n'
            '                           "duplicates": [[where, where, …], …]}'
        ),
        epilog=EXIT_CODES,
    )
    check.add_argument(
        "paths", nargs="+", metavar="FILE|SET_PATH", help="题库文件、题集文件夹或装有多个题集的文件夹"
    )
    check.add_argument("--json", action="store_true", help="输出一个 JSON 对象 / print one JSON object")
    check.set_defaults(run=run_check)


class _Usage(Exception):
    pass


def _batches(path: str) -> tuple[list[Batch], list[Finding]]:
    """The batches at `path` and what kept questions from being read there (as error findings)."""
    unreadable: list[Finding] = []
    p = Path(path)
    if p.is_file() and p.name == QUESTIONS_FILE and is_set_folder(p.parent):
        p = p.parent
    if p.is_dir():
        folders = set_folders(p)
        if not folders:
            raise _Usage(f"{path}: 这里没有题集（没有 handbook.md / questions.yaml）")
        batches = []
        for folder in folders:
            loaded = load_folder(folder)
            unreadable += [
                Finding(pr.where, "set", "warning" if pr.warning else "error", pr.message)
                for pr in loaded.problems
            ]
            if loaded.set is not None:
                qs = loaded.set.questions
                places = tuple(f"{folder}/{q.source}" if q.source else f"{folder}: {q.id}" for q in qs)
                batches.append(
                    Batch(
                        loaded.set.id,
                        qs,
                        places,
                        loaded.set.handbook.sections,
                        loaded.set.register,
                        handbook=str(folder / HANDBOOK_FILE),
                    )
                )
        return batches, unreadable
    if not p.is_file():
        raise _Usage(f"找不到文件或文件夹 {path}")
    try:
        with open(p, "rb") as f:
            formats.detect(str(p), f.read(8192))
    except formats.FormatError as e:
        raise _Usage(str(e)) from e
    result = formats.read(str(p))
    unreadable += [
        Finding(f"{path}:{pr.where}", "import", "error" if pr.skipped else "warning", pr.message)
        for pr in result.problems
    ]
    places = tuple(f"{path}:{q.source}" if q.source else f"{path}: {q.id}" for q in result.questions)
    return [Batch(path, result.questions, places)], unreadable


def report_json(report: BankReport, unreadable: list[Finding]) -> dict:
    return {
        "warnings": [
            {"where": f.where, "check": f.check, "severity": f.severity, "message": f.message}
            for f in (*unreadable, *report.findings)
        ],
        "duplicates": [list(group) for group in report.duplicates],
    }


def run_check(args: argparse.Namespace) -> int:
    batches: list[Batch] = []
    unreadable: list[Finding] = []
    try:
        for path in args.paths:
            found, problems = _batches(path)
            batches += found
            unreadable += problems
    except _Usage as e:
        print(f"quizbank bank check: {e}", file=sys.stderr)
        return 2
    report = check_bank(batches)
    errors = len(report.errors) + sum(f.severity == "error" for f in unreadable)
    if args.json:
        print(json.dumps(report_json(report, unreadable), ensure_ascii=False))
    else:
        _print_human(report, unreadable)
    questions = sum(len(b.questions) for b in batches)
    warnings = sum(f.severity == "warning" for f in (*report.findings, *unreadable))
    print(
        f"{questions} 题：错误 {errors}，警告 {warnings}，重复题 {len(report.duplicates)} 组",
        file=sys.stderr,
    )
    return 1 if errors else 0


def _print_human(report: BankReport, unreadable: list[Finding]) -> None:
    for f in (*unreadable, *report.findings):
        name = CHECKS.get(f.check, "读取" if f.check in ("import", "set") else f.check)
        print(f"{f.where}: [{SEVERITY_NAMES[f.severity]}] {name}（{f.check}）：{f.message}")
    if report.duplicates:
        print(f"近似重复的题 {len(report.duplicates)} 组（组卷时每组最多抽一道）：")
        for n, group in enumerate(report.duplicates, start=1):
            print(f"  {n}. " + " ≈ ".join(group))
    if not report.findings and not unreadable and not report.duplicates:
        print("没有发现问题。")


if os.name == "nt":  # pragma: no cover - keep the Chinese output readable on Windows consoles
    sys.stdout.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
