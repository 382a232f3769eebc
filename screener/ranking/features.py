"""Text features for ranking, built once per review and cached in the review folder (no UI here).

Counts: word 1-2-grams of each record's text (:func:`screener.ranking.ranker.record_text`),
lower-cased, tokens of two or more word characters (scikit-learn's default pattern; see
:func:`analyze`), hashed into
``N_COLUMNS`` columns (``HashingVectorizer``, no vocabulary). A record's row of counts therefore
depends on its own text only: rows are cached per record, a new or edited record adds or
replaces one row, and nothing else is recomputed.

TF-IDF is applied to the counts of the records being ranked, each time they are loaded (about a
second at 100k records): sublinear tf (``1 + log count``), smooth idf (``log((1 + n) / (1 + df))
+ 1``), terms in fewer than two records (one below 50 records) or in more than 95 % of them
dropped, rows scaled to unit length. Up to hash collisions this is scikit-learn's
``TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2, max_df=0.95)``, ASReview's
ELAS u4 features (min_df 2 instead of 1: a term seen once cannot help rank another record).

Cache file ``REVIEW/cache/ranking-features.npz`` (``CACHE_NAME``): record ids, a digest of each
record's text (8 bytes of blake2b), and the counts as CSR arrays. A row is reused when its record
id and digest match; rows of records that are gone are dropped. The file is rewritten (temporary
file, then an atomic rename) only when something changed; a missing, unreadable or outdated file
is rebuilt, never an error. It can be deleted at any time.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

N_COLUMNS = 2**22
CACHE_DIR = "cache"
CACHE_NAME = "ranking-features.npz"
CACHE_VERSION = 2
_CHUNK = 5000


_TOKEN = re.compile(r"(?u)\b\w\w+\b")


def analyze(text: str) -> list[str]:
    """The word terms of a text: lower-cased words of two or more word characters, then each
    pair of adjacent words; keyword tokens (``kw_...``, see
    :func:`screener.ranking.ranker.keyword_tokens`) are left to :func:`keyword_terms`."""
    words = [w for w in _TOKEN.findall(text.lower()) if not w.startswith("kw_")]
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


def keyword_terms(text: str) -> list[str]:
    """The keyword tokens of a text (each keyword is one term, never part of a pair)."""
    return [w for w in _TOKEN.findall(text.lower()) if w.startswith("kw_")]


def _vectorizer(**options: Any) -> Any:
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(
        n_features=N_COLUMNS, alternate_sign=False, norm=None, dtype=np.float32, **options
    )


def hash_counts(
    texts: Sequence[str], progress: Callable[[int], None] | None = None
) -> sparse.csr_matrix:
    """Hashed counts, one row per text: word 1-2-grams in columns ``0..N_COLUMNS-1``, keyword
    tokens in ``N_COLUMNS..2*N_COLUMNS-1`` (``progress(done)`` after each chunk)."""
    words, keywords = _vectorizer(analyzer=analyze), _vectorizer(analyzer=keyword_terms)
    parts = []
    for start in range(0, len(texts), _CHUNK):
        chunk = texts[start : start + _CHUNK]
        parts.append(sparse.hstack([words.transform(chunk), keywords.transform(chunk)]).tocsr())
        if progress is not None:
            progress(min(start + _CHUNK, len(texts)))
    if not parts:
        return sparse.csr_matrix((0, 2 * N_COLUMNS), dtype=np.float32)
    return sparse.vstack(parts, format="csr")


def _column_of(terms: Sequence[str]) -> NDArray[np.int64]:
    """The hashed column of each term (as :func:`hash_counts` places it)."""
    hashed = _vectorizer(analyzer=_identity).transform([[t] for t in terms]).indices
    offset = np.array([N_COLUMNS if t.startswith("kw_") else 0 for t in terms], dtype=np.int64)
    return np.asarray(hashed, dtype=np.int64) + offset


def digests(texts: Sequence[str]) -> NDArray[np.uint64]:
    """An 8-byte blake2b digest of each text (a changed text gets a new row)."""
    return np.fromiter(
        (
            int.from_bytes(hashlib.blake2b(t.encode("utf-8"), digest_size=8).digest(), "little")
            for t in texts
        ),
        dtype=np.uint64,
        count=len(texts),
    )


@dataclass
class Features:
    """TF-IDF rows of the records being ranked (in the order given) and the hashed column of
    each matrix column (for explanations)."""

    matrix: sparse.csr_matrix
    columns: NDArray[np.int64]

    def explain(
        self, index: int, text: str, weights: NDArray[np.float64], n: int = 8
    ) -> list[tuple[str, float]]:
        """Up to ``n`` terms of row ``index`` (whose text is ``text``) that raised its score,
        strongest first, with their contribution (TF-IDF value x weight). The words behind
        the hashed columns come from tokenising that one text again."""
        row = self.matrix.getrow(index)
        value = dict(zip(row.indices.tolist(), row.data.tolist(), strict=True))
        terms = sorted(set(analyze(text)) | set(keyword_terms(text)))
        if not terms or not value:
            return []
        hashed = _column_of(terms)
        position = np.searchsorted(self.columns, hashed)
        scored = []
        for term, column, j in zip(terms, hashed, position, strict=True):
            if j < len(self.columns) and self.columns[j] == column and int(j) in value:
                contribution = value[int(j)] * float(weights[j])
                if contribution > 0:
                    scored.append((term, contribution))
        scored.sort(key=lambda x: -x[1])
        return scored[:n]


def _identity(tokens: list[str]) -> list[str]:
    return tokens


def tfidf(
    counts: sparse.csr_matrix, keyword_weight: float = 1.0, min_df: int = 2, max_df: float = 0.95
) -> Features:
    """TF-IDF of hashed counts (see the module docstring), columns compacted to those kept.
    Word terms and keyword tokens are scaled to unit length separately, and the keyword part
    is then multiplied by ``keyword_weight`` (0 drops the keywords)."""
    n = counts.shape[0]
    counts = counts.tocsr()
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    min_df = min_df if n >= 50 else 1
    keep = (df >= min_df) & (df <= max_df * n)
    if n == 1:
        keep = df >= 1
    if keyword_weight == 0:
        keep[N_COLUMNS:] = False
    columns = np.flatnonzero(keep).astype(np.int64)
    new_col = np.full(counts.shape[1], -1, dtype=np.int64)
    new_col[columns] = np.arange(len(columns))
    mapped = new_col[counts.indices]
    kept = mapped >= 0
    rows = np.repeat(np.arange(n), np.diff(counts.indptr))[kept]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    cols = mapped[kept]
    idf = np.log((1.0 + n) / (1.0 + df[columns])) + 1.0
    data = (1.0 + np.log(counts.data[kept].astype(np.float64))) * idf[cols]
    is_keyword = columns[cols] >= N_COLUMNS
    part = 2 * rows + is_keyword  # one norm per row and part
    norms = np.sqrt(np.bincount(part, weights=data * data, minlength=2 * n))
    norms[norms == 0] = 1.0
    data /= norms[part]
    data[is_keyword] *= keyword_weight
    matrix = sparse.csr_matrix(
        (data.astype(np.float32), cols.astype(np.int32), indptr), shape=(n, len(columns))
    )
    return Features(matrix, columns)


# --------------------------------------------------------------------------- cache


def cache_path(review_dir: Path) -> Path:
    return review_dir / CACHE_DIR / CACHE_NAME


def _read_cache(path: Path) -> dict[str, NDArray[Any]] | None:
    try:
        with np.load(path, allow_pickle=False) as saved:
            arrays = {k: saved[k] for k in saved.files}
    except (OSError, ValueError, KeyError, EOFError):
        return None
    needed = {"version", "n_columns", "ids", "digests", "indptr", "indices", "data"}
    if not needed <= arrays.keys():
        return None
    if int(arrays["version"]) != CACHE_VERSION or int(arrays["n_columns"]) != N_COLUMNS:
        return None
    return arrays


def _write_cache(path: Path, ids: NDArray[np.int64], keys: NDArray[np.uint64], counts: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=".features-", suffix=".npz", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            np.savez(
                out,
                version=np.int64(CACHE_VERSION),
                n_columns=np.int64(N_COLUMNS),
                ids=ids,
                digests=keys,
                indptr=counts.indptr.astype(np.int64),
                indices=counts.indices.astype(np.int32),
                data=np.minimum(counts.data, 65535).astype(np.uint16),
            )
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@dataclass(frozen=True)
class CacheReport:
    """What :func:`cached_counts` did: rows reused from the file, rows hashed now, whether
    the file was rewritten."""

    reused: int
    hashed: int
    written: bool


def cached_counts(
    path: Path | None,
    ids: Sequence[int],
    texts: Sequence[str],
    progress: Callable[[int], None] | None = None,
) -> tuple[sparse.csr_matrix, CacheReport]:
    """Hashed counts of ``texts`` (records ``ids``, in that order), reusing the rows cached in
    ``path`` whose id and text digest match, hashing the others, and rewriting the file when
    anything changed (``path`` None: no cache)."""
    id_array = np.asarray(ids, dtype=np.int64)
    keys = digests(texts)
    if path is None:
        return hash_counts(texts, progress), CacheReport(0, len(texts), False)
    saved = _read_cache(path)
    n = len(id_array)
    source = np.full(n, -1, dtype=np.int64)  # row in the saved matrix, or -1
    old: sparse.csr_matrix | None = None
    if saved is not None:
        old_ids, old_keys = saved["ids"], saved["digests"]
        old = sparse.csr_matrix(
            (saved["data"].astype(np.float32), saved["indices"], saved["indptr"]),
            shape=(len(old_ids), 2 * N_COLUMNS),
        )
        sorter = np.argsort(old_ids, kind="stable")
        found = np.searchsorted(old_ids, id_array, sorter=sorter)
        found = np.minimum(found, max(len(old_ids) - 1, 0))
        if len(old_ids):
            candidate = sorter[found]
            hit = (old_ids[candidate] == id_array) & (old_keys[candidate] == keys)
            source[hit] = candidate[hit]
    missing = np.flatnonzero(source < 0)
    fresh = hash_counts([texts[int(i)] for i in missing], progress) if len(missing) else None
    if old is not None and len(missing) == 0:
        counts = old[source]
    else:
        stacked = [m for m in (old, fresh) if m is not None]
        pool = sparse.vstack(stacked, format="csr") if stacked else None
        offset = old.shape[0] if old is not None else 0
        take = source.copy()
        take[missing] = offset + np.arange(len(missing))
        counts = pool[take] if pool is not None else sparse.csr_matrix((0, 2 * N_COLUMNS))
    counts = counts.tocsr()
    unchanged = (
        saved is not None
        and len(missing) == 0
        and len(saved["ids"]) == n
        and np.array_equal(saved["ids"], id_array)
    )
    if not unchanged:
        _write_cache(path, id_array, keys, counts)
    return counts, CacheReport(n - len(missing), len(missing), not unchanged)


def load_features(
    path: Path | None,
    ids: Sequence[int],
    texts: Sequence[str],
    progress: Callable[[int], None] | None = None,
    keyword_weight: float = 1.0,
    min_df: int = 2,
) -> tuple[Features, CacheReport]:
    """TF-IDF features of the records ``ids`` (texts in the same order), through the cache."""
    counts, report = cached_counts(path, ids, texts, progress)
    return tfidf(counts, keyword_weight, min_df), report
