"""`quizbank operator add USERNAME`: a platform operator account (manages organisations, reads none of
their people or results); its password is printed once."""

from __future__ import annotations

import argparse
import json
import sys


def register(sub) -> None:
    p = sub.add_parser(
        "operator",
        help="平台运营账号：创建后在网页上管理企业、监管部门和辖区",
        description="创建平台运营账号（只管理单位，看不到任何单位的人员和成绩）。 Platform operator accounts.",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    add = actions.add_parser("add", help="创建平台运营账号，打印一次性初始密码 / add an operator")
    add.add_argument("username", help="登录名 / username")
    add.add_argument("--name", default="", help="姓名 / display name")
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="从标准输入读取密码（不打印） / read the password from stdin",
    )
    add.add_argument("--json", action="store_true", help="以 JSON 输出 / print JSON")
    p.set_defaults(run=run, parser=p)


def run(args: argparse.Namespace) -> int:
    if args.action != "add":
        args.parser.print_help(sys.stderr)
        return 2
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else None
    try:
        from webapp import create_app
        from webapp.infra.db import transaction
        from webapp.infra.migrate import upgrade
        from webapp.platform.service import PlatformRefused, add_operator
    except ImportError as e:
        print(f"quizbank operator: 需要 web 应用（webapp）：{e}", file=sys.stderr)
        return 1
    app = create_app()
    upgrade(app)
    try:
        with app.app_context(), transaction(app) as s:
            user, password = add_operator(s, args.username, args.name, password)
            username = user.username
    except PlatformRefused as e:
        print(f"quizbank operator add: {e.message}", file=sys.stderr)
        return 1
    shown = None if args.password_stdin else password
    if args.json:
        print(json.dumps({"username": username, "password": shown}, ensure_ascii=False))
    else:
        print(f"已创建平台运营账号 {username}。")
        if shown:
            print(f"初始密码（只显示这一次）：{shown}")
    return 0
