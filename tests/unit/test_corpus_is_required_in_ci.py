"""The corpus tests skip elsewhere, naming the missing path, and fail in CI where the corpus must be."""

from __future__ import annotations

import pytest

from tests import corpus


def test_a_missing_corpus_is_a_skip_naming_the_path_outside_ci(monkeypatch, tmp_path):
    monkeypatch.setattr(corpus, "CORPUS", tmp_path / "nowhere")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="nowhere/excel is missing"):
        corpus.corpus_path("excel")


def test_a_missing_corpus_fails_in_ci(monkeypatch, tmp_path):
    monkeypatch.setattr(corpus, "CORPUS", tmp_path / "nowhere")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI requires the corpus"):
        corpus.corpus_path("excel")


def test_a_present_corpus_file_is_returned(monkeypatch, tmp_path):
    (tmp_path / "excel").mkdir()
    monkeypatch.setattr(corpus, "CORPUS", tmp_path)
    assert corpus.corpus_path("excel") == tmp_path / "excel"
