"""Where the command line looks for question sets: the entry points, plus the folders named in the
environment variable ``QUIZBANK_SETS_PATH`` (separated by os.pathsep). The core itself takes folders as
parameters; only the shell reads the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from quizbank.plugins import Registry, discover

SETS_PATH_VARIABLE = "QUIZBANK_SETS_PATH"


def sets_path_folders(environ: Mapping[str, str] | None = None) -> tuple[Path, ...]:
    value = (os.environ if environ is None else environ).get(SETS_PATH_VARIABLE, "")
    return tuple(Path(p) for p in value.split(os.pathsep) if p.strip())


def discover_from_environment(environ: Mapping[str, str] | None = None) -> Registry:
    return discover(sets_path_folders(environ))
