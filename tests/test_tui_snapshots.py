"""How the screening app looks at 80x24 and 160x45 (pytest-textual-snapshot; update with
--snapshot-update)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from test_screening import build_review

from screener.db import Review
from screener.screening.session import Session
from screener.screening.verdict import record_decision
from screener.tui.app import ScreenApp

Snap = Callable[..., bool]


@pytest.fixture
def rev(tmp_path: Path) -> Review:
    return build_review(tmp_path / "rev")


def app_for(rev: Review, **kwargs: Any) -> ScreenApp:
    return ScreenApp(Session(rev, "title_abstract", "ann", **kwargs))


def test_main_screen(snap_compare: Snap, rev: Review) -> None:
    assert snap_compare(app_for(rev), terminal_size=(80, 24))


def test_reason_dialog(snap_compare: Snap, rev: Review) -> None:
    assert snap_compare(app_for(rev), press=["i", "e"], terminal_size=(80, 24))


def test_help(snap_compare: Snap, rev: Review) -> None:
    assert snap_compare(app_for(rev), press=["question_mark"], terminal_size=(80, 24))


def test_chinese_record_with_criteria(snap_compare: Snap, rev: Review) -> None:
    assert snap_compare(app_for(rev), press=["j", "j", "j", "c"], terminal_size=(80, 24))


def test_end_of_queue(snap_compare: Snap, rev: Review) -> None:
    for rid in range(1, 9):
        record_decision(rev.db, rid, "title_abstract", "ann", "include" if rid % 3 else "maybe")
    assert snap_compare(app_for(rev), terminal_size=(80, 24))


def test_conflict_with_both_votes(snap_compare: Snap, rev: Review) -> None:
    record_decision(rev.db, 1, "title_abstract", "ann", "include", None, "14 adults, refractory")
    record_decision(rev.db, 1, "title_abstract", "bob", "exclude", "Wrong study design")
    session = Session(rev, "title_abstract", "cat", conflicts=True)
    assert snap_compare(ScreenApp(session), press=["c"], terminal_size=(80, 24))


def test_wide_with_criteria_labels_and_a_note(snap_compare: Snap, rev: Review) -> None:
    keys = ["l", *"check dose", "enter", "n", *"ask Bob", "enter", "c"]
    assert snap_compare(app_for(rev), press=keys, terminal_size=(160, 45))


def test_duplicate_confirmation(snap_compare: Snap, rev: Review) -> None:
    keys = ["d", *"mice", "enter", "enter"]
    assert snap_compare(app_for(rev), press=keys, terminal_size=(80, 24))


def test_record_list(snap_compare: Snap, rev: Review) -> None:
    record_decision(rev.db, 2, "title_abstract", "ann", "exclude", "Wrong population")
    assert snap_compare(app_for(rev), press=["b"], terminal_size=(160, 45))
