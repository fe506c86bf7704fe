"""`quizbank report pass-rates --by post|department|month|inspection [--from D] [--to D] --out FILE.xlsx|.csv
[--organisation ID|NAME]`: the HR pass-rate report from the database (the web shell does the work)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

BY = ("post", "department", "month", "inspection")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期“{text}”格式不对，应为 YYYY-MM-DD") from None


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("report", help="导出报表（考试通过率）", description="从数据库导出报表。")
    sub = parser.add_subparsers(dest="report", metavar="REPORT")
    rates = sub.add_parser(
        "pass-rates",
        help="考试通过率，按岗位/部门/月份/检查分组，导出 .xlsx 或 .csv",
        description="统计交卷的考试（不含练习）：考试人次、通过人次、参考人数、通过人数、首考通过人数及各通过率。",
    )
    rates.add_argument("--by", required=True, choices=BY, help="分组维度")
    rates.add_argument("--from", dest="start", type=_date, metavar="YYYY-MM-DD", help="交卷日期下限（含）")
    rates.add_argument("--to", dest="end", type=_date, metavar="YYYY-MM-DD", help="交卷日期上限（含）")
    rates.add_argument("--out", required=True, type=Path, metavar="FILE", help="输出文件（.xlsx 或 .csv）")
    rates.add_argument("--organisation", metavar="ID", help="单位编号或名称（默认：数据库中唯一的单位）")
    rates.set_defaults(run=run)
    parser.set_defaults(run=lambda _args: (parser.print_help(), 2)[1])


def run(args: argparse.Namespace) -> int:
    if args.start and args.end and args.start > args.end:
        print(f"quizbank report: --from {args.start} 晚于 --to {args.end}", file=sys.stderr)
        return 2
    if args.out.suffix.lower() not in (".xlsx", ".csv"):
        print(f"quizbank report: --out 应以 .xlsx 或 .csv 结尾：{args.out}", file=sys.stderr)
        return 2
    if not args.out.parent.is_dir():
        print(f"quizbank report: --out 的文件夹不存在：{args.out.parent}", file=sys.stderr)
        return 2
    try:
        from webapp.reports.cli import export_pass_rates
    except ImportError as e:
        print(f"quizbank report: 需要 web 应用（webapp）：{e}", file=sys.stderr)
        return 1
    try:
        n = export_pass_rates(
            by=args.by, start=args.start, end=args.end, out=args.out, organisation=args.organisation
        )
    except ValueError as e:
        print(f"quizbank report: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"quizbank report: 无法写入 {args.out}：{e.strerror or e}", file=sys.stderr)
        return 1
    print(f"已导出 {n} 行到 {args.out}")
    return 0
