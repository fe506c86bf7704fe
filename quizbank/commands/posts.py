"""`quizbank posts list|add|retire [--organisation ID|NAME]`: an enterprise's posts (the web shell does the work)."""

from __future__ import annotations

import argparse
import json
import sys

CERTIFICATES = {"": "", "special-operation": "special_operation", "special-equipment": "special_equipment"}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "posts", help="本单位岗位：列出、新建、停用", description="管理本单位的岗位。"
    )
    sub = parser.add_subparsers(dest="posts", metavar="ACTION")
    ls = sub.add_parser("list", help="列出岗位（本单位岗位和内置岗位）")
    ls.add_argument("--json", action="store_true", help="输出 JSON")
    add = sub.add_parser("add", help="新建岗位")
    add.add_argument("code", help="岗位代码（字母、数字、连字符），本单位内唯一")
    add.add_argument("name", help="岗位名称")
    add.add_argument("--risk", choices=("normal", "high"), default="normal")
    add.add_argument(
        "--certificate", choices=tuple(c for c in CERTIFICATES if c), help="特种作业 / 特种设备作业所需证件"
    )
    add.add_argument("--kind", default="", help="作业类别（项目），如 低压电工作业、N1")
    retire = sub.add_parser("retire", help="停用岗位（保留历史）")
    retire.add_argument("code")
    for p in (ls, add, retire):
        p.add_argument("--organisation", metavar="ID", help="单位编号或名称（默认：数据库中唯一的单位）")
        p.set_defaults(run=run)
    parser.set_defaults(run=lambda _args: (parser.print_help(), 2)[1])


def run(args: argparse.Namespace) -> int:
    try:
        from webapp.posts import cli
    except ImportError as e:
        print(f"quizbank posts: 需要 web 应用（webapp）：{e}", file=sys.stderr)
        return 1
    try:
        if args.posts == "list":
            rows = cli.list_posts(organisation=args.organisation)
            if args.json:
                print(json.dumps(rows, ensure_ascii=False))
            else:
                for r in rows:
                    flags = ["内置" if r["builtin"] else "本单位"]
                    if r["certificate_name"]:
                        flags.append(r["certificate_name"])
                    if r["retired"]:
                        flags.append("已停用")
                    print(f"{r['code']}\t{r['name']}\t{'、'.join(flags)}")
        elif args.posts == "add":
            r = cli.add_post(
                code=args.code,
                name=args.name,
                risk=args.risk,
                certificate=CERTIFICATES[args.certificate or ""],
                certificate_kind=args.kind,
                organisation=args.organisation,
            )
            print(f"已新建岗位 {r['code']}（{r['name']}）")
        else:
            r = cli.retire_post(code=args.code, organisation=args.organisation)
            print(f"已停用岗位 {r['code']}（{r['name']}）")
    except ValueError as e:
        print(f"quizbank posts: {e}", file=sys.stderr)
        return 1
    return 0
