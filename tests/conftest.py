"""Shared fixtures. ../shared (or $SCREENER_SHARED) is read in place; its tests skip when absent."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from screener.db import Review, init_review

ROOT = Path(__file__).resolve().parents[1]
# SCREENER_SHARED names the folder when the tests run from a copy (bench/mutation.py's mutants/)
SHARED = Path(os.environ.get("SCREENER_SHARED") or ROOT.parent / "shared")
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def shared() -> Path:
    """The read-only ../shared folder; the test is skipped when it is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"../shared is absent (looked for {SHARED}); this test reads it in place")
    return SHARED


@pytest.fixture
def review(tmp_path: Path) -> Iterator[Review]:
    """A new, empty review in a temporary folder."""
    rev = init_review(tmp_path / "review", title="Test review")
    yield rev
    rev.close()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
