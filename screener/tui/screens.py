"""The screening app's dialogs: exclusion reason, text prompt, search, help, message."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from screener.screening.session import SEARCH_LIMIT, SearchHit
from screener.tui.dialogs import ALL_KEYS, PickList, ReleaseKeys, early_typing


class ReasonBar(Static):
    """The numbered exclusion reasons, shown above the progress line after ``e``.

    Not a dialog screen: the app handles the digit, Enter and Esc keys itself, in the order
    they are typed, so ``e2`` typed fast always lands (see ``ScreenTools.action_reason``).
    """

    def ask(self, reasons: Sequence[str], required: bool, record_id: int) -> None:
        text = Text(f"Exclude #{record_id}: why?", style="bold")
        for n, reason in enumerate(reasons[:9], 1):
            text.append(f"\n  {n}  ", style="bold")
            text.append(reason)
        if required:
            text.append("\nA reason is required at full text. Esc: cancel", style="dim")
        else:
            text.append("\nEnter: exclude without a reason · Esc: cancel", style="dim")
        self.update(text)
        self.display = True

    def close(self) -> None:
        self.display = False


class PromptScreen(ModalScreen[str | None]):
    """One line of text (a note, a retrieval reason); Enter saves ("" when emptied), Esc
    cancels (None)."""

    DEFAULT_CSS = """
    PromptScreen { align: center middle; }
    PromptScreen > Vertical { width: 70; height: auto; border: thick $accent; padding: 0 1;
                              background: $surface; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, value: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text, style="bold"))
            yield Input(value=self.value, id="prompt")
            yield Static(Text("Enter: save · Esc: cancel", style="dim"))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def on_key(self, event: events.Key) -> None:
        early_typing(self, event, self.query_one("#prompt", Input))

    def action_cancel(self) -> None:
        self.dismiss(None)


class SearchScreen(ModalScreen[int | None]):
    """Search by words, id, PMID or DOI, and choose a record (to jump to, or to link).

    Enter runs the search and moves to the results; arrows or j/k move in them, Enter picks
    the highlighted one; ↓ from the query also moves to the results, ↑ on the first result
    back to the query. Esc cancels.
    """

    DEFAULT_CSS = """
    SearchScreen { align: center middle; }
    SearchScreen > Vertical { width: 90%; height: 80%; border: thick $accent; padding: 0 1;
                              background: $surface; }
    SearchScreen OptionList { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        search: Callable[[str], list[SearchHit]],
        title: str = "Search: words, record id, PMID or DOI (Enter)",
        hint: str = "Enter on a result: go there · Esc: cancel",
    ) -> None:
        super().__init__()
        self.search = search
        self.title_text = title
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text, style="bold"))
            yield Input(id="query")
            yield PickList(id="hits")
            yield Static(Text(self.hint, style="dim"), id="hint")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        hits = self.search(event.value)
        options = self.query_one("#hits", OptionList)
        options.clear_options()
        for hit in hits:
            label = Text(f"#{hit.record_id} ")
            label.append(f"[{hit.decision or 'undecided'}] ", style="dim")
            label.append(f"{hit.title} ({hit.year or 'n.d.'})")
            options.add_option(Option(label, id=str(hit.record_id)))
        more = " (the first ones)" if len(hits) >= SEARCH_LIMIT else ""
        found = f"{len(hits)} found{more} · ↑↓ or j/k · " if hits else "No match. "
        self.query_one("#hint", Static).update(Text(found + self.hint, style="dim"))
        if hits:
            options.highlighted = 0
            options.focus()
        self.post_message(ReleaseKeys())  # after the focus moved: held keys go to the results

    def on_key(self, event: events.Key) -> None:
        options = self.query_one("#hits", OptionList)
        query = self.query_one("#query", Input)
        if early_typing(self, event, query):
            return
        if event.key == "down" and self.focused is query and options.option_count:
            event.stop()
            options.focus()
        elif event.key == "up" and self.focused is options and options.highlighted in (0, None):
            event.stop()
            self.query_one("#query", Input).focus()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))

    def action_cancel(self) -> None:
        self.dismiss(None)


class MessageScreen(ModalScreen[None]):
    """A text shown until any key is pressed (help, ranking explanation)."""

    DEFAULT_CSS = """
    MessageScreen { align: center middle; }
    MessageScreen > VerticalScroll { width: 76; height: auto; max-height: 100%;
                                     border: thick $accent; padding: 0 1; background: $surface; }
    """

    CLOSING_KEYS: ClassVar[frozenset[str] | None] = ALL_KEYS

    def __init__(self, text: Text) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(self.text)

    def on_key(self, event: events.Key) -> None:
        """Arrows, j/k, space and PgUp/PgDn scroll a text longer than the screen; any other
        key closes it."""
        event.stop()
        box = self.query_one(VerticalScroll)
        step = {"down": 1, "j": 1, "up": -1, "k": -1}.get(event.key, 0)
        page = {"space": 1, "pagedown": 1, "pageup": -1}.get(event.key, 0)
        if (step or page) and box.max_scroll_y > 0:
            if step:
                box.scroll_relative(y=step, animate=False)
            else:
                (box.scroll_page_down if page > 0 else box.scroll_page_up)(animate=False)
            self.post_message(ReleaseKeys())
            return
        self.dismiss(None)
