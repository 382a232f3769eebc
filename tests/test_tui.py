"""The screening app's behaviour, driven with Textual's Pilot: keys -> rows in the database."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest
from test_screening import build_review
from textual.containers import VerticalScroll
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from screener.db import Review, connect
from screener.screening.session import Session
from screener.screening.verdict import record_decision
from screener.tui.app import ScreenApp
from screener.tui.dialogs import ConfirmScreen
from screener.tui.screens import MessageScreen

SIZE = (80, 24)


def sync(test: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async Pilot test with asyncio (no pytest async plugin is installed)."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return run


@pytest.fixture
def rev(tmp_path: Path) -> Review:
    return build_review(tmp_path / "rev")


async def settle(app: ScreenApp, pilot: Pilot[str]) -> None:
    """Wait (at most 60 s) until the ranking process has delivered its order."""
    for _ in range(1200):
        if not (app.training or app.fit_pending or app.ranker is None):
            break
        await pilot.pause(0.05)
    await pilot.pause()
    assert not app.training


def log(rev: Review) -> list[tuple[object, ...]]:
    db = connect(rev.path / "review.db")  # a separate connection: proves the commit
    try:
        return db.execute(
            "select record_id, decision, reason, note from decisions order by id"
        ).fetchall()
    finally:
        db.close()


def shown(app: ScreenApp, widget: str = "#record") -> str:
    content = app.query_one(widget, Static).render()
    return str(content)


@sync
async def test_keys_record_decisions_with_reasons(rev: Review) -> None:
    app = ScreenApp(Session(rev, "title_abstract", "ann"))
    async with app.run_test(size=SIZE) as pilot:
        assert "Tacrolimus for refractory polymyositis" in shown(app)
        await pilot.press("i")
        assert log(rev) == [(1, "include", None, None)]
        await pilot.press("e")
        assert app.choosing is not None
        await pilot.press("3")
        await pilot.press("e", "enter")  # title/abstract: Enter skips the reason
        await pilot.press("e", "escape")  # Esc cancels: nothing is recorded
        assert app.choosing is None and app.session.current == 4
        assert app.messages[-1] == "Cancelled: nothing recorded."
        await pilot.press("e", "7")  # no reason 7: the dialog stays open
        assert app.choosing is not None
        await pilot.press("4", "m")
        assert log(rev) == [
            (1, "include", None, None),
            (2, "exclude", "Wrong study design", None),
            (3, "exclude", None, None),
            (4, "exclude", "Not a study", None),
            (5, "maybe", None, None),
        ]
        assert "5/8 done · incl 1 · excl 3 · maybe 1 · streak 0" in shown(app, "#status")
        assert "Case report: tacrolimus ointment" in shown(app)


@sync
async def test_undo_note_and_navigation(rev: Review) -> None:
    app = ScreenApp(Session(rev, "title_abstract", "ann"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i", "m", "u")
        assert "Calcineurin inhibitors in mice" in shown(app)
        assert "Undecided" in shown(app)
        await pilot.press("n", *"animal study", "enter", "e", "4")
        await pilot.press("k")
        assert "Your decision: EXCLUDE (Not a study)  note: animal study" in shown(app)
        await pilot.press("k")
        assert "Tacrolimus for refractory polymyositis" in shown(app)
        await pilot.press("j", "j")
        assert "A review of treatments" in shown(app)
    assert log(rev) == [
        (1, "include", None, None),
        (2, "maybe", None, None),
        (2, "undo", None, None),
        (2, "exclude", "Not a study", "animal study"),
    ]


@sync
async def test_full_text_requires_a_reason_and_marks_not_retrieved(rev: Review) -> None:
    for rid in (1, 8):
        record_decision(rev.db, rid, "title_abstract", "ann", "include")
    app = ScreenApp(Session(rev, "full_text", "ann"))
    async with app.run_test(size=SIZE) as pilot:
        assert "Full text: https://doi.org/10.1000/test.0001" in shown(app)
        await pilot.press("e", "enter")
        assert app.choosing is not None  # Enter does not skip at full text
        await pilot.press("escape")
        await pilot.press("r", *"library has no copy", "enter")
        assert "Long-term outcomes" in shown(app)
        await pilot.press("e", "2")
        assert "End of the queue" in shown(app)
    assert log(rev)[-1] == (8, "exclude", "Wrong intervention", None)
    rows = rev.db.execute("select record_id, status, reason from retrieval").fetchall()
    assert rows == [(1, "not_retrieved", "library has no copy")]


@sync
async def test_search_and_jump_to_change_a_decision(rev: Review) -> None:
    app = ScreenApp(Session(rev, "title_abstract", "ann"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e", "1", "i")
        await pilot.press("slash", *"mice", "enter")
        hits = app.screen.query_one(OptionList)
        assert hits.option_count == 1
        await pilot.press("enter")
        assert "Calcineurin inhibitors in mice" in shown(app)
        assert "Your decision: INCLUDE" in shown(app)
        await pilot.press("e", "1")
    assert log(rev)[-1] == (2, "exclude", "Wrong population", None)


@sync
async def test_d_marks_the_record_as_a_duplicate_of_a_searched_one(rev: Review) -> None:
    app = ScreenApp(Session(rev, "title_abstract", "ann"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")  # record 1 is screened; record 2 is shown
        await pilot.press("d", "escape")  # Esc: nothing happens
        await pilot.press("d", "2", "enter", "enter")  # the record itself: nothing happens
        assert app.screen is app.screen_stack[0]
        assert app.session.current == 2 and app.session.progress().total == 8
        await pilot.press("d")
        assert isinstance(app.focused, Input)
        assert "Duplicate of which record?" in str(app.screen.query(Static).first().render())
        await pilot.press(*"cohort of 14", "enter")
        assert app.screen.query_one(OptionList).option_count == 1
        await pilot.press("enter")
        assert isinstance(app.screen, ConfirmScreen)  # both records, and a question
        texts = [str(w.render()) for w in app.screen.query(Static)]
        assert "Are #2 (left) and #1 (right) one work?" in texts[0]
        assert any("Calcineurin inhibitors in mice" in t for t in texts)
        assert any("Tacrolimus for refractory polymyositis" in t for t in texts)
        await pilot.press("n")  # no: nothing is linked
        assert app.screen is app.screen_stack[0] and app.messages[-1] == "Not linked."
        await pilot.press("d", *"cohort of 14", "enter", "enter", "escape")  # Esc: no too
        assert app.session.progress().total == 8
        await pilot.press("d", *"cohort of 14", "enter", "enter", "y")
        assert app.screen is app.screen_stack[0]
        assert "A review of treatments for dermatomyositis" in shown(app)  # record 3
        assert shown(app, "#status").startswith(" 1/7 done")
        assert app.messages[-1] == "Record #2 marked as a duplicate of #1 (kept). u undoes."
    db = connect(rev.path / "review.db")
    try:
        rows = db.execute("select id, duplicate_of from records where duplicate_of is not null")
        assert rows.fetchall() == [(2, 1)]
    finally:
        db.close()


@sync
async def test_help_criteria_and_quit_summary(rev: Review) -> None:
    app = ScreenApp(Session(rev, "title_abstract", "ann"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, MessageScreen)
        help_box = app.screen.query_one(VerticalScroll)
        await pilot.press("space")  # longer than 24 lines: space scrolls
        assert isinstance(app.screen, MessageScreen) and help_box.scroll_y > 0
        await pilot.press("escape")
        assert not isinstance(app.screen, MessageScreen)
        await pilot.press("c")
        assert app.query_one("#criteria").display
        await pilot.press("i", "q")
    assert app.return_value == (
        "ann screened 1 of 8 records at title/abstract (1 included, 0 excluded, 0 maybe); 7 left."
    )


@sync
async def test_relevance_order_retrains_in_a_worker(rev: Review) -> None:
    app = ScreenApp(Session(rev, "title_abstract", "ann", order="relevance"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        first = app.session.current
        assert first is not None and first != 2  # the mice study is not ranked first
        await pilot.press("i")
        await pilot.press("e", "1")
        await settle(app, pilot)
        assert shown(app, "#status").endswith("· model +0")
        await pilot.press("x")  # the ranking process answers
        for _ in range(200):
            if isinstance(app.screen, MessageScreen):
                break
            await pilot.pause(0.05)
        assert isinstance(app.screen, MessageScreen)
    assert [row[1] for row in log(rev)] == ["include", "exclude"]


@sync
async def test_cjk_record_is_drawn(rev: Review) -> None:
    app = ScreenApp(Session(rev, "title_abstract", "ann"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "j")
        text = shown(app)
        assert "他克莫司治疗难治性皮肌炎的临床观察" in text
        assert "王明; 李华 · 中华风湿病学杂志, 2013" in text


@sync
async def test_search_input_is_focused(rev: Review) -> None:
    app = ScreenApp(Session(rev, "title_abstract", "ann"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press("escape")
        assert app.screen is app.screen_stack[0]


def test_terms_are_highlighted_with_colour_and_a_colourless_style(rev: Review) -> None:
    from screener.tui.render import EXCLUDE_STYLE, INCLUDE_STYLE, highlighted

    protocol = Session(rev, "title_abstract", "ann").protocol
    text = highlighted("Tacrolimus in mice with myositis", protocol)
    spans = [(text.plain[s.start : s.end], str(s.style)) for s in text.spans]
    assert spans == [
        ("Tacrolimus", INCLUDE_STYLE),
        ("mice", EXCLUDE_STYLE),
        ("myositis", INCLUDE_STYLE),
    ]
    assert "underline" in INCLUDE_STYLE and "reverse" in EXCLUDE_STYLE  # visible without colour


def test_screen_command_needs_a_review(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from screener.cli import app

    result = CliRunner().invoke(app, ["screen", "--review", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {tmp_path} is not a review: it has no review.db.")


def test_reviewer_defaults_to_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from screener.commands.screen import default_reviewer

    monkeypatch.setenv("SCREENER_REVIEWER", "carol")
    assert default_reviewer() == "carol"
    monkeypatch.delenv("SCREENER_REVIEWER")
    assert default_reviewer() != ""


@sync
async def test_empty_stage_says_so(rev: Review) -> None:
    app = ScreenApp(Session(rev, "full_text", "ann"))  # nothing passed title/abstract yet
    async with app.run_test(size=SIZE) as pilot:
        assert shown(app) == "No records at this stage yet. Press q to quit."
        await pilot.press("i", "e", "u", "q")
    assert log(rev) == []
    assert app.return_value == (
        "ann screened 0 of 0 records at full text (0 included, 0 excluded, 0 maybe); 0 left."
    )
