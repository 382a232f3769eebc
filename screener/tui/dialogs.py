"""Keyboard dialogs of the screening app: a pick list (arrows, j/k, Enter), a confirmation.

Every dialog closes with Esc without doing anything.

Keys typed in the same instant as the key that closes a dialog (Enter, Esc, y...) belong to what
comes after it: the app holds them from that key until the dialog is gone (or says it stays
open: :class:`ReleaseKeys`) and then routes them in the order typed (see
``ScreenTools.on_event``). A dialog declares its closing keys in ``CLOSING_KEYS``; an input on
the main screen (the full text's find box) is closed by Enter and Esc.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, OptionList, Static

ALL_KEYS = None  # CLOSING_KEYS of a dialog that any key closes


class ReleaseKeys(Message):
    """Posted once a closing key has been handled by a dialog that stays open (Enter ran a
    search) or by the full text's find box: the keys held since are routed."""


def closing_key(dialog: Screen[Any] | Input, key: str) -> bool:
    """May ``key`` close ``dialog``? Enter and Esc unless it declares its own."""
    keys: frozenset[str] | None = getattr(dialog, "CLOSING_KEYS", frozenset({"enter", "escape"}))
    return keys is ALL_KEYS or key in keys


def early_typing(screen: ModalScreen[Any], event: events.Key, box: Input) -> bool:
    """Keys typed right after the key that opened a dialog can reach it before its input has
    the focus: type them into the input (Enter submits it) instead of losing them. True when
    handled. (A printable key or Enter reaching the dialog itself while its input has the
    focus was routed before the focus moved there: the input would have taken it.)"""
    if screen.focused is not None and screen.focused is not box:
        return False
    if event.is_printable and event.character:
        event.stop()
        box.focus()
        box.insert_text_at_cursor(event.character)
        return True
    if event.key == "enter":
        event.stop()
        box.focus()
        box.post_message(Input.Submitted(box, box.value))
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

    CLOSING_KEYS: ClassVar[frozenset[str] | None] = frozenset({"y", "n", "enter", "escape"})

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
