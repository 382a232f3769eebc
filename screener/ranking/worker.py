"""The relevance model in a process of its own, so a key press never waits for a fit (no UI).

The screening app creates a :class:`RankingWorker`, sends it the reviewer's labels after each
decision and receives orders; the fits, the TF-IDF features and the record texts all live in the
worker process (started with ``spawn``: a fresh interpreter, never a fork of the app's threads),
so the app's process stays small and its interpreter lock free.

Messages (pickled tuples over a :func:`multiprocessing.Pipe`):

- app -> worker: ``("ids", stage_ids)`` first (the record ids, in the session's order), then
  ``("labels", serial, {index: included?})`` (indices into ``stage_ids``),
  ``("explain", request, index)``, ``("stop",)``;
- worker -> app (through ``on_message``, called from a reader thread):
  ``("order", Ranked)`` after the keyword order and after each fit,
  ``("features", seconds, reused, hashed)`` once the features are loaded,
  ``("explained", request, [(term, weight), ...])``,
  ``("error", text)`` when the model raised (the worker then stops), and
  ``("exit", exitcode)`` when the process is gone (after an error, a crash, or :meth:`stop`).

The worker coalesces: when several label messages are waiting it fits only the newest, so fits
follow the reviewer as fast as they can (every decision on small reviews, every few on 100k
records) and never queue up. It runs at a slightly lower CPU priority (``nice`` +2) than the app.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import sqlite3
import sys
import threading
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TOP = 2000  # indices of the best unlabelled records sent with each order


@dataclass(frozen=True)
class Ranked:
    """One order from the worker: ``top`` (indices into ``stage_ids``, best first, labelled
    records left out), the ``serial`` of the labels it was fitted on (0: before any labels),
    how many labels, includes among them, whether a model was trained (False: keyword order),
    and the fit's seconds."""

    top: list[int]
    serial: int
    labels_used: int
    includes_used: int
    trained: bool
    fit_seconds: float


Message = tuple[Any, ...]


class RankingWorker:
    """The app's handle on the ranking process (see the module docstring)."""

    def __init__(
        self,
        db_path: Path,
        review_dir: Path | None,
        stage_ids: Sequence[int],
        include_terms: Sequence[str],
        exclude_terms: Sequence[str],
        on_message: Callable[[Message], None],
        model: str | None = None,
        top: int = TOP,
    ) -> None:
        self.on_message = on_message
        self.serial = 0
        self._requests = 0
        self._ids = list(stage_ids)  # sent through the pipe, not as an argument (see start)
        self._args = (
            str(db_path),
            str(review_dir) if review_dir is not None else None,
            list(include_terms),
            list(exclude_terms),
            model,
            top,
        )
        self._ctx = multiprocessing.get_context("spawn")
        self._conn: Any = None
        self.process: Any = None
        self._outbox: queue.SimpleQueue[Message | None] = queue.SimpleQueue()
        self._stopping = False

    def start(self) -> None:
        """Start the process. Nothing here waits for it: the process arguments are small (a
        spawned child reads them only once its interpreter is up, and a large argument would
        hold this call until then), and every message, the record ids first, is written by a
        sender thread, so the caller never blocks on a full pipe while a fit runs."""
        parent, child = self._ctx.Pipe()
        self.process = self._ctx.Process(
            target=serve, args=(child, *self._args), daemon=True, name="screener-ranking"
        )
        saved = sys.stderr
        try:  # multiprocessing passes stderr's descriptor on: a UI may have replaced it
            sys.stderr.fileno()
        except (AttributeError, OSError, ValueError):
            sys.stderr = sys.__stderr__
        else:
            if sys.stderr.fileno() < 0:
                sys.stderr = sys.__stderr__
        try:
            self.process.start()
        finally:
            sys.stderr = saved
        child.close()
        self._conn = parent
        self._outbox.put(("ids", self._ids))
        threading.Thread(target=self._write, daemon=True, name="ranking-sender").start()
        threading.Thread(target=self._read, daemon=True, name="ranking-reader").start()

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def _read(self) -> None:
        conn = self._conn
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
                break
            self.on_message(message)
        if self._stopping:
            # stop() set this before killing: the owner reaps the process; two threads reaping
            # it at once can leave one of them with no exit code (waitpid's ECHILD)
            return
        code = None
        if self.process is not None:
            self.process.join(1.0)
            code = self.process.exitcode
        self.on_message(("exit", code))

    def _write(self) -> None:
        conn = self._conn
        while (message := self._outbox.get()) is not None:
            try:
                conn.send(message)
            except (OSError, ValueError):  # the process is gone; the reader reports it
                return

    def _send(self, message: Message) -> None:
        self._outbox.put(message)

    def send_labels(self, labels: Mapping[int, bool]) -> int:
        """Ask for a fit on ``labels``; returns the serial its order will carry."""
        self.serial += 1
        self._send(("labels", self.serial, dict(labels)))
        return self.serial

    def explain(self, index: int) -> int:
        """Ask why record ``index`` ranks high; the answer comes as ``("explained", id, ...)``."""
        self._requests += 1
        self._send(("explain", self._requests, index))
        return self._requests

    def stop(self) -> None:
        """End the process at once (a fit in progress is abandoned; killing is safe: the
        process writes nothing but the cache file, and that by an atomic rename)."""
        self._stopping = True
        self._outbox.put(None)
        process = self.process
        if process is not None and process.is_alive():
            process.kill()
        if self._conn is not None:
            self._conn.close()


# --------------------------------------------------------------------------- the process


def _read_texts(db_path: str, stage_ids: Sequence[int]) -> list[str]:
    from screener.ranking.ranker import load_texts

    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return load_texts(db, stage_ids)
    finally:
        db.close()


def serve(
    conn: Any,
    db_path: str,
    review_dir: str | None,
    include: list[str],
    exclude: list[str],
    model: str | None,
    top: int,
) -> None:
    """The worker's main loop (runs in the ranking process). Its output goes nowhere: the
    terminal belongs to the app; failures are reported as messages."""
    with contextlib.suppress(OSError, AttributeError):
        os.nice(2)
    with contextlib.suppress(OSError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        os.close(null)
    try:
        kind, stage_ids = conn.recv()  # the first message: ("ids", [record id, ...])
        if kind != "ids":
            raise ValueError(f"expected the record ids first, got {kind!r}")
        _serve(conn, db_path, review_dir, stage_ids, include, exclude, model, top)
    except (EOFError, BrokenPipeError, KeyboardInterrupt):
        pass
    except Exception as exc:  # report, then end: the app falls back to the keyword order
        with contextlib.suppress(OSError):
            detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
            conn.send(("error", detail))
    finally:
        with contextlib.suppress(OSError):
            conn.close()


def _serve(
    conn: Any,
    db_path: str,
    review_dir: str | None,
    stage_ids: list[int],
    include: list[str],
    exclude: list[str],
    model: str | None,
    top: int,
) -> None:
    from screener.ranking.features import cache_path, load_features
    from screener.ranking.models import MODELS
    from screener.ranking.ranker import DEFAULT_MODEL, Ranker

    texts = _read_texts(db_path, stage_ids)
    ranker = Ranker(texts, include, exclude, model or DEFAULT_MODEL)
    conn.send(("order", Ranked(ranker.order()[:top], 0, 0, 0, False, 0.0)))
    started = time.perf_counter()
    path = cache_path(Path(review_dir)) if review_dir else None
    spec = MODELS[model or DEFAULT_MODEL]
    features, report = load_features(
        path, stage_ids, texts, keyword_weight=spec.keyword_weight, min_df=spec.min_df
    )
    ranker = Ranker(texts, include, exclude, model or DEFAULT_MODEL, features=features)
    conn.send(("features", time.perf_counter() - started, report.reused, report.hashed))
    fitted = -1
    labels: dict[int, bool] = {}
    serial = 0
    while True:
        messages = [conn.recv()]
        while conn.poll():
            messages.append(conn.recv())
        for message in messages:
            kind = message[0]
            if kind == "stop":
                return
            if kind == "labels":
                serial, labels = message[1], message[2]
            elif kind == "explain":
                conn.send(("explained", message[1], ranker.explain(message[2])))
        if serial != fitted:
            started = time.perf_counter()
            ranker.fit(labels)
            state = ranker.state()
            ranked = Ranked(
                ranker.order()[:top],
                serial,
                state.labels_used,
                state.includes_used,
                state.trained,
                time.perf_counter() - started,
            )
            conn.send(("order", ranked))
            fitted = serial
