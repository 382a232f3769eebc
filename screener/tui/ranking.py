"""The screening app's side of the relevance ranking: the ranking process and its fallback.

The model runs in a process of its own (:class:`screener.ranking.worker.RankingWorker`): the app
sends the labels after a decision (never while a fit runs: they go when its order arrives) and
applies each order it gets back to the records after the one shown, so a key press never waits
for a fit. If that process fails, the app ranks by the protocol's keywords (texts read in a
thread) and says so on the key line and the status line.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from threading import Thread
from typing import Any

from textual.widgets import Static

from screener.db import DB_NAME, connect
from screener.ranking.keyword_order import KeywordRanker, RankerLike
from screener.ranking.worker import Message, Ranked, RankingWorker
from screener.tui.render import progress_text
from screener.tui.tools import ScreenTools


class ScreenRanking(ScreenTools):
    """Base of :class:`screener.tui.app.ScreenApp`: the ranking process's messages."""

    ranking_model: str | None  # None: the default model
    # the source of the current order: the worker once its first order arrived, or the
    # keyword ranker this process falls back to when the worker fails
    ranker: RankerLike | RankingWorker | None = None
    worker: RankingWorker | None = None
    ranking_failed: str | None = None
    model_trained = False
    training = False  # labels sent, their order not back yet
    labels_dirty = False  # decisions made since the labels were sent
    fit_pending = False  # (kept for callers that wait for the ranking to settle)
    explain_request = 0

    def _show_explanation(self, explanation: Any) -> None:
        raise NotImplementedError

    def model_state(self) -> str | None:
        raise NotImplementedError

    def start_ranking(self) -> None:
        """Start the ranking process (once) and send it the labels made so far."""
        if self.worker is not None or self.ranking_failed is not None:
            return
        s = self.session
        self.worker = RankingWorker(
            s.review.path / DB_NAME,
            s.review.path,
            s.stage_ids,
            s.protocol.include_keywords,
            s.protocol.exclude_keywords,
            on_message=self._worker_message,
            model=self.ranking_model,
        )
        self.worker.start()
        self.send_labels()

    def stop_ranking(self) -> None:
        worker, self.worker = self.worker, None
        if worker is not None:
            worker.stop()

    def labels_changed(self) -> None:
        """After a decision or an undo: send the labels once this key's frame is drawn."""
        if self.worker is not None:
            self.labels_dirty = True
            self.call_after_refresh(self.send_labels)

    def send_labels(self) -> None:
        """Send the labels unless a fit is running (then they go when its order arrives: the
        worker fits the newest labels only, so fits never queue up)."""
        if self.worker is None or self.training:
            return
        self.labels_dirty = False
        self.training = True
        self.worker.send_labels(self.session.labels())

    def _post(self, callback: Callable[..., None], *args: Any) -> None:
        """Run ``callback`` on the app's thread; dropped when the app has already exited."""
        if self.is_running:
            with suppress(RuntimeError):
                self.call_from_thread(callback, *args)

    def _worker_message(self, message: Message) -> None:
        self._post(self._on_worker_message, message)  # called in the worker's reader thread

    def _on_worker_message(self, message: Message) -> None:
        worker = self.worker
        if worker is None:
            return
        kind = message[0]
        if kind == "order":
            ranked: Ranked = message[1]
            lead = self.may_lead()
            self.ranker = worker
            self.model_trained = ranked.trained
            self.training = ranked.serial != worker.serial
            self._apply(ranked.top, ranked.labels_used, lead)
            if self.labels_dirty:
                self.send_labels()
        elif kind == "explained" and message[1] == self.explain_request:
            self._show_explanation(message[2])
        elif kind == "error":
            self._ranking_failed(str(message[1]))
        elif kind == "exit":
            self._ranking_failed(f"the ranking process ended, exit code {message[1]}")

    def may_lead(self) -> bool:
        """May the order arriving now put its best record on screen? Only the first order of
        the session, before the reviewer pressed any key (so never once they started acting
        on what they read), when the session did not resume at a record they had on screen
        last time, and the record shown is undecided."""
        s = self.session
        return (
            self.ranker is None
            and self.keys_pressed == 0
            and not s.resumed
            and not self.at_end
            and s.current is not None
            and not s.is_done(s.current)
        )

    def _apply(self, ranked: list[int], trained_on: int, lead: bool = False) -> None:
        """Apply an order to the records after the one on screen (never that one, unless
        ``lead``: see :meth:`may_lead`)."""
        shown = self.session.current
        self.session.apply_ranking(ranked, trained_on, lead)
        if not self.at_end and self.session.current != shown:
            self.refresh_view()
            if lead:  # said, so the change of record is never a surprise
                self.notify(f"Ranked: the most likely include first (#{shown} is queued).")
        else:  # keep the reader's place (and scroll position) in the record shown
            self.query_one("#status", Static).update(
                progress_text(self.session, self.model_state())
            )

    def _ranking_failed(self, reason: str) -> None:
        """Stop the worker and rank by the protocol's keywords in this process (a thread
        reads the texts); keys keep working meanwhile."""
        self.stop_ranking()
        self.training = False
        self.ranking_failed = reason
        self.notify(
            f"Ranking failed; using keyword order ({reason}).", severity="warning", timeout=10
        )
        Thread(target=self._keyword_order, args=(self.session.labels(),), daemon=True).start()
        self.query_one("#status", Static).update(progress_text(self.session, self.model_state()))

    def _keyword_order(self, labels: dict[int, bool]) -> None:
        s = self.session
        db = connect(s.review.path / DB_NAME)  # this thread's own connection
        try:
            from screener.ranking.ranker import load_texts

            texts = load_texts(db, s.stage_ids)
        finally:
            db.close()
        ranker = KeywordRanker(texts, s.protocol.include_keywords, s.protocol.exclude_keywords)
        ranker.fit(labels)
        self._post(self._keyword_ranked, ranker, ranker.order(), len(labels))

    def _keyword_ranked(self, ranker: KeywordRanker, ranked: list[int], trained_on: int) -> None:
        lead = self.may_lead()
        self.ranker = ranker
        self.model_trained = False
        self._apply(ranked, trained_on, lead)
