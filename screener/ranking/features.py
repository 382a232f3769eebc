"""Text features for ranking, built once per review and cached in the review folder (no UI here).

Counts: word 1-2-grams of each record's text (:func:`screener.ranking.ranker.record_text`),
lower-cased, tokens of two or more word characters (scikit-learn's default pattern; see
:func:`analyze`), hashed into ``N_COLUMNS`` columns (no vocabulary): a word's column comes from
the CRC-32 of its UTF-8 bytes, mixed (splitmix64's finaliser); a pair's from its two words'
hashes, mixed again; keyword tokens get columns of their own. :func:`hash_counts` does this for
a batch of texts with one regular-expression pass per text and numpy for the rest (each distinct
word is hashed once per batch), about the cost of scikit-learn's ``HashingVectorizer`` alone
(bench/ranking_speed.py). A record's row of counts depends on its own text only: rows are cached
per record, a new or edited record adds or replaces one row, and nothing else is recomputed.

TF-IDF is applied to the counts of the records being ranked, each time they are loaded (about a
second at 100k records): sublinear tf (``1 + log count``), smooth idf (``log((1 + n) / (1 + df))
+ 1``), terms in fewer than two records (one below 50 records) or in more than 95 % of them
dropped, rows scaled to unit length. Up to hash collisions this is scikit-learn's
``TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2, max_df=0.95)``, ASReview's
ELAS u4 features (min_df 2 instead of 1: a term seen once cannot help rank another record).

Cache file ``REVIEW/cache/ranking-features.npz`` (``CACHE_NAME``): record ids, a digest of each
record's text (8 bytes of blake2b), and the counts as CSR arrays. ``screener dedupe`` builds or
refreshes it at the end of a run for every kept record (:func:`refresh_cache`), so the screening
app finds it ready; the app's ranking process builds it itself when it is missing. A row is
reused when its record id and digest match. The ranking process rewrites the file only when it
had to hash records (keeping the rows it did not ask for: a full-text session does not drop the
title/abstract rows); ``refresh_cache`` writes exactly the review's kept records. Every write is
a temporary file in the same folder, then an atomic rename: a killed run leaves the old file or
none, never half a file. A missing, unreadable or outdated file is rebuilt, never an error. It
can be deleted at any time.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import re
import secrets
import time
import zlib
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
CACHE_VERSION = 3
_CHUNK = 20_000


_TOKEN = re.compile(r"\w\w+")  # = scikit-learn's (?u)\b\w\w+\b: a greedy run needs no \b

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MASK = np.uint64(N_COLUMNS - 1)


def analyze(text: str) -> list[str]:
    """The word terms of a text: lower-cased words of two or more word characters, then each
    pair of adjacent words; keyword tokens (``kw_...``, see
    :func:`screener.ranking.ranker.keyword_tokens`) are left to :func:`keyword_terms`."""
    words = [w for w in _TOKEN.findall(text.lower()) if not w.startswith("kw_")]
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


def keyword_terms(text: str) -> list[str]:
    """The keyword tokens of a text (each keyword is one term, never part of a pair)."""
    return [w for w in _TOKEN.findall(text.lower()) if w.startswith("kw_")]


def _mix(x: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """splitmix64's finaliser: every input bit moves every output bit (wraps mod 2^64)."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _word_hashes(words: Sequence[str]) -> NDArray[np.uint64]:
    crc = np.fromiter(map(zlib.crc32, (w.encode("utf-8") for w in words)), np.uint64, len(words))
    return _mix(crc + _GOLDEN)


def _pair_hashes(first: NDArray[np.uint64], second: NDArray[np.uint64]) -> NDArray[np.uint64]:
    return _mix(first * _GOLDEN + second)


def _batch_counts(texts: Sequence[str]) -> sparse.csr_matrix:
    tokens = [_TOKEN.findall(t.lower()) for t in texts]
    lengths = np.fromiter(map(len, tokens), np.int64, len(tokens))
    flat = list(itertools.chain.from_iterable(tokens))
    index = {t: i for i, t in enumerate(dict.fromkeys(flat))}  # distinct tokens, first seen
    ids = np.fromiter(map(index.__getitem__, flat), np.int64, len(flat))
    vocabulary = list(index)
    hashes = _word_hashes(vocabulary)
    is_keyword = np.fromiter((t.startswith("kw_") for t in vocabulary), bool, len(vocabulary))
    rows = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    keyword = is_keyword[ids]
    word_rows, word_hash = rows[~keyword], hashes[ids[~keyword]]
    same = word_rows[1:] == word_rows[:-1]  # adjacent words of one text form a pair
    pairs = _pair_hashes(word_hash[:-1][same], word_hash[1:][same])
    columns = np.concatenate(
        [word_hash & _MASK, pairs & _MASK, (hashes[ids[keyword]] & _MASK) + np.uint64(N_COLUMNS)]
    ).astype(np.int64)
    all_rows = np.concatenate([word_rows, word_rows[1:][same], rows[keyword]])
    ones = np.ones(len(columns), dtype=np.float32)
    counts = sparse.csr_matrix((ones, (all_rows, columns)), shape=(len(texts), 2 * N_COLUMNS))
    counts.sum_duplicates()  # repeated terms of a row become one count
    return counts


def hash_counts(
    texts: Sequence[str], progress: Callable[[int], None] | None = None
) -> sparse.csr_matrix:
    """Hashed counts, one row per text: word 1-2-grams in columns ``0..N_COLUMNS-1``, keyword
    tokens in ``N_COLUMNS..2*N_COLUMNS-1`` (``progress(done)`` after each chunk)."""
    parts = []
    for start in range(0, len(texts), _CHUNK):
        parts.append(_batch_counts(texts[start : start + _CHUNK]))
        if progress is not None:
            progress(min(start + _CHUNK, len(texts)))
    if not parts:
        return sparse.csr_matrix((0, 2 * N_COLUMNS), dtype=np.float32)
    return sparse.vstack(parts, format="csr")


def _column_of(terms: Sequence[str]) -> NDArray[np.int64]:
    """The hashed column of each term (a word, a pair "a b" or a keyword token), as
    :func:`hash_counts` places it."""
    out = np.zeros(len(terms), dtype=np.int64)
    for i, term in enumerate(terms):
        parts = term.split(" ")
        hashes = _word_hashes(parts)
        column = _pair_hashes(hashes[:1], hashes[1:]) if len(parts) == 2 else hashes
        column &= _MASK
        out[i] = int(column[0]) + (N_COLUMNS if term.startswith("kw_") else 0)
    return out


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


_BLOCK = 1 << 21  # non-zeros handled at a time by tfidf (its temporaries stay ~10-20 MB)


def _document_frequency(indices: NDArray[Any], width: int, block: int) -> NDArray[np.int64]:
    """How many rows hold each column (CSR rows hold a column at most once), counted a block
    at a time: ``np.bincount`` copies its input to 64-bit integers first."""
    df = np.zeros(width, dtype=np.int64)
    for start in range(0, len(indices), block):
        df += np.bincount(indices[start : start + block], minlength=width)
    return df


def tfidf(
    counts: sparse.csr_matrix,
    keyword_weight: float = 1.0,
    min_df: int = 2,
    max_df: float = 0.95,
    block: int = _BLOCK,
) -> Features:
    """TF-IDF of hashed counts (see the module docstring), columns compacted to those kept.
    Word terms and keyword tokens are scaled to unit length separately, and the keyword part
    is then multiplied by ``keyword_weight`` (0 drops the keywords).

    Rows are transformed a block of about ``block`` non-zeros at a time into the result's
    arrays: at 100k records the matrix has 27 million non-zeros, and temporaries of that size
    (100-200 MB each) were fresh memory, whose first touch was most of the time on a virtual
    machine. Every block gives the numbers one pass over the whole would."""
    n = counts.shape[0]
    counts = counts.tocsr()
    df = _document_frequency(counts.indices, counts.shape[1], block)
    min_df = min_df if n >= 50 else 1
    keep = (df >= min_df) & (df <= max_df * n)
    if n == 1:
        keep = df >= 1
    if keyword_weight == 0:
        keep[N_COLUMNS:] = False
    columns = np.flatnonzero(keep).astype(np.int64)
    new_col = np.full(counts.shape[1], -1, dtype=np.int32)
    new_col[columns] = np.arange(len(columns), dtype=np.int32)
    # sublinear tf by table (counts are small whole numbers), times smooth idf, in float32
    most = int(counts.data.max()) if counts.nnz else 1
    tf = np.ones(most + 1, dtype=np.float32)
    tf[1:] += np.log(np.arange(1, most + 1, dtype=np.float64)).astype(np.float32)
    idf = (np.log((1.0 + n) / (1.0 + df[columns])) + 1.0).astype(np.float32)
    del df, keep
    first_keyword = int(np.searchsorted(columns, N_COLUMNS))
    has_keywords = first_keyword < len(columns)
    source = counts.indptr
    out_cols = np.empty(counts.nnz, dtype=np.int32)  # pages are touched only as filled
    out_data = np.empty(counts.nnz, dtype=np.float32)
    indptr = np.zeros(n + 1, dtype=np.int64)
    filled = 0
    step = max(1, block * n // max(counts.nnz, 1))  # rows per block
    for first in range(0, n, step):
        last = min(n, first + step)
        lo, hi = int(source[first]), int(source[last])
        cols = new_col[counts.indices[lo:hi]]
        raw = counts.data[lo:hi]
        row_of = np.repeat(
            np.arange(last - first, dtype=np.int32), np.diff(source[first : last + 1])
        )
        kept = cols >= 0
        if not kept.all():  # drop the entries of columns not kept, rows shrink accordingly
            cols, raw, row_of = cols[kept], raw[kept], row_of[kept]
        np.cumsum(np.bincount(row_of, minlength=last - first), out=indptr[first + 1 : last + 1])
        indptr[first + 1 : last + 1] += filled
        data = tf[raw if raw.dtype.kind in "iu" else raw.astype(np.int32)]
        data *= idf[cols]
        is_keyword = cols >= first_keyword if has_keywords else None
        part = 2 * row_of + is_keyword if is_keyword is not None else row_of  # a norm per part
        width = 2 * (last - first) if has_keywords else last - first
        norms = np.sqrt(np.bincount(part, weights=data * data, minlength=width)).astype(np.float32)
        norms[norms == 0] = 1.0
        data /= norms[part]
        if is_keyword is not None:
            data[is_keyword] *= np.float32(keyword_weight)
        out_cols[filled : filled + len(cols)] = cols
        out_data[filled : filled + len(cols)] = data
        filled += len(cols)
    matrix = sparse.csr_matrix(
        (out_data[:filled], out_cols[:filled], indptr), shape=(n, len(columns))
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


_STALE_SECONDS = 3600.0


def _remove_stale(folder: Path) -> None:
    """Temporary files of writes killed more than an hour ago (a kill cannot clean up; a
    write in progress elsewhere is younger than that)."""
    now = time.time()
    for leftover in folder.glob(".features-*.npz"):
        with contextlib.suppress(OSError):
            if now - leftover.stat().st_mtime > _STALE_SECONDS:
                leftover.unlink()


def _write_cache(path: Path, ids: NDArray[np.int64], keys: NDArray[np.uint64], counts: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(path.parent)
    # a fresh name, created with the umask's permissions (mkstemp's 0600 would hide the cache
    # from a co-reviewer sharing the folder)
    tmp = str(path.parent / f".features-{os.getpid()}-{secrets.token_hex(6)}.npz")
    handle = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
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
    prune: bool = False,
) -> tuple[sparse.csr_matrix, CacheReport]:
    """Hashed counts of ``texts`` (records ``ids``, in that order), reusing the rows cached in
    ``path`` whose id and text digest match and hashing the others (``path`` None: no cache).
    The file is rewritten when rows were hashed, keeping the cached rows of records not asked
    for; with ``prune`` it is rewritten to hold exactly ``ids`` whenever it differs."""
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
            (saved["data"], saved["indices"], saved["indptr"]),  # uint16 counts, not copied
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
        same_rows = len(source) == old.shape[0] and np.array_equal(source, np.arange(n))
        counts = old if same_rows else old[source]
    else:
        stacked = [m for m in (old, fresh) if m is not None]
        pool = sparse.vstack(stacked, format="csr") if stacked else None
        offset = old.shape[0] if old is not None else 0
        take = source.copy()
        take[missing] = offset + np.arange(len(missing))
        counts = pool[take] if pool is not None else sparse.csr_matrix((0, 2 * N_COLUMNS))
    counts = counts.tocsr()
    exact = saved is not None and np.array_equal(saved["ids"], id_array) and len(missing) == 0
    if prune:
        write = not exact
        out_ids, out_keys, out_counts = id_array, keys, counts
    else:
        write = saved is None or len(missing) > 0
        out_ids, out_keys, out_counts = id_array, keys, counts
        if write and saved is not None and old is not None:
            others = np.flatnonzero(~np.isin(saved["ids"], id_array))
            if len(others):
                out_ids = np.concatenate([id_array, saved["ids"][others]])
                out_keys = np.concatenate([keys, saved["digests"][others]])
                out_counts = sparse.vstack([counts, old[others]], format="csr")
    if write:
        _write_cache(path, out_ids, out_keys, out_counts)
    return counts, CacheReport(n - len(missing), len(missing), write)


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
