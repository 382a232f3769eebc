"""Keys typed in a burst (as a terminal delivers them), the first record in relevance order, and
labels under blinding: the screening app driven with Textual's Pilot."""

from __future__ import annotations

from pathlib import Path

import pytest
from fulltext_helpers import made_pdfs
from test_screening import build_review
from test_tui import SIZE, log, settle, shown, sync
from textual import events
from textual.pilot import Pilot
from textual.widgets import OptionList

from screener.db import Review, connect
from screener.screening.labels import record_labels, set_label
from screener.screening.session import Session
from screener.tui.app import ScreenApp
from screener.tui.browse import BrowseScreen
from screener.tui.screens import PromptScreen

__all__ = ["made_pdfs"]  # the session fixture


@pytest.fixture
def rev(tmp_path: Path) -> Review:
    return build_review(tmp_path / "rev")


def main(app: ScreenApp) -> bool:
    return app.screen is app.screen_stack[0]


async def burst(app: ScreenApp, pilot: Pilot[str], *keys: str) -> None:
    """Post the keys at once, as the terminal driver does when they arrive in one read (Pilot's
    press waits for the app to settle after each key, which hides races)."""
    for key in keys:
        char = key if len(key) == 1 else {"enter": "\r", "escape": "\x1b"}.get(key)
        app.post_message(events.Key(key, char))
    for _ in range(5):
        await pilot.pause(0.05)


# ------------------------------------------------------------------------- keys after Enter


@sync
async def test_a_key_typed_with_the_enter_that_closes_the_note_is_applied(rev: Review) -> None:
    app = ScreenApp(Session(rev, "title_abstract", "ann"))
    async with app.run_test(size=SIZE) as pilot:
        await burst(app, pilot, "n", *"dose?", "enter", "i", "e", "2")
        assert main(app)
        assert app.session.current == 3
    # the note on 1, then i on 1 (still on screen after the note), then e 2 on record 2
    assert log(rev) == [(1, "include", None, "dose?"), (2, "exclude", "Wrong intervention", None)]


@sync
async def test_keys_typed_with_the_enter_that_picks_a_search_hit_act_on_that_record(
    rev: Review,
) -> None:
    app = ScreenApp(Session(rev, "title_abstract", "ann"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"mice", "enter")  # the results are listed
        assert isinstance(app.screen.query_one(OptionList), OptionList)
        await burst(app, pilot, "enter", "m")
        assert main(app)
    assert log(rev) == [(2, "maybe", None, None)]


@sync
async def test_keys_typed_with_the_enter_that_runs_a_search_reach_its_results(
    rev: Review,
) -> None:
    app = ScreenApp(Session(rev, "title_abstract", "ann"))
    async with app.run_test(size=SIZE) as pilot:
        await burst(app, pilot, "slash", *"tacrolimus", "enter", "j", "enter", "x")
        # Enter ran the search; j moved to the second hit, Enter opened it; x was then typed
        # on the main screen (it says what it does in file order: nothing is lost silently)
        assert main(app)
        assert app.session.current != 1
        assert app.messages[-1].startswith("x explains the relevance order")


@sync
async def test_keys_after_escape_and_after_a_label_are_not_lost(rev: Review) -> None:
    app = ScreenApp(Session(rev, "title_abstract", "ann"))
    async with app.run_test(size=SIZE) as pilot:
        await burst(app, pilot, "n", *"no", "escape", "i", "l", *"RCT", "enter", "m")
        assert main(app)
    assert log(rev) == [(1, "include", None, None), (2, "maybe", None, None)]
    assert record_labels(connect(rev.path / "review.db")) == {2: ["RCT"]}


@sync
async def test_the_key_after_the_one_closing_the_help_is_applied(rev: Review) -> None:
    app = ScreenApp(Session(rev, "title_abstract", "ann"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await burst(app, pilot, "escape", "i")
        assert main(app)
    assert log(rev) == [(1, "include", None, None)]


# ------------------------------------------------------------------ first record, relevance


def relevance_app(rev: Review) -> ScreenApp:
    return ScreenApp(Session(rev, "title_abstract", "ann", order="relevance"))


@sync
async def test_the_models_first_pick_is_shown_when_no_key_was_pressed(rev: Review) -> None:
    app = relevance_app(rev)
    async with app.run_test(size=SIZE) as pilot:
        assert app.session.current == 1  # file order until the ranking process answers
        await settle(app, pilot)
        ranked = app.session.order
        assert app.session.current == ranked[0] != 1  # 1 is not the keyword order's top
        assert app.shown == app.session.current
        assert app.messages[-1] == "Ranked: the most likely include first (#1 is queued)."
        assert str(app.session.current) in shown(app).split()[0]
        picked = app.session.current
        db = connect(rev.path / "review.db")  # stored at once: a crash resumes there
        position = db.execute("select value from settings where key like 'position:%'")
        assert position.fetchone()[0] == str(picked)
        await pilot.press("i")
    assert log(rev) == [(picked, "include", None, None)]


@sync
async def test_after_any_key_the_first_order_never_moves_the_record_on_screen(
    rev: Review,
) -> None:
    app = relevance_app(rev)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("pagedown")  # reading: the reviewer scrolled the abstract
        await settle(app, pilot)
        assert app.session.current == 1 and app.shown == 1


@sync
async def test_a_resumed_session_keeps_the_record_the_reviewer_left(rev: Review) -> None:
    first = Session(rev, "title_abstract", "ann")
    first.move(2)  # record 3 on screen when the reviewer quit
    app = relevance_app(rev)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.session.current == 3


# ------------------------------------------------------------------------ labels, blinded


def blinded_review(rev: Review) -> None:
    with rev.protocol_path.open("a", encoding="utf-8") as f:
        f.write("\n[screening]\nreviewers = 2  # blinded by default\n")
    set_label(rev.db, 1, "bob thinks RCT", "bob")
    set_label(rev.db, 2, "dose", "bob")


@sync
async def test_while_blinded_a_reviewer_sees_only_their_own_labels(rev: Review) -> None:
    blinded_review(rev)
    app = ScreenApp(Session(rev, "title_abstract", "ann"))
    async with app.run_test(size=SIZE) as pilot:
        assert "Labels:" not in shown(app) and "bob thinks" not in shown(app)
        await pilot.press("l")
        assert isinstance(app.screen, PromptScreen)
        assert "bob thinks" not in app.screen.title_text and "dose" not in app.screen.title_text
        await pilot.press(*"dose", "enter")  # ann's own label, not a removal of bob's
        assert app.messages[-1] == "Label 'dose' added to #1."
        assert "Labels: dose" in shown(app)
        await pilot.press("b", *"label:dose", "enter")
        assert isinstance(app.screen, BrowseScreen)
        rows = app.screen.query_one(OptionList)
        assert rows.option_count == 1  # record 1 (ann's); record 2 is bob's
        assert "#1" in str(rows.get_option_at_index(0).prompt)
        await pilot.press("escape", "b", "enter")
        listed = [str(rows.get_option_at_index(i).prompt) for i in range(rows.option_count)]
        assert not any("bob thinks" in row for row in listed)


@sync
async def test_unblinded_every_reviewers_labels_are_shown(rev: Review) -> None:
    blinded_review(rev)
    with rev.protocol_path.open("a", encoding="utf-8") as f:
        f.write("blind = false\n")
    app = ScreenApp(Session(rev, "title_abstract", "ann"))
    async with app.run_test(size=SIZE) as pilot:
        assert "Labels: bob thinks RCT" in shown(app)
        await pilot.press("e", "1")
        await pilot.press("l", *"DOSE", "enter")  # a label it has (bob's): removed
        assert app.messages[-1] == "Label 'DOSE' removed from #2."


# ------------------------------------------------------------------ quiet-moment upkeep


@sync
async def test_the_wal_is_checkpointed_when_the_keys_are_quiet(
    rev: Review, monkeypatch: pytest.MonkeyPatch
) -> None:
    import screener.tui.checkpoints as checkpoints

    monkeypatch.setattr(checkpoints, "QUIET_SECONDS", 0.2)
    app = ScreenApp(Session(rev, "title_abstract", "ann"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i", "i")
        assert app.session.db.execute("pragma wal_autocheckpoint").fetchone()[0] == 0
        assert app.checkpoints.done == 0  # never inside a key press
        for _ in range(40):
            await pilot.pause(0.1)
            if app.checkpoints.done:
                break
        assert app.checkpoints.done == 1
        await pilot.pause(0.6)
        assert app.checkpoints.done == 1  # nothing new to copy: no second one
    assert [row[1] for row in log(rev)] == ["include", "include"]


@sync
async def test_keys_typed_with_the_enter_of_the_full_text_search_act_on_the_text(
    tmp_path: Path, made_pdfs: Path
) -> None:
    from fulltext_helpers import build_review as fulltext_review
    from fulltext_helpers import copy_pdfs
    from test_fulltext_tui import head

    from screener.fulltexts.attach import attach

    review = fulltext_review(tmp_path / "review")
    copy_pdfs(made_pdfs, tmp_path / "pdfs")
    attach(review, [tmp_path / "pdfs"])
    app = ScreenApp(Session(review, "full_text", "ann"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash")
        await pilot.pause()
        await burst(app, pilot, *"Tacrolimus", "enter", "n")  # n: the next match
        assert "match 2/4" in head(app)
