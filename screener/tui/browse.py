"""The record list (``b``): filter the records of the stage and jump to one to change it.

Type a filter and press Enter (see :mod:`screener.screening.listing`: ``decision:exclude``,
``reason:population``, ``reviewer:bob``, ``label:RCT``, plain words); arrows or j/k move in
the list, Enter opens the highlighted record, Esc closes the list.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from screener.errors import ScreenerError
from screener.screening.blinding import blinded
from screener.screening.listing import ListedRecord, list_records, parse_filter
from screener.screening.session import Session
from screener.tui.dialogs import PickList, ReleaseKeys, early_typing
from screener.tui.render import DECISION_STYLES

SHOWN_ROWS = 500
HINT = "decision:include|exclude|maybe|undecided  reason:…  reviewer:…  label:…  words"


def row_text(row: ListedRecord) -> Text:
    out = Text(f"#{row.record_id:<5} ")
    decision = row.decision or "undecided"
    out.append(f"{decision:<10}", style=DECISION_STYLES.get(decision, "dim"))
    out.append(f"{row.title or '(no title)'} ({row.year or 'n.d.'})")
    if row.reason:
        out.append(f"  — {row.reason}", style="dim")
    if row.labels:
        out.append("  [" + ", ".join(row.labels) + "]", style="bold magenta")
    return out


class BrowseScreen(ModalScreen[int | None]):
    """Records of the stage, filtered; Enter on one jumps there."""

    DEFAULT_CSS = """
    BrowseScreen { align: center middle; }
    BrowseScreen > Vertical { width: 98%; height: 96%; border: thick $accent; padding: 0 1;
                              background: $surface; }
    BrowseScreen OptionList { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, session: Session, query: str = "") -> None:
        super().__init__()
        self.session = session
        self.start = query

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("Records: filter, then Enter (empty: all)", style="bold"))
            yield Input(value=self.start, placeholder=HINT, id="filter")
            yield PickList(id="rows")
            yield Static(Text(HINT, style="dim"), id="count")

    def on_mount(self) -> None:
        self.show(self.start)

    def show(self, query: str) -> None:
        s = self.session
        try:
            rows = list_records(
                s.db,
                s.stage,
                list(s.order),
                s.decider,
                parse_filter(query),
                blinded=not s.conflicts and blinded(s.review),
                mine=s.decisions,
            )
        except ScreenerError as exc:
            self.query_one("#count", Static).update(Text(str(exc), style="bold red"))
            return
        options = self.query_one("#rows", OptionList)
        options.clear_options()
        for row in rows[:SHOWN_ROWS]:
            options.add_option(Option(row_text(row), id=str(row.record_id)))
        more = f" (first {SHOWN_ROWS} shown)" if len(rows) > SHOWN_ROWS else ""
        count = f"{len(rows)} records{more} · ↑↓ or j/k, Enter: open · Esc: close"
        self.query_one("#count", Static).update(Text(count, style="dim"))
        if rows and s.current is not None:
            ids = [r.record_id for r in rows[:SHOWN_ROWS]]
            options.highlighted = ids.index(s.current) if s.current in ids else 0

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.show(event.value)
        options = self.query_one("#rows", OptionList)
        if options.option_count:
            options.focus()
        self.post_message(ReleaseKeys())  # after the focus moved: held keys go to the rows

    def on_key(self, event: events.Key) -> None:
        options = self.query_one("#rows", OptionList)
        query = self.query_one("#filter", Input)
        if early_typing(self, event, query):
            return
        if event.key == "down" and self.focused is query and options.option_count:
            event.stop()
            options.focus()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))

    def action_cancel(self) -> None:
        self.dismiss(None)
