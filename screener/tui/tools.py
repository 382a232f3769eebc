"""The screening app's tools beyond one-key decisions: the exclusion reasons, labels, highlight
terms, the record list, duplicates, the criteria panel, and the message line.

Messages never cover the progress line: they replace the key line for a few seconds.
Keys for the main screen do nothing while a dialog is open (each dialog has its own keys).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import App
from textual.containers import VerticalScroll
from textual.notifications import SeverityLevel
from textual.timer import Timer
from textual.widgets import Static

from screener.errors import ScreenerError
from screener.screening.highlights import add_highlight
from screener.screening.labels import all_labels, has_label, set_label
from screener.screening.protocol import load_protocol
from screener.screening.session import Session
from screener.tui.browse import BrowseScreen
from screener.tui.dialogs import ConfirmScreen
from screener.tui.render import record_text
from screener.tui.screens import PromptScreen, ReasonBar, SearchScreen

MESSAGE_SECONDS = 6.0
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

    def refresh_view(self) -> None:
        raise NotImplementedError

    def _decide(self, decision: str, reason: str | None = None, shown: int | None = None) -> None:
        raise NotImplementedError

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
        known = all_labels(db)
        hint = "Labels in use: " + ", ".join(known[:12]) if known else "A short word or two."

        def saved(text: str | None) -> None:
            if not text:
                return
            on = not has_label(db, shown, text)
            label = set_label(db, shown, text, reviewer, on)
            self.refresh_view()
            self.notify(f"Label '{label}' {'added to' if on else 'removed from'} #{shown}.")

        self.push_screen(PromptScreen(f"Label for #{shown} ({hint})"), saved)

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
        self.push_screen(PromptScreen(title), saved)

    # --------------------------------------------------------------------------- list
    def action_browse(self) -> None:
        s = self.session

        def chosen(record_id: int | None) -> None:
            if record_id is not None:
                s.jump(record_id)
                self.at_end = False
                self.refresh_view()

        self.push_screen(BrowseScreen(s), chosen)

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
            self.push_screen(ConfirmScreen(question, left, right), lambda ok: confirmed(other, ok))

        title = "Duplicate of which record? Search words, id, PMID or DOI (Enter)"
        hint = f"Enter on a result: compare it with #{current} · Esc: cancel"
        self.push_screen(SearchScreen(s.search, title, hint), chosen)

    # --------------------------------------------------------------------------- criteria
    def action_criteria_scroll(self, step: int) -> None:
        panel = self.query_one("#criteria", VerticalScroll)
        if not panel.display:
            panel.add_class("shown")
        (panel.scroll_page_down if step > 0 else panel.scroll_page_up)(animate=False)
