"""`quizbank demo [--json]`: seed (idempotently) a demo enterprise and print its logins."""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping, Sequence


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
    from quizbank.commands._sets_path import sets_path_folders
    from webapp import create_app, prepare

    app = create_app({"QUIZBANK_BASE_URL": args.base_url} if args.base_url else None)
    demo = prepare(app, demo=True, folders=sets_path_folders())
    assert demo is not None
    if args.json:
        print(json.dumps(demo, ensure_ascii=False))
        return 0
    from webapp.demo.history import SHOWCASE

    print("\n".join(login_lines(demo, notes=SHOWCASE)))
    print("\n".join(platform_lines(demo)))
    return 0


def platform_lines(demo: dict) -> list[str]:
    """The platform's logins: the operator, the regulator's staff and inspector, the other enterprises."""
    p = demo.get("platform")
    if not p:
        return []
    lines = [
        f"平台运营：{p['operator']['username']} / {p['operator']['password']}",
        f"监管部门（{p['regulator_name']}，辖区：{'、'.join(p['enterprises'])}）",
        f"  监管人员：{p['regulator']['username']} / {p['regulator']['password']}",
        f"  执法检查人员：{p['regulator_inspector']['username']} / {p['regulator_inspector']['password']}",
        f"  管理员：{p['regulator_admin']['username']} / {p['regulator_admin']['password']}",
    ]
    lines += [
        f"{e['organisation']} 管理员：{e['username']} / {e['password']}"
        for e in p.get("enterprise_admins", [])
    ]
    return lines


ROLE_NAMES = {"admin": "管理员", "trainer": "培训管理员", "inspector": "检查人员", "hr": "人事/安全科"}


def login_lines(
    demo: dict,
    *,
    employee_nos: Sequence[str] | None = None,
    notes: Mapping[str, str] | None = None,
    base_url: str | None = None,
    certificates: int | None = None,
) -> list[str]:
    """The demo's logins as printed: every staff role with its password, then the workers (only
    `employee_nos` when given) with username/password, 工号 + PIN, a note on their story and their
    certificate's verify URL (on `base_url` when given; only the first `certificates` URLs when given)."""
    from quizbank.commands._sets_path import discover_from_environment

    post_names = {p.code: p.name for p in discover_from_environment().posts()}
    lines = [f"{ROLE_NAMES[role]}：{u['username']} / {u['password']}" for role, u in _staff(demo)]
    workers = demo["users"]["workers"]
    if employee_nos is not None:
        workers = [w for no in employee_nos for w in workers if w["employee_no"] == no]
    shown = 0
    for w in workers:
        note = (notes or {}).get(w["employee_no"], "")
        lines.append(
            f"作业人员：{w['username']} / {w['password']}，工号 {w['employee_no']}，PIN {w['pin']}，"
            f"{post_names.get(w['post'], w['post'])}" + (f"（{note}）" if note else "")
        )
        url = w.get("certificate_url")
        if url and (certificates is None or shown < certificates):
            if base_url:
                from quizbank.certificates.tokens import token_from_text, verify_url

                url = verify_url(base_url, token_from_text(url))
            lines.append(f"  合格证核验：{url}")
            shown += 1
    return lines


def _staff(demo: dict):
    return [(role, demo["users"][role]) for role in ROLE_NAMES if role in demo["users"]]
