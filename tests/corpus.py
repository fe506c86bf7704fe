"""Where the shared corpus of real banks is, and what a test does when it is not there.

The corpus (``../shared/corpus`` beside the checkout, or ``$QUIZBANK_CORPUS``) is an extra on top of
the fixture banks in tests/: elsewhere its tests skip, saying which path is missing; in CI
(``CI=true``), where it must be present, a missing corpus fails the test instead.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("QUIZBANK_CORPUS") or ROOT.parent / "shared" / "corpus")


def corpus_path(*parts: str) -> Path:
    """The corpus file or folder, or skip (fail in CI) naming the missing path."""
    path = CORPUS.joinpath(*parts)
    if not path.exists():
        message = (
            f"corpus not found: {path} is missing (put the shared corpus at ../shared/corpus beside the "
            "checkout or set QUIZBANK_CORPUS); the fixture banks in tests/ still ran"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{message}; CI requires the corpus", pytrace=False)
        pytest.skip(message)
    return path
