"""`quizbank archive PERSON_NO --out FILE.pdf|.xlsx [--organisation ID|NAME] [--on YYYY-MM-DD]`: a person's
一人一档 from the database, the same file the web page downloads (the web shell does the work)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期“{text}”格式不对，应为 YYYY-MM-DD") from None


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "archive",
        help="导出一人一档（.pdf 或 .xlsx）",
        description="按工号导出一个人的培训档案：三级安全教育卡、培训学时、考试、三违、合格证、上岗资格。",
    )
    parser.add_argument("person_no", metavar="PERSON_NO", help="工号")
    parser.add_argument("--out", required=True, type=Path, metavar="FILE", help="输出文件（.pdf 或 .xlsx）")
    parser.add_argument("--organisation", metavar="ID", help="单位编号或名称（默认：数据库中唯一的单位）")
    parser.add_argument("--on", type=_date, metavar="YYYY-MM-DD", help="档案截止日期（默认：今天，北京时间）")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    suffix = args.out.suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        print(f"quizbank archive: --out 应以 .pdf 或 .xlsx 结尾：{args.out}", file=sys.stderr)
        return 2
    if not args.out.parent.is_dir():
        print(f"quizbank archive: --out 的文件夹不存在：{args.out.parent}", file=sys.stderr)
        return 2
    try:
        from webapp.records.cli import export_archive
    except ImportError as e:
        print(f"quizbank archive: 需要 web 应用（webapp）：{e}", file=sys.stderr)
        return 1
    try:
        name = export_archive(args.person_no, out=args.out, organisation=args.organisation, on=args.on)
    except ValueError as e:
        print(f"quizbank archive: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"quizbank archive: 无法写入 {args.out}：{e.strerror or e}", file=sys.stderr)
        return 1
    print(f"已导出 {name} 的一人一档到 {args.out}")
    return 0
