"""The screening app's tools beyond one-key decisions: the exclusion reasons, labels, highlight
terms, the record list, duplicates, the criteria panel, and the message line.

Messages never cover the progress line: they replace the key line for a few seconds.
Keys for the main screen do nothing while a dialog is open (each dialog has its own keys).
Keys typed in the same instant as the key that closes a dialog are held until it is gone, then
routed in the order typed: they act on the screen that follows (:meth:`ScreenTools.on_event`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual import events
from textual.app import App
from textual.containers import VerticalScroll
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Static

from screener.errors import ScreenerError
from screener.screening.highlights import add_highlight
from screener.screening.labels import all_labels, has_label, set_label
from screener.screening.protocol import load_protocol
from screener.screening.session import Session
from screener.tui.browse import BrowseScreen
from screener.tui.dialogs import ConfirmScreen, ReleaseKeys, closing_key
from screener.tui.render import record_text
from screener.tui.screens import PromptScreen, ReasonBar, SearchScreen

MESSAGE_SECONDS = 6.0
HOLD_SECONDS = 1.0  # keys held after a dialog's closing key are routed at the latest then
SEVERITY_STYLES = {"information": "bold", "warning": "bold yellow", "error": "bold red"}


class ScreenTools(App[str]):
    """Base of :class:`screener.tui.app.ScreenApp` (which provides the attributes below)."""

    KEY_LINE: ClassVar[str] = ""
    MAIN_ACTIONS: ClassVar[frozenset[str]] = frozenset()  # the main screen's key actions
    session: Session
    at_end: bool
    shown: int | None
    # while e waits for a reason: (the record on screen, the reasons, a reason required?)
    choosing: tuple[int, list[str], bool] | None = None
    keys_pressed = 0  # keys the reviewer typed in this session
    _held: list[events.Key] | None = None  # keys typed after a dialog's closing key
    _hold_timer: Timer | None = None

    def refresh_view(self) -> None:
        raise NotImplementedError

    def _decide(self, decision: str, reason: str | None = None, shown: int | None = None) -> None:
        raise NotImplementedError

    # --------------------------------------------------------------------------- keys
    async def on_event(self, event: events.Event) -> None:
        """Route a key as Textual does, except the keys typed after a key that may close a
        dialog: those are held until the dialog is gone (or stays), so none is typed into a
        dialog that is closing or lost (see :mod:`screener.tui.dialogs`)."""
        if not isinstance(event, events.Key) or event.is_forwarded:
            await super().on_event(event)
            return
        if self._held is not None:
            self._held.append(event)
            return
        self.keys_pressed += 1
        dialog: Screen[Any] | Input | None = self.screen
        if dialog is self.screen_stack[0]:  # on the main screen only a find box closes
            dialog = self.focused if isinstance(self.focused, Input) else None
        await super().on_event(event)
        if dialog is not None and closing_key(dialog, event.key):
            self._held = []
            self._hold_timer = self.set_timer(HOLD_SECONDS, self.release_keys)

    def release_keys(self) -> None:
        """Route the held keys, in the order typed, to whatever screen is shown now."""
        held, self._held = self._held, None
        if self._hold_timer is not None:
            self._hold_timer.stop()
            self._hold_timer = None
        if held:
            self.call_next(self._route_held, held)

    async def _route_held(self, held: list[events.Key]) -> None:
        for i, event in enumerate(held):
            if self._held is not None:  # a held key closed a dialog again: hold the rest
                self._held.extend(held[i:])
                return
            self.keys_pressed -= 1  # counted when typed
            await self.on_event(event)

    def on_release_keys(self, _message: ReleaseKeys) -> None:
        self.release_keys()

    def open_dialog(
        self, screen: Screen[Any], callback: Callable[[Any], None] | None = None
    ) -> None:
        """Show a dialog; its answer goes to ``callback``, then the held keys are routed."""

        def done(result: Any) -> None:
            if callback is not None:
                callback(result)
            self.release_keys()

        self.push_screen(screen, done)

    # --------------------------------------------------------------------------- reasons
    def ask_reason(self, shown: int, reasons: list[str], required: bool) -> None:
        """Show the numbered reasons; the next digit, Enter or Esc answers (action_reason)."""
        self.choosing = (shown, reasons, required)
        self.query_one("#reasons", ReasonBar).ask(reasons, required, shown)

    def action_reason(self, key: str) -> None:
        if self.choosing is None:
            return
        shown, reasons, required = self.choosing
        if key.isdigit() and not 1 <= int(key) <= min(9, len(reasons)):
            return  # no such reason: keep asking
        if key == "enter" and required:
            return
        self.choosing = None
        self.query_one("#reasons", ReasonBar).close()
        if key == "escape":
            self.notify("Cancelled: nothing recorded.")
        else:
            self._decide("exclude", reasons[int(key) - 1] if key.isdigit() else None, shown)

    # --------------------------------------------------------------------------- messages
    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Show a message on the key line (never over the progress line) for a few seconds."""
        self.messages: list[str] = [*getattr(self, "messages", []), message]
        line = Text(" " + message, style=SEVERITY_STYLES.get(severity, "bold"))
        line.no_wrap, line.overflow = True, "ellipsis"
        self.query_one("#keys", Static).update(line)
        timer: Timer | None = getattr(self, "_message_timer", None)
        if timer is not None:
            timer.stop()
        self._message_timer = self.set_timer(timeout or MESSAGE_SECONDS, self._restore_keys)

    def _restore_keys(self) -> None:
        self.query_one("#keys", Static).update(
            Text(self.KEY_LINE, no_wrap=True, overflow="ellipsis")
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Main-screen keys act only when no dialog is open."""
        if action == "reason":
            return self.choosing is not None
        busy = self.choosing is not None or self.screen is not self.screen_stack[0]
        return not (busy and action in self.MAIN_ACTIONS)

    def _on_record(self) -> int | None:
        """The record on screen, or None (with a message) at the end of the queue."""
        if self.shown is None:
            self.notify("End of the queue: go back (k) or search (/) to a record first.")
        return self.shown

    # --------------------------------------------------------------------------- labels
    def action_label(self) -> None:
        shown = self._on_record()
        if shown is None:
            return
        db, reviewer = self.session.db, self.session.reviewer
        viewer = self.session.label_viewer  # blinded: this reviewer's labels only
        known = all_labels(db, viewer)
        hint = "Labels in use: " + ", ".join(known[:12]) if known else "A short word or two."

        def saved(text: str | None) -> None:
            if not text:
                return
            on = not has_label(db, shown, text, viewer)
            label = set_label(db, shown, text, reviewer, on)
            self.refresh_view()
            self.notify(f"Label '{label}' {'added to' if on else 'removed from'} #{shown}.")

        self.open_dialog(PromptScreen(f"Label for #{shown} ({hint})"), saved)

    # --------------------------------------------------------------------------- highlights
    def action_highlight(self) -> None:
        s = self.session

        def saved(text: str | None) -> None:
            if not text:
                return
            kind = "exclude" if text.startswith("-") else "include"
            term = text.removeprefix("-").removeprefix("+").strip()
            try:
                added = term and add_highlight(s.review.protocol_path, kind, term)
                s.protocol = load_protocol(s.review.protocol_path)
            except (ScreenerError, ValueError) as exc:
                self.notify(str(exc), severity="error")
                return
            self.refresh_view()
            where = f"[keywords] {kind}"
            self.notify(f"'{term}' added to {where}." if added else f"'{term}' is already there.")

        title = "Highlight term (saved to review.toml): word for include, -word for exclude"
        self.open_dialog(PromptScreen(title), saved)

    # --------------------------------------------------------------------------- list
    def action_browse(self) -> None:
        s = self.session

        def chosen(record_id: int | None) -> None:
            if record_id is not None:
                s.jump(record_id)
                self.at_end = False
                self.refresh_view()

        self.open_dialog(BrowseScreen(s), chosen)

    # --------------------------------------------------------------------------- duplicates
    def action_duplicate(self) -> None:
        s = self.session
        current = self.shown
        if current is None:
            self.notify("End of the queue: go back (k) to the record that is a duplicate.")
            return

        def confirmed(other: int, ok: bool | None) -> None:
            if not ok:
                self.notify("Not linked.")
                return
            kept = s.mark_duplicate(other, record_id=current)
            duplicate = other if kept == current else current
            self.at_end = s.finished
            self.refresh_view()
            self.notify(f"Record #{duplicate} marked as a duplicate of #{kept} (kept). u undoes.")

        def chosen(other: int | None) -> None:
            if other is None or other == current:
                return
            question = f"Are #{current} (left) and #{other} (right) one work? y links them."
            left, right = record_text(s, current), record_text(s, other)
            self.open_dialog(ConfirmScreen(question, left, right), lambda ok: confirmed(other, ok))

        title = "Duplicate of which record? Search words, id, PMID or DOI (Enter)"
        hint = f"Enter on a result: compare it with #{current} · Esc: cancel"
        self.open_dialog(SearchScreen(s.search, title, hint), chosen)

    # --------------------------------------------------------------------------- criteria
    def action_criteria_scroll(self, step: int) -> None:
        panel = self.query_one("#criteria", VerticalScroll)
        if not panel.display:
            panel.add_class("shown")
        (panel.scroll_page_down if step > 0 else panel.scroll_page_up)(animate=False)
