"""`quizbank serve`: migrate, load the question sets, serve the web app with waitress."""

from __future__ import annotations

import argparse


def register(sub) -> None:
    p = sub.add_parser(
        "serve",
        help="启动网页服务（迁移数据库、加载题库）",
        description=(
            "升级数据库、载入找到的题集，然后启动网页服务。数据放在 QUIZBANK_HOME（默认 ./instance）。"
            " Migrate the database, load the discovered question sets and serve the web app."
        ),
    )
    p.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1，仅本机可访问）/ address")
    p.add_argument("--port", type=int, default=5000, help="端口（默认 5000）/ port")
    p.add_argument("--threads", type=int, default=8, help="同时处理请求的线程数（默认 8）/ worker threads")
    p.add_argument(
        "--connections",
        type=int,
        default=1000,
        help="同时保持的连接数上限（默认 1000：一场考试几百台平板各保持一个连接）/ open connection limit",
    )
    p.add_argument(
        "--demo", action="store_true", help="先创建示范企业和账号 / seed the demo enterprise first"
    )
    p.add_argument(
        "--remind-every",
        type=float,
        metavar="MINUTES",
        help="每隔多少分钟在后台发送到期提醒（同 quizbank remind）/ run reminders in a background thread",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import waitress

    from quizbank.commands._sets_path import sets_path_folders
    from webapp import create_app
    from webapp.startup import prepare

    app = create_app()
    demo = prepare(app, demo=args.demo, folders=sets_path_folders())
    if demo:
        print_demo_logins(app, demo, args.host, args.port)
    if getattr(args, "remind_every", None):
        from webapp.reminders.background import start

        start(app, args.remind_every)
    print(
        f"quizbank: http://{args.host}:{args.port}/ (数据库 {app.config['DATABASE_URL'].split('@')[-1]})",
        flush=True,
    )
    # waitress's default of 100 open connections would make tablet 101 of a synchronized exam start
    # wait for a keep-alive connection to close.
    waitress.serve(
        app,
        host=args.host,
        port=args.port,
        threads=args.threads,
        connection_limit=args.connections,
        ident="quizbank",
    )
    return 0


def print_demo_logins(app, demo: dict, host: str, port: int) -> None:
    """Every staff login, three workers whose stories differ, and one certificate's verify URL (on the
    address being served, unless QUIZBANK_BASE_URL says where the site is reached)."""
    import os

    from quizbank.commands.demo import login_lines
    from webapp.services.demo import ORG_NAME
    from webapp.services.demo_history import SHOWCASE

    configured = app.config.get("QUIZBANK_BASE_URL") or os.environ.get("QUIZBANK_BASE_URL")
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    base = None if configured else f"http://{shown_host}:{port}"
    lines = login_lines(demo, employee_nos=list(SHOWCASE), notes=SHOWCASE, base_url=base, certificates=1)
    total = len(demo["users"]["workers"])
    print(f"示范企业“{ORG_NAME}”已就绪，登录账号：")
    print("\n".join("  " + line for line in lines))
    print(
        f"  共 {total} 名作业人员，密码相同，工号 SF001 起、PIN 1001 起；全部账号：quizbank demo", flush=True
    )
