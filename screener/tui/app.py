"""``screener screen``: one record at a time, one key per decision, nothing lost on a crash.

The app only draws and routes keys; the queue, decisions, undo and progress live in
:class:`screener.screening.session.Session`. Relevance retraining runs in a thread worker with
its own database connection, so a key press never waits for the model.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from threading import Thread
from time import monotonic
from typing import Any, ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Static

from screener.db import DB_NAME, connect
from screener.ranking.keyword_order import KeywordRanker, RankerLike, explain_terms, make_ranker
from screener.screening.session import Session
from screener.tui.render import STAGE_NAMES, criteria_text, progress_text, record_text
from screener.tui.screens import (
    MessageScreen,
    PromptScreen,
    ReasonChoice,
    ReasonScreen,
    SearchScreen,
)

# key, action, help text (declared once: the bindings, the help screen and the key line)
KEYS: tuple[tuple[str, str, str], ...] = (
    ("i", "include", "include"),
    ("e", "exclude", "exclude (then the reason's number)"),
    ("m", "maybe", "maybe"),
    ("u", "undo", "undo the last decision"),
    ("n", "note", "add a note to this record"),
    ("slash", "search", "search and jump to any record"),
    ("d", "duplicate", "mark as a duplicate of a record found by search"),
    ("down,j", "next", "next record"),
    ("up,k", "previous", "previous record"),
    ("pagedown,space", "scroll(1)", "scroll the abstract down (pageup: up)"),
    ("pageup", "scroll(-1)", ""),
    ("c", "criteria", "show or hide the criteria"),
    ("r", "not_retrieved", "full text not retrieved (with a reason)"),
    ("x", "explain", "why this record ranks high (relevance order)"),
    ("question_mark", "help", "this help"),
    ("q", "quit", "quit (a summary is printed)"),
)
KEY_LINE = " i incl  e excl  m maybe  u undo  n note  / search  c criteria  ? help  q quit"


class ScreenApp(App[str]):
    """Screen the records of one stage as one reviewer."""

    TITLE = "screener"
    CSS = """
    #top { dock: top; height: 1; background: $primary; color: $text; }
    #bottom { dock: bottom; height: 2; }
    #status { height: 1; background: $boost; }
    #keys { height: 1; color: $text-muted; }
    #criteria { width: 38%; border-left: solid $accent; padding: 0 1; display: none; }
    #criteria.shown { display: block; }
    #body { width: 1fr; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(key, action, text, show=False, priority=key in ("down,j", "up,k"))
        for key, action, text in KEYS
    ]

    def __init__(self, session: Session, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.at_end = session.finished
        self.ranker: RankerLike | None = None
        self.texts: list[str] | None = None  # set by the ranking thread
        self.training = False
        self.train_again = False
        self.next_fit_at = 0.0  # monotonic time before which no new fit starts
        self.fit_pending = False

    # ------------------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        s = self.session
        title = s.protocol.title or s.review.path.name
        top = f" {title} · {STAGE_NAMES[s.stage]} · {s.reviewer} · {s.order_name} order"
        yield Static(Text(top, no_wrap=True, overflow="ellipsis"), id="top")
        with Vertical(id="bottom"):
            yield Static(id="status")
            yield Static(Text(KEY_LINE, no_wrap=True, overflow="ellipsis"), id="keys")
        with Horizontal(id="main"):
            with VerticalScroll(id="body", can_focus=False):
                yield Static(id="record")
            with VerticalScroll(id="criteria", can_focus=False):
                yield Static(criteria_text(s.protocol, s.stage))

    def on_mount(self) -> None:
        self.refresh_view()
        if self.session.order_name == "relevance":
            self.retrain()

    def model_state(self) -> str | None:
        if self.session.order_name != "relevance":
            return None
        if self.ranker is None:
            return "model loading"
        since = len(self.session.decisions) - self.session.trained_on
        state = getattr(self.ranker, "state", None)
        trained = bool(getattr(state(), "trained", True)) if callable(state) else True
        # "model +3": three decisions since the last fit; keywords rank until one include and
        # one exclude are known
        name = f"model +{since}" if trained else f"keywords +{since}"
        return name + (" fitting" if self.training else "")

    def refresh_view(self) -> None:
        s = self.session
        record = self.query_one("#record", Static)
        if s.current is None:
            record.update(Text("No records at this stage yet. Press q to quit.", style="bold"))
        elif self.at_end:
            p = s.progress()
            text = Text("End of the queue\n\n", style="bold")
            text.append(
                f"All {p.total} records are decided: {p.included} included, {p.excluded}"
                f" excluded, {p.maybe} maybe.\n\n"
                "Press k or ↑ to go back, / to search and change a decision, q to quit."
            )
            record.update(text)
        else:
            record.update(record_text(s, s.current))
        self.query_one("#status", Static).update(progress_text(s, self.model_state()))
        self.query_one("#body", VerticalScroll).scroll_home(animate=False)

    # ------------------------------------------------------------------------------ deciding
    def _can_decide(self) -> bool:
        if self.session.current is None or self.at_end:
            self.notify("End of the queue: go back (k) or search (/) to change a decision.")
            return False
        return True

    def _decide(self, decision: str, reason: str | None = None) -> None:
        self.session.decide(decision, reason)
        self.at_end = self.session.finished
        self.refresh_view()
        if self.session.order_name == "relevance":
            self.retrain()

    def action_include(self) -> None:
        if self._can_decide():
            self._decide("include")

    def action_maybe(self) -> None:
        if self._can_decide():
            self._decide("maybe")

    def action_exclude(self) -> None:
        if not self._can_decide():
            return
        reasons = self.session.protocol.reasons.get(self.session.stage, [])
        if not reasons:
            self._decide("exclude")
            return

        def chosen(choice: ReasonChoice | None) -> None:
            if choice is not None and choice.ok:
                self._decide("exclude", choice.reason)

        required = self.session.stage == "full_text"
        self.push_screen(ReasonScreen(reasons, required), chosen)

    def action_undo(self) -> None:
        if self.session.undo() is None:
            self.notify("Nothing to undo.")
            return
        self.at_end = False
        self.refresh_view()
        self.notify(
            "Undone: the record is undecided again."
            if self.session.current not in self.session.decisions
            else "Undone: the earlier decision stands."
        )

    def action_note(self) -> None:
        s = self.session
        if s.current is None or self.at_end:
            return
        old = s.decisions.get(s.current)
        start = (old.note if old else None) or s.pending_notes.get(s.current, "")

        def saved(text: str | None) -> None:
            if text:
                s.note(text)
                self.refresh_view()

        self.push_screen(PromptScreen("Note on this record", start or ""), saved)

    def action_not_retrieved(self) -> None:
        s = self.session
        if s.stage != "full_text":
            self.notify("Retrieval is marked at the full-text stage (--stage full-text).")
            return
        if not self._can_decide():
            return
        if s.current in s.not_retrieved:
            s.mark_retrieved()
            self.refresh_view()
            self.notify("Marked as retrieved again.")
            return

        def saved(reason: str | None) -> None:
            if reason:
                s.mark_not_retrieved(reason)
                self.at_end = s.finished
                self.refresh_view()

        self.push_screen(PromptScreen("Full text not retrieved: why?"), saved)

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
        body = self.query_one("#body", VerticalScroll)
        (body.scroll_page_down if step > 0 else body.scroll_page_up)(animate=False)

    def action_search(self) -> None:
        def chosen(record_id: int | None) -> None:
            if record_id is not None:
                self.session.jump(record_id)
                self.at_end = False
                self.refresh_view()

        self.push_screen(SearchScreen(self.session.search), chosen)

    def action_duplicate(self) -> None:
        s = self.session
        current = s.current
        if current is None or self.at_end:
            self.notify("End of the queue: go back (k) to the record that is a duplicate.")
            return

        def chosen(other: int | None) -> None:
            if other is None or other == current:
                return
            kept = s.mark_duplicate(other)
            duplicate = other if kept == current else current
            self.at_end = s.finished
            self.refresh_view()
            self.notify(f"Record #{duplicate} marked as a duplicate of #{kept} (kept).")

        title = "Duplicate of which record? Search words, id, PMID or DOI (Enter)"
        hint = f"Enter on a result: record #{current} is its duplicate · Esc: cancel"
        self.push_screen(SearchScreen(s.search, title, hint), chosen)

    def action_criteria(self) -> None:
        self.query_one("#criteria").toggle_class("shown")

    def action_help(self) -> None:
        text = Text("Keys\n\n", style="bold")
        for key, _action, about in KEYS:
            if not about:
                continue
            shown = key.replace("slash", "/").replace("question_mark", "?").replace(",", " ")
            text.append(f"  {shown:<16}", style="bold")
            text.append(f"{about}\n")
        text.append(
            "\nEach decision is saved as its key is pressed. Include terms: green, underlined;"
            " exclude terms: red, reversed. 'model +N': N decisions since the ranking was"
            " last fitted. 'screener dedupe --unlink ID' undoes a duplicate link."
            " Any key closes this help.",
            style="dim",
        )
        self.push_screen(MessageScreen(text))

    def action_explain(self) -> None:
        s = self.session
        if s.order_name != "relevance" or self.ranker is None or s.current is None:
            self.notify("x explains the relevance order (--order relevance) once it is ready.")
            return
        index = s.stage_index[s.current]
        lines = explain_terms(self.ranker.explain(index))
        text = Text("Terms that raised this record's rank\n\n", style="bold")
        text.append("\n".join(lines) if lines else "No term stands out for this record.")
        self.push_screen(MessageScreen(text))

    async def action_quit(self) -> None:
        self.exit(self.session.summary())

    # ------------------------------------------------------------------------------ ranking
    def retrain(self) -> None:
        """Refit the model in a thread (queued when a fit is running).

        Fits are spaced so the model thread takes at most about a third of the time
        (a pause of twice the last fit's duration): on big reviews the keys stay quick.
        """
        if self.training:
            self.train_again = True
            return
        wait = self.next_fit_at - monotonic()
        if wait > 0:
            if not self.fit_pending:
                self.fit_pending = True
                self.set_timer(wait, self._fit_due)
            return
        self.training = True
        self.train_again = False
        # A daemon thread (not Textual's executor): quitting never waits for a long first fit.
        thread = Thread(target=self._train, args=(self.session.labels(),), daemon=True)
        thread.start()

    def _fit_due(self) -> None:
        self.fit_pending = False
        self.retrain()

    def _post(self, callback: Callable[..., None], *args: Any) -> None:
        """Run ``callback`` on the app's thread; dropped when the app has already exited."""
        if self.is_running:
            with suppress(RuntimeError):
                self.call_from_thread(callback, *args)

    def _train(self, labels: dict[int, bool]) -> None:
        """Fit the ranker (in the ranking thread, with its own database connection)."""
        s = self.session
        ranker = self.ranker
        include, exclude = s.protocol.include_keywords, s.protocol.exclude_keywords
        if self.texts is None:
            db = connect(s.review.path / DB_NAME)  # this thread's own connection
            try:
                from screener.ranking.ranker import load_texts  # numpy: load in this thread

                self.texts = load_texts(db, s.stage_ids)
            finally:
                db.close()
        texts = self.texts
        if ranker is None:
            try:
                ranker = make_ranker(texts, include, exclude)
            except Exception as exc:  # a broken model must never stop the screening
                self._post(self._model_failed, exc)
                ranker = KeywordRanker(texts, include, exclude)
        started = monotonic()
        try:
            ranker.fit(labels)
        except Exception as exc:
            self._post(self._model_failed, exc)
            ranker = KeywordRanker(texts, include, exclude).fit(labels)
        ranked = ranker.order()
        self._post(self._ranked, ranker, ranked, len(labels), monotonic() - started)

    def _model_failed(self, exc: Exception) -> None:
        self.notify(f"Ranking failed ({exc}); using keyword order.", severity="warning")

    def _ranked(
        self, ranker: RankerLike, ranked: list[int], trained_on: int, seconds: float
    ) -> None:
        self.ranker = ranker
        self.next_fit_at = monotonic() + 2 * seconds
        shown = self.session.current
        self.session.apply_ranking(ranked, trained_on)
        self.training = False
        if not self.at_end and self.session.current != shown:
            self.refresh_view()  # only before the first decision: the top-ranked record
        else:  # keep the reader's place (and scroll position) in the record shown
            self.query_one("#status", Static).update(
                progress_text(self.session, self.model_state())
            )
        if self.train_again:
            self.retrain()
