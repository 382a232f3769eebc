"""Keyboard dialogs of the screening app: a pick list (arrows, j/k, Enter), a confirmation.

Every dialog closes with Esc without doing anything.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static


def early_typing(screen: ModalScreen[Any], event: events.Key, box: Input) -> bool:
    """Keys typed right after the key that opened a dialog can reach it before its input has
    the focus: type them into the input instead of losing them. True when handled."""
    if screen.focused is None and event.is_printable and event.character:
        event.stop()
        box.focus()
        box.insert_text_at_cursor(event.character)
        return True
    return False


class PickList(OptionList):
    """An option list moved with the arrows or j/k; Enter picks the highlighted row."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]


class ConfirmScreen(ModalScreen[bool]):
    """Two records side by side (stacked when narrow) and a question: y or Enter, n or Esc."""

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical { width: 96%; height: 90%; border: thick $warning; padding: 0 1;
                               background: $surface; }
    ConfirmScreen #pair { height: 1fr; }
    ConfirmScreen #pair > VerticalScroll { width: 1fr; padding: 0 1; }
    ConfirmScreen.narrow #pair { layout: vertical; }
    ConfirmScreen.narrow #pair > VerticalScroll { height: 1fr; width: 100%; }
    """

    def __init__(self, question: str, left: Text, right: Text) -> None:
        super().__init__()
        self.question = question
        self.left = left
        self.right = right

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.question, style="bold"))
            with Horizontal(id="pair"):
                with VerticalScroll(can_focus=False):
                    yield Static(self.left)
                with VerticalScroll(can_focus=False):
                    yield Static(self.right)
            yield Static(Text("y or Enter: yes · n or Esc: no", style="dim"))

    def on_mount(self) -> None:
        self.set_class(self.app.size.width < 120, "narrow")

    def on_key(self, event: events.Key) -> None:
        event.stop()
        if event.key in ("y", "enter"):
            self.dismiss(True)
        elif event.key in ("n", "escape"):
            self.dismiss(False)
