"""The `quizbank` command. Each subcommand lives in `quizbank.commands.<name>` and registers itself.

Commands that need the web shell (serve, demo, report, backup) import `webapp` only when they run,
so `import quizbank` stays free of Flask and SQLAlchemy.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import sys
from collections.abc import Sequence

# Order is the order `quizbank --help` lists them in.
COMMAND_MODULES = (
    "sets",
    "import_",
    "bank",
    "paper",
    "certs",
    "serve",
    "demo",
    "report",
    "archive",
    "remind",
    "backup",
)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or of the command `only` (a module of COMMAND_MODULES) alone."""
    parser = argparse.ArgumentParser(
        prog="quizbank",
        description="安全培训题库与考试：读取应知应会手册和题库，按规则组卷、阅卷，签发合格证。",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in (only,) if only else COMMAND_MODULES:
        try:
            module = importlib.import_module(f"quizbank.commands.{name}")
        except ModuleNotFoundError as e:
            if e.name == f"quizbank.commands.{name}":
                continue  # command not built into this installation
            raise
        module.register(sub)
    return parser


def _command_module(argv: Sequence[str]) -> str | None:
    """The module of the command named first in `argv`, so that a run imports only what it needs
    (the other commands pull in PDF, plugins and rules: half a second before an import can start)."""
    if not argv:
        return None
    for name in (argv[0], f"{argv[0]}_"):
        if name in COMMAND_MODULES and importlib.util.find_spec(f"quizbank.commands.{name}"):
            return name
    return None


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(_command_module(argv))
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse exits 2 on usage errors, 0 on --help
        return int(e.code or 0)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    try:
        return int(args.run(args) or 0)
    except BrokenPipeError:  # `quizbank paper … | head`: the reader left; no traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
