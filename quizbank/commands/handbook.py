"""`quizbank handbook export POST FILE.pdf|.docx|.md` and `quizbank handbook import POST FILE.docx|.md
[--publish]`: an enterprise's handbook of a post (`_general` for its 通用知识 part) to and from files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "handbook", help="岗位应知应会手册：导出、导入", description="导出或导入手册。"
    )
    sub = parser.add_subparsers(dest="handbook", metavar="ACTION")
    ex = sub.add_parser("export", help="导出岗位手册（通用+专业，现行版本）为 .pdf 小册子、.docx 或 .md")
    ex.add_argument("post", help="岗位代码")
    ex.add_argument("file", type=Path, help="输出文件（.pdf / .docx / .md）")
    im = sub.add_parser("import", help="把 .docx 或 .md 导入岗位手册草稿（_general：通用知识）")
    im.add_argument("post", help="岗位代码，或 _general")
    im.add_argument("file", type=Path, help="输入文件（.docx / .md）")
    im.add_argument("--publish", action="store_true", help="导入后直接发布为新版本")
    im.add_argument("--note", default="", help="修订说明（与 --publish 一起用）")
    for p in (ex, im):
        p.add_argument("--organisation", metavar="ID", help="单位编号或名称（默认：数据库中唯一的单位）")
        p.set_defaults(run=run)
    parser.set_defaults(run=lambda _args: (parser.print_help(), 2)[1])


def run(args: argparse.Namespace) -> int:
    try:
        from webapp.handbooks import cli
    except ImportError as e:
        print(f"quizbank handbook: 需要 web 应用（webapp）：{e}", file=sys.stderr)
        return 1
    try:
        if args.handbook == "export":
            if not args.file.parent.is_dir():
                print(f"quizbank handbook: 文件夹不存在：{args.file.parent}", file=sys.stderr)
                return 2
            size = cli.export_handbook(post=args.post, out=args.file, organisation=args.organisation)
            print(f"已导出 {args.file}（{size} 字节）")
        else:
            if not args.file.is_file():
                print(f"quizbank handbook: 文件不存在：{args.file}", file=sys.stderr)
                return 2
            n, number = cli.import_handbook(
                post=args.post,
                path=args.file,
                publish=args.publish,
                note=args.note,
                organisation=args.organisation,
            )
            print(f"已导入 {n} 节到草稿" + (f"，发布为第 {number} 版" if number else "（未发布）"))
    except ValueError as e:
        print(f"quizbank handbook: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"quizbank handbook: {e.strerror or e}", file=sys.stderr)
        return 1
    return 0
