"""``screener screen``: one record at a time, one key per decision, nothing lost on a crash.

The app only draws and routes keys; the queue, decisions, undo and progress live in
:class:`screener.screening.session.Session`. Its parts: the keys (:mod:`screener.tui.keys`),
the dialogs and tools (:mod:`screener.tui.tools`), the relevance ranking in a process of its own
(:mod:`screener.tui.ranking`: a key press never waits for a fit), what is drawn
(:mod:`screener.tui.render`).
"""

from __future__ import annotations

import gc
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Static

from screener.db import DB_NAME
from screener.errors import ScreenerError
from screener.ranking.keyword_order import explain_terms
from screener.ranking.worker import RankingWorker
from screener.screening.session import Session
from screener.tui.checkpoints import TICK_SECONDS, Checkpoints
from screener.tui.fulltext import FullTextView
from screener.tui.keys import KEY_LINE, KEY_NAMES, KEYS
from screener.tui.ranking import ScreenRanking
from screener.tui.render import STAGE_NAMES, criteria_text, progress_text, record_text
from screener.tui.screens import MessageScreen, PromptScreen, ReasonBar, SearchScreen


class ScreenApp(ScreenRanking):
    """Screen the records of one stage as one reviewer (or resolve conflicts)."""

    TITLE = "screener"
    CSS = """
    #top { dock: top; height: 1; background: $primary; color: $text; }
    #bottom { dock: bottom; height: auto; }
    #reasons { display: none; height: auto; background: $error 15%; padding: 0 1; }
    #status { height: 1; background: $boost; }
    #keys { height: 1; color: $text-muted; }
    #criteria { width: 40%; border-left: solid $accent; padding: 0 1; display: none; }
    #criteria.shown { display: block; }
    #body { width: 1fr; padding: 0 1; }
    """
    # Priority bindings run as the key is read, before the next key is routed: a key typed
    # right after e, / or n reaches the dialog it opened. While a dialog is open they are
    # switched off (ScreenTools.check_action) and the dialog gets the keys.
    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(key, action, text, show=False, priority=True) for key, action, text in KEYS),
        *(
            Binding(key, f"reason('{key}')", show=False, priority=True)
            for key in ("1", "2", "3", "4", "5", "6", "7", "8", "9", "enter", "escape")
        ),
    ]

    KEY_LINE = KEY_LINE
    MAIN_ACTIONS = frozenset(action.split("(")[0] for _key, action, _text in KEYS)

    def __init__(self, session: Session, ranking_model: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.at_end = session.finished
        self.shown: int | None = None  # the record on screen: every key acts on this one
        self.messages: list[str] = []
        self.ranking_model = ranking_model  # None: the default model
        path = session.review.path / DB_NAME
        self.checkpoints = Checkpoints(lambda: self.keys_pressed, path, session.db)

    # ------------------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        s = self.session
        mode = "resolving conflicts" if s.conflicts else f"{s.order_name} order"
        top = Text(f" {s.reviewer} · {STAGE_NAMES[s.stage]} · {mode}", style="bold")
        top.append(f" · {s.protocol.title or s.review.path.name}")
        top.no_wrap, top.overflow = True, "ellipsis"
        yield Static(top, id="top")
        with Vertical(id="bottom"):
            yield ReasonBar(id="reasons")
            yield Static(id="status")
            yield Static(Text(KEY_LINE, no_wrap=True, overflow="ellipsis"), id="keys")
        with Horizontal(id="main"):
            with VerticalScroll(id="body", can_focus=False):
                yield Static(id="record")
            yield FullTextView(self.session, lambda: self.at_end, id="fulltext")
            with VerticalScroll(id="criteria", can_focus=False):
                yield Static(criteria_text(s.protocol, s.stage))

    def on_mount(self) -> None:
        self.refresh_view()
        if self.session.stage == "full_text":
            self.action_full_text()
        self.call_after_refresh(self._started)

    def _started(self) -> None:
        """Once the first record is on screen: the ranking process, quiet checkpoints, and the
        start-up's objects out of the garbage collector's way."""
        if self.session.order_name == "relevance":
            self.start_ranking()
        self.checkpoints.start()
        self.set_interval(TICK_SECONDS, self.checkpoints.tick)
        # Everything built so far (the session's 100k ids, Textual's widgets) lives until the
        # app quits: frozen, a full collection no longer walks it (it cost 40-100 ms of a key
        # press at 100k records).
        gc.freeze()

    def model_state(self) -> str | None:
        if self.session.order_name != "relevance":
            return None
        if self.ranking_failed is not None:
            return "keyword order (model failed)"
        if self.ranker is None:
            return "model loading"
        since = len(self.session.decisions) - self.session.trained_on
        # "model +3": three decisions since the last fit; keywords rank until one include and
        # one exclude are known
        name = f"model +{since}" if self.model_trained else f"keywords +{since}"
        return name + (" fitting" if self.training else "")

    def refresh_view(self) -> None:
        s = self.session
        record = self.query_one("#record", Static)
        self.shown = None if self.at_end else s.current
        if s.current is None:
            record.update(Text("No records at this stage yet. Press q to quit.", style="bold"))
        elif self.at_end:
            p = s.progress()
            text = Text("End of the queue\n\n", style="bold")
            what = "resolved" if s.conflicts else "decided"
            text.append(
                f"All {p.total} records are {what}: {p.included} included, {p.excluded}"
                f" excluded, {p.maybe} maybe.\n\n"
                "Press k or ↑ to go back, / to search or b to list records, q to quit."
            )
            record.update(text)
        else:
            record.update(record_text(s, s.current))
        self.query_one("#status", Static).update(progress_text(s, self.model_state()))
        self.query_one("#body", VerticalScroll).scroll_home(animate=False)
        self.query_one(FullTextView).show_current()

    def reading(self) -> FullTextView | None:
        """The full-text view when it is shown (it takes /, n and the scroll keys)."""
        view = self.query_one(FullTextView)
        return view if view.reading else None

    def action_full_text(self) -> None:
        if self.session.stage != "full_text":
            self.notify("The full text is shown at the full-text stage (--stage full-text).")
        else:
            self.query_one(FullTextView).show(True)

    # ------------------------------------------------------------------------------ deciding
    def _can_decide(self) -> bool:
        if self.shown is None:
            self.notify("End of the queue: go back (k) or search (/) to change a decision.")
            return False
        return True

    def _decide(self, decision: str, reason: str | None = None, shown: int | None = None) -> None:
        try:
            self.session.decide(decision, reason, record_id=shown or self.shown)
        except ScreenerError as exc:
            self.notify(str(exc), severity="warning")
            return
        self.at_end = self.session.finished
        self.refresh_view()
        self.labels_changed()

    def action_include(self) -> None:
        if self._can_decide():
            self._decide("include")

    def action_maybe(self) -> None:
        if self._can_decide():
            self._decide("maybe")

    def action_exclude(self) -> None:
        if not self._can_decide() or self.shown is None:
            return
        reasons = self.session.protocol.reasons.get(self.session.stage, [])
        if not reasons:
            self._decide("exclude")
            return
        self.ask_reason(self.shown, reasons, required=self.session.stage == "full_text")

    def action_undo(self) -> None:
        s = self.session
        kind = s.last_action()
        rid = s.undo()
        if rid is None:
            self.notify("Nothing to undo.")
            return
        self.at_end = False
        self.refresh_view()
        self.labels_changed()
        if kind == "duplicate":
            self.notify(f"Undone: #{rid} is no longer a duplicate (back in the queue).")
        elif kind == "retrieval":
            missing = rid in s.not_retrieved
            self.notify(f"Undone: #{rid} is {'not ' if missing else ''}retrieved again.")
        elif rid in s.decisions:
            self.notify(f"Undone: the earlier decision on #{rid} stands.")
        else:
            what = "has no consensus" if s.conflicts else "is undecided"
            self.notify(f"Undone: #{rid} {what} again.")

    async def action_note(self) -> None:
        if (view := self.reading()) is not None and view.hits:
            await view.action_find_next(1)  # n: the next match while searching the text
            return
        s = self.session
        shown = self._on_record()
        if shown is None:
            return
        start = s.notes.get(shown, "")

        def saved(text: str | None) -> None:
            if text is not None and (text or start):  # Enter on an emptied note clears it
                s.note(text, record_id=shown)
                self.refresh_view()
                self.notify(f"Note on #{shown} saved." if text else f"Note on #{shown} cleared.")

        self.open_dialog(PromptScreen(f"Note on #{shown} (saved at once)", start), saved)

    def action_not_retrieved(self) -> None:
        s = self.session
        if s.stage != "full_text":
            self.notify("Retrieval is marked at the full-text stage (--stage full-text).")
            return
        if not self._can_decide():
            return
        shown = self.shown
        if shown in s.not_retrieved:
            s.mark_retrieved(record_id=shown)
            self.refresh_view()
            self.notify("Marked as retrieved again.")
            return
        if shown in s.decisions:
            self.notify("You decided this record: undo (u) before marking it not retrieved.")
            return

        def saved(reason: str | None) -> None:
            if reason:
                try:
                    s.mark_not_retrieved(reason, record_id=shown)
                except ScreenerError as exc:
                    self.notify(str(exc), severity="warning")
                    return
                self.at_end = s.finished
                self.refresh_view()

        self.open_dialog(PromptScreen("Full text not retrieved: why?"), saved)

    # ------------------------------------------------------------------------------ moving
    def action_next(self) -> None:
        if self.at_end:
            return
        if self.session.pos >= len(self.session.order) - 1 and self.session.finished:
            self.at_end = True
        self.session.move(1)
        self.refresh_view()

    def action_previous(self) -> None:
        if self.at_end:
            self.at_end = False
        else:
            self.session.move(-1)
        self.refresh_view()

    def action_scroll(self, step: int) -> None:
        if (view := self.reading()) is not None:
            (view.action_page_down if step > 0 else view.action_page_up)()
            return
        body = self.query_one("#body", VerticalScroll)
        (body.scroll_page_down if step > 0 else body.scroll_page_up)(animate=False)

    def action_search(self) -> None:
        if (view := self.reading()) is not None:
            view.action_find()  # / searches the text while it is shown
            return

        def chosen(record_id: int | None) -> None:
            if record_id is not None:
                self.session.jump(record_id)
                self.at_end = False
                self.refresh_view()

        self.open_dialog(SearchScreen(self.session.search), chosen)

    def action_criteria(self) -> None:
        self.query_one("#criteria").toggle_class("shown")

    def action_help(self) -> None:
        text = Text("Keys\n\n", style="bold")
        for key, _action, about in KEYS:
            if not about:
                continue
            shown = " ".join(KEY_NAMES.get(k, k) for k in key.split(","))
            text.append(f"  {shown:<12}", style="bold")
            text.append(f"{about}\n")
        text.append(
            "\nEach decision is saved as its key is pressed. Include terms: green, underlined;"
            " exclude terms: red, reversed. 'model +N': N decisions since the ranking was"
            " last fitted; a new ranking changes what comes next, never the record shown."
            " ↑ ↓ j k space scroll this help; any other key closes it.",
            style="dim",
        )
        self.open_dialog(MessageScreen(text))

    def action_explain(self) -> None:
        s = self.session
        if s.order_name != "relevance" or self.ranker is None or s.current is None:
            self.notify("x explains the relevance order (--order relevance) once it is ready.")
            return
        index = s.stage_index[s.current]
        if isinstance(self.ranker, RankingWorker):  # the answer comes back as a message
            self.explain_request = self.ranker.explain(index)
        else:
            self._show_explanation(self.ranker.explain(index))

    def _show_explanation(self, explanation: Any) -> None:
        lines = explain_terms(explanation)
        text = Text("Terms that raised this record's rank\n\n", style="bold")
        text.append("\n".join(lines) if lines else "No term stands out for this record.")
        self.open_dialog(MessageScreen(text))

    async def action_quit(self) -> None:
        self.stop_ranking()
        self.exit(self.session.summary())

    def on_unmount(self) -> None:
        self.stop_ranking()
