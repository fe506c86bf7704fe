"""`quizbank serve`: migrate, load the question sets, serve the web app with waitress."""

from __future__ import annotations

import argparse


def register(sub) -> None:
    p = sub.add_parser("serve", help="启动网页服务（迁移数据库、加载题库）")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=5000)
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--demo", action="store_true", help="先创建示范企业")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import waitress

    from webapp import create_app
    from webapp.startup import prepare

    app = create_app()
    demo = prepare(app, demo=args.demo)
    if demo:
        print(
            f"示范企业已就绪：管理员 {demo['users']['admin']['username']} / {demo['users']['admin']['password']}"
        )
    print(
        f"quizbank: http://{args.host}:{args.port}/ (数据库 {app.config['DATABASE_URL'].split('@')[-1]})",
        flush=True,
    )
    waitress.serve(app, host=args.host, port=args.port, threads=args.threads, ident="quizbank")
    return 0
