"""Every dialog key of the screening app, driven with Pilot: lists, confirmation, Esc, undo of
any action, labels, highlight terms, the record list, conflicts, layout at 80x24."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_screening import build_review
from test_tui import SIZE, log, shown, sync
from textual.widgets import Input, OptionList

from screener.db import Review, connect
from screener.screening.labels import record_labels
from screener.screening.protocol import load_protocol
from screener.screening.session import Session
from screener.screening.verdict import record_decision
from screener.tui.app import ScreenApp
from screener.tui.browse import BrowseScreen
from screener.tui.screens import PromptScreen, SearchScreen


@pytest.fixture
def rev(tmp_path: Path) -> Review:
    return build_review(tmp_path / "rev")


def main(app: ScreenApp) -> bool:
    return app.screen is app.screen_stack[0]


@sync
async def test_search_list_moves_with_arrows_and_jk_and_enter_takes_the_highlighted(
    rev: Review,
) -> None:
    app = ScreenApp(Session(rev, "title_abstract", "ann"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"jk myositis", "ctrl+u")  # j/k typed in the query
        assert app.session.current == 1  # ... never move the record behind
        await pilot.press(*"myositis", "enter")
        hits = app.screen.query_one(OptionList)
        assert hits.option_count == 8  # more than 5 hits, all reachable
        await pilot.press("j", "j", "down", "down", "down", "down", "k")
        assert hits.highlighted == 5
        assert app.session.current == 1
        await pilot.press("j", "j", "enter")  # the 8th hit
        assert main(app) and app.session.current == 8
        assert "Long-term outcomes of tacrolimus" in shown(app)
        await pilot.press("slash", *"myositis", "enter", "up", "up")  # ↑ on the first: query
        assert isinstance(app.focused, Input)
        await pilot.press("down")
        assert isinstance(app.focused, OptionList)
        await pilot.press("escape")
        assert main(app) and app.session.current == 8


@sync
async def test_esc_cancels_every_dialog_and_records_nothing(rev: Review) -> None:
    app = ScreenApp(Session(rev, "title_abstract", "ann"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        assert app.choosing is not None and app.query_one("#reasons").display
        await pilot.press("x", "i", "escape")  # other keys wait; Esc cancels
        assert app.choosing is None and not app.query_one("#reasons").display
        for key, dialog in (
            ("n", PromptScreen),
            ("l", PromptScreen),
            ("h", PromptScreen),
            ("slash", SearchScreen),
            ("d", SearchScreen),
            ("b", BrowseScreen),
        ):
            await pilot.press(key)
            assert isinstance(app.screen, dialog), key
            await pilot.press(*"xy", "escape")
            assert main(app), key
        assert app.session.current == 1
    assert log(rev) == []
    db = connect(rev.path / "review.db")
    assert db.execute("select count(*) from labels").fetchone() == (0,)
    assert db.execute("select count(*) from notes").fetchone() == (0,)
    assert load_protocol(rev.protocol_path).include_keywords[-1] == "他克莫司"


@sync
async def test_u_undoes_a_duplicate_link_a_retrieval_mark_and_a_decision(rev: Review) -> None:
    for rid in (1, 2, 3):
        record_decision(rev.db, rid, "title_abstract", "ann", "include")
    app = ScreenApp(Session(rev, "full_text", "ann"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")  # record 1
        await pilot.press("r", *"no copy", "enter")  # record 2 not retrieved
        assert app.session.current == 3
        await pilot.press("d", *"mice", "enter", "enter", "y")  # 3 is a duplicate of 2
        assert app.session.progress().total == 1  # 2 not retrieved, 3 a duplicate
        await pilot.press("u")
        assert app.messages[-1].startswith("Undone: #3 is no longer a duplicate")
        assert app.session.progress().total == 2 and app.session.current == 3
        await pilot.press("u")
        assert app.messages[-1] == "Undone: #2 is retrieved again."
        assert app.session.current == 2 and "Undecided" in shown(app)
        await pilot.press("u")
        assert app.messages[-1] == "Undone: #1 is undecided again."
        await pilot.press("u")
        assert app.messages[-1] == "Nothing to undo."
    db = connect(rev.path / "review.db")
    assert db.execute("select status from retrieval order by id").fetchall() == [
        ("not_retrieved",),
        ("retrieved",),
    ]
    assert db.execute("select count(*) from records where duplicate_of is not null").fetchone() == (
        0,
    )


@sync
async def test_not_retrieved_and_excluded_are_exclusive_at_full_text(rev: Review) -> None:
    record_decision(rev.db, 1, "title_abstract", "ann", "include")
    record_decision(rev.db, 2, "title_abstract", "ann", "include")
    app = ScreenApp(Session(rev, "full_text", "ann"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e", "1", "k")  # record 1 excluded, back to it
        await pilot.press("r")
        assert main(app) and app.messages[-1].startswith("You decided this record")
        await pilot.press("j", "r", *"lost", "enter")  # record 2: not retrieved (the end)
        await pilot.press("k")
        assert app.session.current == 2 and "Full text not retrieved (lost)" in shown(app)
        await pilot.press("i")
        assert app.messages[-1].startswith("Record #2 is marked as not retrieved")
    assert log(rev)[-1] == (1, "exclude", "Wrong population", None)


@sync
async def test_note_on_an_undecided_record_is_stored_when_typed(rev: Review) -> None:
    app = ScreenApp(Session(rev, "title_abstract", "ann"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", *"ask Bob", "enter")
        assert "Note (saved; goes with the decision): ask Bob" in shown(app)
    db = connect(rev.path / "review.db")
    assert db.execute("select record_id, note from notes").fetchall() == [(1, "ask Bob")]
    again = ScreenApp(Session(rev, "title_abstract", "ann"))
    async with again.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        assert again.screen.query_one(Input).value == "ask Bob"
        await pilot.press("enter", "m")
    assert log(rev) == [(1, "maybe", None, "ask Bob")]


@sync
async def test_labels_highlight_terms_and_the_record_list(rev: Review) -> None:
    with rev.protocol_path.open("a", encoding="utf-8") as f:
        f.write("\n[screening]\nreviewers = 2  # blinded by default\n")
    app = ScreenApp(Session(rev, "title_abstract", "ann"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l", *"check dose", "enter")
        assert "Labels: check dose" in shown(app)
        await pilot.press("e", "1", "i", "l", *"check dose", "enter")  # 3: add; then on 3
        await pilot.press("l", *"CHECK DOSE", "enter")  # a label it has: removed
        assert app.messages[-1] == "Label 'CHECK DOSE' removed from #3."
        await pilot.press("h", *"-calcineurin", "enter")
        assert app.messages[-1] == "'calcineurin' added to [keywords] exclude."
        await pilot.press("b")
        assert isinstance(app.screen, BrowseScreen)
        rows = app.screen.query_one(OptionList)
        assert rows.option_count == 8
        await pilot.press(*"decision:exclude", "enter")
        assert rows.option_count == 1
        await pilot.press("escape", "b", *'label:"check dose"', "enter")
        rows = app.screen.query_one(OptionList)
        assert rows.option_count == 1 and "check dose" in str(rows.get_option_at_index(0).prompt)
        await pilot.press("enter")
        assert main(app) and app.session.current == 1
        await pilot.press("b", *"reviewer:bob", "enter")
        assert "blinded" in str(app.screen.query_one("#count").render())
        await pilot.press("escape", "b", *"mice", "enter", "enter", "i")  # change a decision
    assert log(rev)[-1] == (2, "include", None, None)
    assert record_labels(connect(rev.path / "review.db")) == {1: ["check dose"]}
    assert load_protocol(rev.protocol_path).exclude_keywords[-1] == "calcineurin"
    text = rev.protocol_path.read_text(encoding="utf-8")
    assert text.startswith("# A small review for the screening tests")


@sync
async def test_layout_at_80x24_keeps_reviewer_stage_order_and_progress(rev: Review) -> None:
    app = ScreenApp(Session(rev, "title_abstract", "ann-marie"))
    async with app.run_test(size=SIZE) as pilot:
        top = shown(app, "#top")
        assert top.startswith(" ann-marie · title/abstract · file order · Tacrolimus")
        await pilot.press("u")  # a message ...
        assert app.messages[-1] == "Nothing to undo."
        assert shown(app, "#status").startswith(" 0/8 done")  # ... never over the progress
        assert shown(app, "#keys") == " Nothing to undo."
        await pilot.press("c", "right_square_bracket")
        panel = app.query_one("#criteria")
        assert panel.display and panel.scroll_y > 0
        await pilot.press("left_square_bracket")
        assert panel.scroll_y == 0


@sync
async def test_conflicts_mode_shows_both_votes_and_records_consensus(rev: Review) -> None:
    record_decision(rev.db, 2, "title_abstract", "ann", "include", None, "in vivo data")
    record_decision(rev.db, 2, "title_abstract", "bob", "exclude", "Wrong population")
    record_decision(rev.db, 3, "title_abstract", "ann", "include")
    record_decision(rev.db, 3, "title_abstract", "bob", "include")
    app = ScreenApp(Session(rev, "title_abstract", "cat", conflicts=True))
    async with app.run_test(size=SIZE) as pilot:
        assert shown(app, "#top").startswith(" cat · title/abstract · resolving conflicts")
        text = shown(app)
        assert "Conflict: no consensus yet. Votes:" in text
        assert "ann: INCLUDE  note: in vivo data" in text
        assert "bob: EXCLUDE (Wrong population)" in text
        assert "Calcineurin inhibitors in mice" in text and "mice" in text
        assert shown(app, "#status").startswith(" 0/1 resolved")
        await pilot.press("e", "escape")
        assert log(rev)[-1][1] == "include"  # Esc: nothing recorded
        await pilot.press("e", "1")
        assert "End of the queue" in shown(app)
        assert shown(app, "#status").startswith(" 1/1 resolved")
    db = connect(rev.path / "review.db")
    assert db.execute(
        "select record_id, reviewer, decision, reason, note, source from decisions"
        " where source = 'consensus'"
    ).fetchall() == [
        (2, "consensus", "exclude", "Wrong population", "resolved by cat", "consensus")
    ]
