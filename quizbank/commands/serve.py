"""`quizbank serve`: migrate, load the question sets, serve the web app.

One process (the default): waitress with --threads threads. `--workers N` (N > 1): granian serves N processes
of --threads threads each, on Linux, macOS and Windows alike; each process builds the app itself
(`webapp:create_app`), after this process has migrated the database and loaded the sets. Measured on a
2-core machine for 500 synchronized exam starts on PostgreSQL against gunicorn and waitress, and with 2, 4,
8 and 16 threads per process: see benchmarks/exam_start.py (2 processes × 8 threads for 2 cores)."""

from __future__ import annotations

import argparse
import sys

THREADS = 8  # waitress threads per process
CONNECTION_LIMIT = 1000  # one keep-alive connection per tablet of a synchronized exam start


def waitress_options(threads: int = THREADS, connections: int = CONNECTION_LIMIT) -> dict:
    """How `quizbank serve` configures waitress (the benchmarks serve the app and the floor the same way)."""
    return {"threads": threads, "connection_limit": connections, "ident": "quizbank"}


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
    p.add_argument(
        "--threads", type=int, default=THREADS, help="同时处理请求的线程数（默认 8）/ worker threads"
    )
    p.add_argument(
        "--connections",
        type=int,
        default=CONNECTION_LIMIT,
        help="同时保持的连接数上限（默认 1000：一场考试几百台平板各保持一个连接）/ open connection limit",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        help="工作进程数（默认 1；大于 1 时由 granian 启动多个进程，Windows 同样适用）/ worker processes",
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
    from webapp import create_app, prepare

    app = create_app()
    font_problem = pdf_font_problem(app)
    if font_problem:
        print(font_problem, file=sys.stderr, flush=True)
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
    if args.workers > 1:
        app.extensions["db"].dispose()  # the workers open their own connections
        serve_processes(args.host, args.port, args.workers, args.threads, args.connections)
        return 0
    waitress.serve(app, host=args.host, port=args.port, **waitress_options(args.threads, args.connections))
    return 0


def granian_options(workers: int, threads: int = THREADS, connections: int = CONNECTION_LIMIT) -> dict:
    """How `quizbank serve --workers N` configures granian (the benchmarks use the same)."""
    return {
        "workers": workers,
        "blocking_threads": threads,  # WSGI: the Python threads per process
        "backlog": connections,
        "websockets": False,
    }


def serve_processes(host: str, port: int, workers: int, threads: int, connections: int) -> None:
    from granian import Granian
    from granian.constants import Interfaces

    Granian(
        "webapp:create_app",
        factory=True,
        interface=Interfaces.WSGI,
        address=host,
        port=port,
        **granian_options(workers, threads, connections),
    ).serve()


def print_demo_logins(app, demo: dict, host: str, port: int) -> None:
    """Every staff login, three workers whose stories differ, and one certificate's verify URL (on the
    address being served, unless QUIZBANK_BASE_URL says where the site is reached)."""
    import os

    from quizbank.commands.demo import login_lines
    from webapp.demo.history import SHOWCASE
    from webapp.demo.service import ORG_NAME

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


def pdf_font_problem(app) -> str | None:
    """What is missing for PDFs (a CJK font) and how to install it, or None."""
    from webapp.infra.fonts import startup_problem

    return startup_problem(app)
