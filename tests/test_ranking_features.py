"""Hashed counts (each term in the column its explanation looks up), the cache's write rules,
and ``screener dedupe`` building the cache."""

from __future__ import annotations

import os
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from screener.cli import app
from screener.db import Review
from screener.ranking import features
from screener.ranking.features import (
    N_COLUMNS,
    _column_of,
    _read_cache,
    analyze,
    cache_path,
    cached_counts,
    hash_counts,
    keyword_terms,
)
from screener.ranking.ranker import load_texts, refresh_features

TEXTS = [
    "Tacrolimus for refractory dermatomyositis: a case series of tacrolimus",
    "Polymyositis, interstitial lung disease; tacrolimus.\nkw_tacrolimus kw_humans",
    "",
    "口服他克莫司 治疗 皮肌炎 a b c",
]


@pytest.mark.parametrize("text", TEXTS)
def test_each_term_is_counted_in_the_column_explanations_look_up(text: str) -> None:
    row = hash_counts([text]).getrow(0)
    terms = analyze(text) + keyword_terms(text)
    expected: Counter[int] = Counter(_column_of(terms).tolist())
    assert dict(zip(row.indices.tolist(), row.data.tolist(), strict=True)) == expected
    # words and pairs below N_COLUMNS, keyword tokens above
    columns = _column_of(terms)
    assert all((c >= N_COLUMNS) == t.startswith("kw_") for t, c in zip(terms, columns, strict=True))


def test_rows_do_not_depend_on_the_other_texts_of_a_batch() -> None:
    together = hash_counts(TEXTS)
    for i, text in enumerate(TEXTS):
        assert (together.getrow(i) != hash_counts([text])).nnz == 0
    assert hash_counts([]).shape == (0, 2 * N_COLUMNS)


def test_the_ranking_process_keeps_rows_it_did_not_ask_for(tmp_path: Path) -> None:
    path = cache_path(tmp_path)
    cached_counts(path, [1, 2, 3], TEXTS[:3])
    # a full-text session asks for record 2 only: nothing to hash, nothing written
    _, report = cached_counts(path, [2], TEXTS[1:2])
    assert (report.hashed, report.written) == (0, False)
    # a new record 9: hashed and added; records 1 and 3 stay in the file
    _, report = cached_counts(path, [2, 9], [TEXTS[1], TEXTS[3]])
    assert (report.reused, report.hashed, report.written) == (1, 1, True)
    saved = _read_cache(path)
    assert saved is not None and sorted(saved["ids"].tolist()) == [1, 2, 3, 9]
    # prune (screener dedupe): exactly the records given
    _, report = cached_counts(path, [2, 9], [TEXTS[1], TEXTS[3]], prune=True)
    assert (report.hashed, report.written) == (0, True)
    saved = _read_cache(path)
    assert saved is not None and saved["ids"].tolist() == [2, 9]


def test_a_write_that_fails_half_way_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = cache_path(tmp_path)
    cached_counts(path, [1, 2], TEXTS[:2])
    before = path.read_bytes()

    def killed(out: object, **arrays: object) -> None:
        out.write(b"PK\x03\x04 half a file")  # type: ignore[attr-defined]
        raise KeyboardInterrupt

    monkeypatch.setattr(features.np, "savez", killed)
    with pytest.raises(KeyboardInterrupt):
        cached_counts(path, [1, 2, 3], TEXTS[:3])
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_the_cache_file_gets_the_umask_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        cached_counts(cache_path(tmp_path), [1], TEXTS[:1])
    finally:
        os.umask(umask)
    assert cache_path(tmp_path).stat().st_mode & 0o777 == 0o644


def test_temporary_files_of_killed_writes_are_removed_when_old(tmp_path: Path) -> None:
    path = cache_path(tmp_path)
    path.parent.mkdir(parents=True)
    old, young = path.parent / ".features-old.npz", path.parent / ".features-young.npz"
    old.write_bytes(b"left by a kill -9")
    young.write_bytes(b"another process writing now")
    an_hour_ago = time.time() - 3700
    os.utime(old, (an_hour_ago, an_hour_ago))
    cached_counts(path, [1], TEXTS[:1])
    assert not old.exists() and young.exists() and path.exists()


def _add(review: Review, *titles: str) -> None:
    from builders import add_search

    from screener.record import Record

    add_search(review.db, [Record(title=t, abstract=f"{t} abstract") for t in titles])


def test_dedupe_builds_the_cache_of_the_kept_records(review: Review, runner: CliRunner) -> None:
    _add(review, "Tacrolimus in myositis", "Exercise in heart failure", "Tacrolimus in myositis")
    result = runner.invoke(app, ["dedupe", "--review", str(review.path)])
    assert result.exit_code == 0, result.output
    kept = [r[0] for r in review.db.execute("select id from records where duplicate_of is null")]
    saved = _read_cache(cache_path(review.path))
    assert saved is not None and saved["ids"].tolist() == sorted(kept)
    counts = hash_counts(load_texts(review.db, sorted(kept)))
    stored = features.sparse.csr_matrix(
        (saved["data"].astype(np.float32), saved["indices"], saved["indptr"]),
        shape=counts.shape,
    )
    assert (stored != counts).nnz == 0
    # a new search: its record is hashed, the others reused
    _add(review, "Oral tacrolimus for polymyositis")
    result = runner.invoke(app, ["dedupe", "--review", str(review.path)])
    assert result.stdout.splitlines()[-1] == (
        f"Ranking features ready: 1 record(s) hashed, {len(kept)} unchanged."
    )
    assert refresh_features(review.db, review.path).written is False
