"""Cached features, the ranking process, and the app's fallback when that process fails."""

from __future__ import annotations

import asyncio
import os
import queue
import signal
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from test_screening import build_review
from textual.widgets import Static

from screener.db import DB_NAME, Review, connect
from screener.ranking.features import (
    CacheReport,
    cache_path,
    cached_counts,
    hash_counts,
    load_features,
    tfidf,
)
from screener.ranking.ranker import Ranker, keyword_tokens
from screener.ranking.worker import Ranked, RankingWorker
from screener.screening.session import Session
from screener.tui.app import ScreenApp

TEXTS = [
    "Tacrolimus for refractory dermatomyositis: a case series",
    "Tacrolimus in polymyositis with interstitial lung disease",
    "Exercise training for heart failure: randomised controlled trial",
    "Heart failure outcomes after exercise: a cohort",
    "Tacrolimus ointment for atopic dermatitis in children",
]


def test_tfidf_matches_scikit_learn() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = TEXTS * 12  # 60 records: min_df 2 applies
    ours = tfidf(hash_counts(texts)).matrix
    ref = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2, max_df=0.95)
    theirs = ref.fit_transform(texts)
    assert ours.shape[1] == theirs.shape[1]  # same terms kept (no collision at this size)
    # same rows up to the order of the columns: every pairwise similarity agrees
    assert np.allclose((ours @ ours.T).toarray(), (theirs @ theirs.T).toarray(), atol=1e-5)


def test_cache_reuses_rows_and_hashes_only_new_or_changed_texts(tmp_path: Path) -> None:
    path = cache_path(tmp_path)
    ids = [10, 11, 12, 13, 14]
    first, report = cached_counts(path, ids, TEXTS)
    assert report == CacheReport(reused=0, hashed=5, written=True) and path.exists()
    again, report = cached_counts(path, ids, TEXTS)
    assert report == CacheReport(reused=5, hashed=0, written=False)
    assert (again != first).nnz == 0
    # a new record and an edited one: two rows hashed, the others read back
    texts = [*TEXTS[:4], "Tacrolimus ointment in adults", "A new record about myositis"]
    counts, report = cached_counts(path, [*ids, 15], texts)
    assert report == CacheReport(reused=4, hashed=2, written=True)
    assert (counts != hash_counts(texts)).nnz == 0
    # another order of the same records is read from the cache, row for row
    shuffled, report = cached_counts(path, [15, 10], [texts[5], texts[0]])
    assert report.hashed == 0
    assert (shuffled != hash_counts([texts[5], texts[0]])).nnz == 0


def test_broken_cache_file_is_rebuilt(tmp_path: Path) -> None:
    path = cache_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a numpy file")
    features, report = load_features(path, [1, 2, 3, 4, 5], TEXTS)
    assert report.hashed == 5 and report.written
    assert features.matrix.shape[0] == 5
    assert load_features(path, [1, 2, 3, 4, 5], TEXTS)[1].reused == 5


def test_ranker_explains_with_cached_features(tmp_path: Path) -> None:
    features, _ = load_features(cache_path(tmp_path), list(range(5)), TEXTS)
    ranker = Ranker(TEXTS, features=features)
    ranker.fit({0: True, 2: False})
    assert set(ranker.order()[:2]) == {1, 4}  # the other tacrolimus records
    terms = dict(ranker.explain(4))
    assert "tacrolimus" in terms and all(weight > 0 for weight in terms.values())


def test_keywords_are_tokens_of_their_own_part() -> None:
    from screener.ranking.features import N_COLUMNS, analyze, keyword_terms

    tokens = keyword_tokens("Helicobacter pylori; Aged, 80 and over")
    assert tokens == "kw_helicobacter_pylori kw_aged_80_and_over"
    text = "Omeprazole trial\n" + tokens
    assert analyze(text) == ["omeprazole", "trial", "omeprazole trial"]
    assert keyword_terms(text) == ["kw_helicobacter_pylori", "kw_aged_80_and_over"]
    counts = hash_counts([text])
    assert (counts.indices >= N_COLUMNS).sum() == 2  # the keyword part of the columns
    # each part has unit length; keyword_weight scales the keyword part, 0 drops it
    texts = [text, "Omeprazole\nkw_humans", "Ranitidine trial"]
    for weight in (1.0, 0.5, 0.0):
        features = tfidf(hash_counts(texts), keyword_weight=weight)
        row = features.matrix.getrow(0)
        is_kw = features.columns[row.indices] >= N_COLUMNS
        assert np.isclose(np.sum(row.data[~is_kw] ** 2), 1.0)
        assert np.isclose(np.sum(row.data[is_kw] ** 2), weight**2)


def test_tfidf_by_blocks_gives_the_whole_matrix_bit_for_bit() -> None:
    # rows with keywords, without, empty, and terms dropped by min_df, cut into blocks of a
    # few non-zeros: every block boundary must give the numbers of one pass over the whole
    texts = [*TEXTS, "", "Omeprazole\nkw_humans kw_aged", "", *TEXTS[::-1]] * 11
    counts = hash_counts(texts)
    whole = tfidf(counts, keyword_weight=0.5, block=counts.nnz + 1)
    for block in (1, 7, 50):
        parts = tfidf(counts, keyword_weight=0.5, block=block)
        assert np.array_equal(parts.columns, whole.columns)
        for name in ("indptr", "indices", "data"):
            assert np.array_equal(getattr(parts.matrix, name), getattr(whole.matrix, name))
    assert whole.matrix.shape == (len(texts), len(whole.columns)) and whole.matrix.nnz > 0
    assert tfidf(counts[:0]).matrix.shape[0] == 0


# --------------------------------------------------------------------------- the process


def _worker(rev: Review, **kwargs: Any) -> tuple[RankingWorker, queue.Queue[Any]]:
    inbox: queue.Queue[Any] = queue.Queue()
    session = Session(rev, "title_abstract", "ann")
    worker = RankingWorker(
        rev.path / DB_NAME,
        rev.path,
        session.stage_ids,
        session.protocol.include_keywords,
        session.protocol.exclude_keywords,
        on_message=inbox.put,
        **kwargs,
    )
    worker.start()
    return worker, inbox


def _next(inbox: queue.Queue[Any], kind: str) -> Any:
    while True:
        message = inbox.get(timeout=60)
        if message[0] == kind:
            return message


def test_worker_fits_in_its_own_process_and_explains(tmp_path: Path) -> None:
    rev = build_review(tmp_path / "rev")
    worker, inbox = _worker(rev)
    try:
        assert worker.pid != os.getpid()
        first: Ranked = _next(inbox, "order")[1]
        assert first.trained is False and first.serial == 0  # keyword order first
        serial = worker.send_labels({0: True, 1: False})
        ranked: Ranked = _next(inbox, "order")[1]
        while ranked.serial != serial:
            ranked = _next(inbox, "order")[1]
        assert ranked.trained and (ranked.labels_used, ranked.includes_used) == (2, 1)
        assert 0 not in ranked.top and 1 not in ranked.top and len(ranked.top) == 6
        request = worker.explain(ranked.top[0])
        message = _next(inbox, "explained")
        assert message[1] == request and isinstance(message[2], list)
        assert cache_path(rev.path).exists()  # the features are cached for the next session
    finally:
        worker.stop()  # kills the process if it does not end at once
    worker.process.join(30)
    assert worker.process.exitcode is not None


def test_worker_reports_a_model_error_then_ends(tmp_path: Path) -> None:
    rev = build_review(tmp_path / "rev")
    worker, inbox = _worker(rev)
    try:
        worker.send_labels({0: True, 99: False})  # no record 99: the model raises
        assert "IndexError" in _next(inbox, "error")[1]
        assert _next(inbox, "exit")[0] == "exit"
    finally:
        worker.stop()


# --------------------------------------------------------------------------- the app (issue 18)


def _status(app: ScreenApp) -> str:
    return str(app.query_one("#status", Static).render())


def _decisions(rev: Review) -> list[str]:
    db = connect(rev.path / DB_NAME)
    try:
        return [r[0] for r in db.execute("select decision from decisions order by id")]
    finally:
        db.close()


async def _until(pilot: Any, condition: Any) -> None:
    for _ in range(1200):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("timed out")


@pytest.mark.parametrize("failure", ["model raises", "process killed"])
def test_app_falls_back_to_keyword_order_and_keys_still_work(tmp_path: Path, failure: str) -> None:
    rev = build_review(tmp_path / "rev")

    async def run() -> None:
        model = "no-such-model" if failure == "model raises" else None
        app = ScreenApp(Session(rev, "title_abstract", "ann", order="relevance"), model)
        async with app.run_test(size=(80, 24)) as pilot:
            if failure == "process killed":
                await _until(pilot, lambda: app.ranker is not None)
                assert app.worker is not None and app.worker.pid is not None
                os.kill(app.worker.pid, signal.SIGKILL)
            await _until(pilot, lambda: app.ranking_failed is not None)
            # the reviewer is told, on the key line
            assert any(m.startswith("Ranking failed; using keyword order") for m in app.messages)
            await _until(pilot, lambda: app.ranker is not None and app.worker is None)
            assert "keyword order (model failed)" in _status(app)
            shown = app.session.current
            await pilot.press("i")
            assert app.session.current != shown
            await pilot.press("x")  # the keyword ranker explains
            await pilot.press("escape")
            await pilot.press("q")

    asyncio.run(run())
    assert _decisions(rev) == ["include"]
