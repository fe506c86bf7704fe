"""`quizbank remind [--organisation ID]`: plan the reminders the rules owe today and deliver the ones due
(in-app inbox, e-mail, 企业微信/钉钉 robots), for cron or a systemd timer. Safe to run often and to kill:
each reminder goes out once per occasion and channel; a failed channel is retried with back-off."""

from __future__ import annotations

import argparse
import json
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "remind",
        help="发送到期的提醒（供 cron/systemd 定时运行）",
        description="按规则生成今天应发的提醒（补考、复训、学时、证书到期、考试安排），"
        "经站内消息、电子邮件、企业微信/钉钉机器人发送；每个提醒每个渠道只发一次，失败按退避重试。",
    )
    parser.add_argument("--organisation", type=int, metavar="ID", help="只处理这个单位（默认：全部企业）")
    parser.add_argument("--json", action="store_true", help="以 JSON 输出统计")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        from webapp import create_app
        from webapp.infra.migrate import upgrade
        from webapp.reminders.service import run as remind
    except ImportError as e:
        print(f"quizbank remind: 需要 web 应用（webapp）：{e}", file=sys.stderr)
        return 1
    app = create_app()
    upgrade(app)
    report = remind(app, organisation_id=args.organisation)
    figures = {
        "occasions": report.occasions,
        "sent": report.sent,
        "retry": report.retried,
        "failed": report.failed,
        "skipped": report.skipped,
    }
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    else:
        print(
            f"提醒：{report.occasions} 个事项，已发送 {report.sent}，待重试 {report.retried}，失败 {report.failed}"
            + (f"，无收件人 {report.skipped}（见提醒记录）" if report.skipped else "")
        )
    return 0
