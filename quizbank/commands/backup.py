"""`quizbank backup DEST`: a consistent online copy of the database (SQLite backup API, or pg_dump)."""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser(
        "backup",
        help="在线备份数据库到 DEST",
        description=(
            "在服务运行时备份数据库，得到一致的副本（SQLite 用在线备份，PostgreSQL 用 pg_dump）。"
            " A consistent online copy of the database."
        ),
    )
    p.add_argument(
        "dest", type=Path, metavar="DEST", help="备份文件，或放备份的文件夹 / backup file or folder"
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from webapp.infra.db import default_database_url

    url = default_database_url()
    dest: Path = args.dest
    if url.startswith("sqlite:///"):
        source = Path(url.removeprefix("sqlite:///"))
        if not source.exists():
            print(f"quizbank backup: 数据库不存在：{source}", file=sys.stderr)
            return 1
        if dest.is_dir():
            dest = dest / "quizbank.sqlite"
        if dest.resolve() in {
            source.resolve(),
            *(source.resolve().with_name(source.name + s) for s in ("-wal", "-shm")),
        }:
            print(f"quizbank backup: DEST 就是正在使用的数据库：{source}；请换一个位置", file=sys.stderr)
            return 2
        backup_sqlite(source, dest)
        print(f"已备份到 {dest}")
        return 0
    if url.startswith("postgresql"):
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            print("quizbank backup: 需要 pg_dump（PostgreSQL 客户端工具），请安装后重试。", file=sys.stderr)
            return 1
        libpq_url = url.replace("postgresql+psycopg://", "postgresql://", 1)
        if dest.is_dir():
            dest = dest / "quizbank.dump"
        done = subprocess.run(
            [pg_dump, "--format=custom", f"--file={dest}", f"--dbname={libpq_url}"], check=False
        )
        if done.returncode != 0:
            print(f"quizbank backup: pg_dump 失败（退出码 {done.returncode}）", file=sys.stderr)
            return 1
        print(f"已备份到 {dest}")
        return 0
    print(f"quizbank backup: 不支持的数据库：{url.split(':')[0]}", file=sys.stderr)
    return 2


def backup_sqlite(source: Path, dest: Path) -> None:
    """Copy page by page through SQLite's online backup: consistent while the app keeps writing."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(dest.suffix + ".part")
    src = sqlite3.connect(source)
    try:
        out = sqlite3.connect(tmp)
        try:
            src.backup(out)
        finally:
            out.close()
    finally:
        src.close()
    tmp.replace(dest)
