"""`quizbank demo [--json]`: seed (idempotently) a demo enterprise and print its logins."""

from __future__ import annotations

import argparse
import json


def register(sub) -> None:
    p = sub.add_parser(
        "demo",
        help="创建示范企业、部门、岗位、作业人员和各角色账号（可重复执行）",
        description=(
            "在数据库中创建示范企业（已有则不重复创建），打印各角色和作业人员的登录账号。"
            " Seed a demo enterprise (idempotent) and print its logins."
        ),
    )
    p.add_argument("--json", action="store_true", help="以 JSON 输出账号 / print JSON")
    p.add_argument(
        "--base-url",
        metavar="URL",
        help="合格证核验网址的前缀（默认 $QUIZBANK_BASE_URL、SERVER_NAME 或 http://127.0.0.1:5000）"
        " / base of the certificate_url",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from webapp import create_app
    from webapp.startup import prepare

    app = create_app({"QUIZBANK_BASE_URL": args.base_url} if args.base_url else None)
    demo = prepare(app, demo=True)
    assert demo is not None
    if args.json:
        print(json.dumps(demo, ensure_ascii=False))
        return 0
    for role in ("admin", "trainer", "inspector", "hr"):
        u = demo["users"][role]
        print(f"{role:10} {u['username']} / {u['password']}")
    for w in demo["users"]["workers"]:
        print(
            f"worker     {w['username']} / {w['password']}  工号 {w['employee_no']} PIN {w['pin']}  {w['post']}"
        )
        if w.get("certificate_url"):
            print(f"           合格证 {w['certificate_url']}")
    return 0
