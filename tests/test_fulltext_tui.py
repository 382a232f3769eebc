"""The full-text view of the screening app, driven with Pilot (and one snapshot at 80x24)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from fulltext_helpers import PAPER, build_review, copy_pdfs, made_pdfs
from pdfmaker import text_pdf
from test_tui import SIZE, shown, sync
from textual.containers import VerticalScroll
from textual.widgets import Static

from screener.db import Review, connect
from screener.fulltexts.attach import attach
from screener.screening.session import Session
from screener.tui.app import ScreenApp
from screener.tui.fulltext import FullTextView
from screener.tui.render import EXCLUDE_STYLE, INCLUDE_STYLE
from screener.tui.screens import PromptScreen

__all__ = ["made_pdfs"]  # the session fixture
Snap = Callable[..., bool]
LONG = [  # a three-page paper whose Results heading sits low on page 2
    "A long paper on tacrolimus\nDOI 10.1000/ft.10\n" + "Introduction line.\n" * 5,
    "Methods\n" + "We measured strength every month.\n" * 40 + "Results\nStrength rose.\n",
    "Discussion\nTacrolimus was safe.\n",
]


@pytest.fixture
def rev(tmp_path: Path, made_pdfs: Path) -> Review:
    review = build_review(tmp_path / "review")
    copy_pdfs(made_pdfs, tmp_path / "pdfs")
    text_pdf(tmp_path / "pdfs" / "long.pdf", LONG)
    attach(review, [tmp_path / "pdfs"])
    return review


def log(rev: Review) -> list[tuple[object, ...]]:
    """The full-text decisions, read through a separate connection (proves the commit)."""
    db = connect(rev.path / "review.db")
    try:
        return db.execute(
            "select record_id, decision, reason, note from decisions where stage = 'full_text'"
            " order by id"
        ).fetchall()
    finally:
        db.close()


def app_for(rev: Review) -> ScreenApp:
    return ScreenApp(Session(rev, "full_text", "ann"))


def head(app: ScreenApp) -> str:
    return str(app.query_one("#ft-head", Static).render())


def page(app: ScreenApp) -> str:
    return str(app.query_one("#ft-page", Static).render())


def reader(app: ScreenApp) -> FullTextView:
    view = app.query_one(FullTextView)
    assert view.reading and not app.query_one("#body").display
    return view


@sync
async def test_full_text_opens_paged_with_terms_highlighted(rev: Review) -> None:
    app = app_for(rev)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = reader(app)
        assert "page 1/3 · oddis1999.pdf · matched by doi" in head(app)
        assert page(app).startswith("Clin Rheumatol 1999 doi:10.1000/ft.1")
        styles = {
            screen.pages[0][s.start : s.end].lower(): str(s.style) for s in screen.body_text().spans
        }
        assert styles["tacrolimus"] == INCLUDE_STYLE and styles["psoriasis"] == EXCLUDE_STYLE
        await pilot.press("right")
        assert "page 2/3" in head(app) and page(app).startswith("Discussion")
        await pilot.press("right", "right")  # no page 4
        assert "page 3/3" in head(app)
        await pilot.press("left", "home")
        assert "page 1/3" in head(app)
        await pilot.press("space")  # a page that fits on screen: space turns it
        assert "page 2/3" in head(app)
        await pilot.press("pageup")
        assert "page 1/3" in head(app)


@sync
async def test_search_next_previous_and_headings(rev: Review) -> None:
    app = app_for(rev)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*"muscle strength", "enter")
        assert "match 1/1" in head(app)
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*"Tacrolimus", "enter")
        screen = reader(app)
        assert [h.page for h in screen.hits] == [0, 0, 1, 2]
        assert "page 1/3" in head(app) and "match 1/4" in head(app)
        await pilot.press("n", "n")
        assert "page 2/3" in head(app) and "match 3/4" in head(app)
        await pilot.press("N", "N", "N")  # back past the first: round to the last
        assert "match 4/4" in head(app) and "page 3/3" in head(app)
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*"nowhere", "escape")  # Esc closes the search box, stays here
        assert screen.hits and reader(app) is screen
        await pilot.press("j")  # the next record's text; its own search starts empty
        assert "#2" in head(app) and "wilkes.pdf" in head(app) and not screen.hits
        await pilot.press("n")  # nothing searched: n is the note, as in the record view
        assert isinstance(app.screen, PromptScreen)


@sync
async def test_methods_and_results_jumps_scroll_to_the_heading(rev: Review) -> None:
    app = app_for(rev)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*"ointment", "enter")  # no match in record 1
        for _ in range(9):
            await pilot.press("j")
        assert "#10" in head(app) and "long.pdf" in head(app)
        body = app.query_one("#ft-body", VerticalScroll)
        await pilot.press("M")
        assert "page 2/3" in head(app) and body.scroll_y == 0
        await pilot.press("R")
        await pilot.pause()
        assert "page 2/3" in head(app) and body.scroll_y > 20
        await pilot.press("home", "M")
        assert "page 2/3" in head(app)
        await pilot.press("k")  # record 9: a scan
        assert "no text layer" in page(app)
        await pilot.press("R")
        assert "No Results heading" in app.messages[-1]


@sync
async def test_o_opens_the_pdf_in_the_system_viewer(
    rev: Review, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    opened = tmp_path / "opened.txt"
    for name in ("xdg-open", "open"):
        (bin_dir / name).write_text(f'#!/bin/sh\necho "$1" > {opened}\n', encoding="utf-8")
        (bin_dir / name).chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    app = app_for(rev)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("o")
        for _ in range(100):
            if opened.exists() and opened.read_text():
                break
            time.sleep(0.02)
        assert Path(opened.read_text().strip()).name == "oddis1999.pdf"
        monkeypatch.setenv("PATH", str(tmp_path / "empty"))
        await pilot.press("o")  # no viewer: a sentence, nothing breaks
        assert "No system viewer" in app.messages[-1]


@sync
async def test_abstract_is_one_key_away_and_decisions_move_on(rev: Review) -> None:
    app = app_for(rev)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("a")
        assert not app.query_one(FullTextView).reading and app.query_one("#body").display
        assert "Ten patients with refractory polymyositis" in shown(app)
        assert "oddis1999.pdf" in shown(app)  # the record view names the attached PDF
        await pilot.press("t")
        reader(app)
        await pilot.press("i")
        assert log(rev) == [(1, "include", None, None)]
        assert "#2" in head(app) and "matched by pmid" in head(app)
        await pilot.press("e", "2")  # the reason dialog over the full text
        assert log(rev)[-1] == (2, "exclude", "wrong intervention", None)
        assert "#3" in head(app) and "hassan.pdf" in head(app) and "matched by title" in head(app)
        await pilot.press("j")
        assert "#4" in head(app) and "他克莫司治疗难治性多发性肌炎" in page(app)
        await pilot.press("u")  # undo the exclusion: back at record 2
        assert "#2" in head(app)


@sync
async def test_record_without_pdf_shows_links_and_r_marks_it(rev: Review) -> None:
    db = rev.db
    app = app_for(rev)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for _ in range(5):
            await pilot.press("j")
        assert "#7" in head(app) and "no PDF attached" in head(app)
        assert "No PDF is attached" in page(app) and "No DOI, PMID or link" in page(app)
        await pilot.press("r")
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"library has no copy", "enter")
        row = db.execute("select record_id, status, reason from retrieval").fetchall()
        assert row == [(7, "not_retrieved", "library has no copy")]
        reader(app)
        await pilot.press("j", "j", "j")
        assert "#10" not in head(app) or "long.pdf" in head(app)


@sync
async def test_title_abstract_stage_has_no_full_text_view(rev: Review) -> None:
    app = ScreenApp(Session(rev, "title_abstract", "ann"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("t")
        assert not app.query_one(FullTextView).reading


def test_full_text_view_snapshot(snap_compare: Snap, rev: Review) -> None:
    assert snap_compare(app_for(rev), press=["right", "left"], terminal_size=(80, 24))


def test_paper_text_has_both_headings() -> None:
    assert "Methods\n" in PAPER and "Results\n" in PAPER
