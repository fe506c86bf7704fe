"""`quizbank sets list` and `quizbank sets validate`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from quizbank.commands._sets_path import SETS_PATH_VARIABLE, discover_from_environment
from quizbank.model import Problem
from quizbank.questionsets import validate


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sets",
        help="题库（题集）：列出、校验 / list and validate question sets",
        description=(
            "题集 = 一本应知应会手册 (handbook.md) + 题目 (questions.yaml)。"
            f"题集来自已安装的插件（入口点 quizbank.question_sets）和环境变量 {SETS_PATH_VARIABLE} 中的文件夹。"
        ),
    )
    parser.set_defaults(run=lambda args: (parser.print_help(), 2)[1])
    sub = parser.add_subparsers(dest="sets_command", metavar="{list,validate}")

    list_parser = sub.add_parser(
        "list",
        help="列出找到的题集 / list the discovered sets",
        description="列出找到的题集：编号、标题、版本、岗位、题目数量、来源和问题。List discovered question sets.",
    )
    list_parser.add_argument("--json", action="store_true", help="输出 JSON / print JSON")
    list_parser.set_defaults(run=run_list)

    validate_parser = sub.add_parser(
        "validate",
        help="校验题集，报告 文件:行号: 问题 / check sets, report file:line: message",
        description=(
            "校验题集文件夹（或装有多个题集的文件夹），一次报告全部问题，每行 `文件:行号: 问题`。"
            "不给路径时校验所有找到的题集。全部合格时退出码 0，否则 1。"
            " Validate set folders; without PATH, every discovered set. Exit 0 when valid, 1 otherwise."
        ),
    )
    validate_parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="题集文件夹 / a set folder or a folder of sets"
    )
    validate_parser.set_defaults(run=run_validate)


def _problem_dict(p: Problem) -> dict:
    return {"where": p.where, "message": p.message, "warning": p.warning}


def run_list(args: argparse.Namespace) -> int:
    registry = discover_from_environment()
    by_id = {s.id: s for s in registry.sets}
    rows = []
    for report in registry.reports:
        s = by_id.get(report.set_id) if report.loaded else None
        rows.append(
            {
                "id": report.set_id,
                "title": s.title if s else None,
                "version": s.version if s else None,
                "posts": [{"code": p.code, "name": p.name} for p in s.posts] if s else [],
                "general": s.is_general if s else None,
                "questions": len(s.questions) if s else 0,
                "sections": len(s.handbook.sections) if s else 0,
                "source": report.source,
                "loaded": report.loaded,
                "problems": [_problem_dict(p) for p in report.problems],
            }
        )
    if args.json:
        json.dump({"sets": rows}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    if not rows:
        print("没有找到题集。 No question set found.")
    for r in rows:
        if r["loaded"]:
            posts = ", ".join(f"{p['code']} {p['name']}" for p in r["posts"]) or "通用 (all posts)"
            print(
                f"{r['id']}  {r['title']}  v{r['version']}  [{posts}]  {r['questions']} 题  — {r['source']}"
            )
        else:
            print(f"{r['id'] or '?'}  未加载 (not loaded)  — {r['source']}")
        for p in r["problems"]:
            print(f"    {'warning: ' if p['warning'] else ''}{p['where']}: {p['message']}")
    return 0


def run_validate(args: argparse.Namespace) -> int:
    if args.paths:
        problems = validate([Path(p) for p in args.paths])
        checked = f"{len(args.paths)} path(s)"
    else:
        registry = discover_from_environment()
        problems = registry.problems
        checked = f"{len(registry.sets)} set(s)"
    errors = [p for p in problems if not p.warning]
    for p in problems:
        print(f"{p.where}: {'warning: ' if p.warning else ''}{p.message}")
    if errors:
        print(
            f"{len(errors)} error(s), {len(problems) - len(errors)} warning(s) in {checked}", file=sys.stderr
        )
        return 1
    print(f"OK: {checked} valid ({len(problems)} warning(s))", file=sys.stderr)
    return 0
