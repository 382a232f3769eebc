"""Relevance ranking: which unscreened record is most likely an include (no UI here).

The model is TF-IDF over each record's text (:func:`record_text`: title, translated title,
abstract, and the keywords as tokens of their own) with a linear classifier trained on the
screening decisions made so far. The features come from :mod:`screener.ranking.features`
(hashed 1-2-gram counts cached per record in the review folder, TF-IDF applied when loaded); a
Ranker is given them (``features=``, as the ranking process does) or builds them itself, lazily,
by :meth:`Ranker.prepare` or the first :meth:`Ranker.fit`. A refit only fits the classifier,
started from the previous fit (:meth:`screener.ranking.models.ModelSpec.refitter`), and scores
every record: under 2 s at 100k records and 50k labels (bench/ranking_speed.py). In the screening
app all of this runs in the ranking process (:mod:`screener.ranking.worker`).

Models (``MODELS`` in :mod:`screener.ranking.models`; the default is ``DEFAULT_MODEL``, chosen by
simulation on the three Cohen 2006 sets, leave-one-set-out, see bench/README.md). All read
TF-IDF of word 1-2-grams of title and abstract (sublinear tf, max_df 0.95, min_df 1), ASReview's
ELAS u4 features:

- ``svm-r20`` (default): linear SVM (squared hinge, C=0.11), every exclude weighted 1/21 and
  the includes together 20 times the excludes' total; keywords are left out.
- ``svm``: the same with ASReview ELAS u4's weighting, includes 9.8 times the excludes' total
  (each exclude 1/10.8): ELAS u4 with its published parameters (tuned by ASReview on SYNERGY).
- ``nb``: multinomial naive Bayes (alpha=3.822, includes weighted 1.2:1): ASReview's ELAS u3;
  ``svm+nb``: both, their standardised scores added; ``svm-kw0.25``, ``svm+nb-kw0.25``: the
  same with the keywords as a block of their own at a quarter of the text's weight;
  ``svm-c0.05``, ``svm-c0.25``: the SVM's cost; pool 3: ``svm-double`` (ASReview 0.x's
  double balance as weights), ``svm+nb-rank`` (ranks averaged), ``svm+lr`` (with a logistic
  regression), ``svm-explore`` (5 % random picks; the simulation only: the app's order does not
  explore). Candidates the selection did not pick, kept for comparison (``screener simulate
  --model NAME``).

Training labels: the caller passes ``{index: included?}``. Use :func:`training_labels` to turn
screening verdicts into labels: ``include`` and ``maybe`` train as include (a maybe is a record
the reviewer could not rule out, so records like it should come early), ``exclude`` as exclude.

Before at least one include and one exclude exist the order comes from the protocol's keywords:
the number of include-term hits minus exclude-term hits in the record's text, highest first,
ties in file order. Terms are matched exactly as the screening app highlights them
(``screener.keywords.term_pattern``: case-insensitive, ``*`` matches any word characters, whole
words for Latin terms, anywhere for CJK terms).

Thread safety: :meth:`Ranker.fit` may run in a background worker while the UI calls
:meth:`Ranker.order`, :meth:`Ranker.explain` and :meth:`Ranker.state`; readers always see the
last *completed* fit (the new results are swapped in under a lock at the end of a fit), and two
fits never run at once.
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from screener.keywords import term_pattern
from screener.ranking.features import (
    CacheReport,
    Features,
    cache_path,
    cached_counts,
    hash_counts,
    tfidf,
)
from screener.ranking.linear import Scores
from screener.ranking.models import DEFAULT_MODEL as DEFAULT_MODEL
from screener.ranking.models import MODELS as MODELS
from screener.ranking.models import Refitter

# --------------------------------------------------------------------------- record text


def record_text(row: Mapping[str, Any]) -> str:
    """The text the model reads for one ``records`` row: title, translated title and abstract,
    one per line, then the keywords (a JSON list, a list, or a ``;``-separated string) as
    :func:`keyword_tokens`; missing parts are skipped."""
    parts = [str(row.get(k) or "").strip() for k in ("title", "title_translated", "abstract")]
    parts.append(keyword_tokens(row.get("keywords")))
    return "\n".join(p for p in parts if p)


def keyword_tokens(keywords: Any) -> str:
    """Keywords (a list, a JSON list or a ``;``-separated string) as one token each:
    ``Helicobacter pylori`` becomes ``kw_helicobacter_pylori``, so a keyword counts as itself
    and never as the words of the abstract."""
    if isinstance(keywords, str) and keywords.strip().startswith("["):
        with contextlib.suppress(json.JSONDecodeError):
            keywords = json.loads(keywords)
    if isinstance(keywords, str):
        keywords = keywords.split(";")
    tokens = (_keyword_token(str(k)) for k in keywords or ())
    return " ".join(t for t in tokens if t)


_NON_WORD = re.compile(r"\W+")


@functools.lru_cache(maxsize=1 << 16)
def _keyword_token(keyword: str) -> str:
    """One keyword's token ("" for none); cached: a review repeats its subject headings."""
    token = _NON_WORD.sub("_", keyword.lower()).strip("_")
    return f"kw_{token}" if token else ""


def load_texts(db: Any, record_ids: Sequence[int]) -> list[str]:
    """``record_text`` of each record, in the given order (for a Ranker; missing ids give "")."""
    rows = db.execute(
        "select id, title, title_translated, abstract, keywords from records"
        " where duplicate_of is null"
    ).fetchall()
    columns = ("title", "title_translated", "abstract", "keywords")
    texts = {row[0]: record_text(dict(zip(columns, row[1:], strict=True))) for row in rows}
    return [texts.get(rid, "") for rid in record_ids]


def refresh_features(db: Any, review_dir: Path) -> CacheReport:
    """Build or refresh the review's feature cache for every kept record (``screener dedupe``
    calls this at the end of a run, so the screening app's first model needs no hashing):
    rows of unchanged records are reused, new or edited ones hashed, the file written
    atomically with exactly the kept records."""
    kept = db.execute("select id from records where duplicate_of is null order by id")
    ids = [row[0] for row in kept]
    return cached_counts(cache_path(review_dir), ids, load_texts(db, ids), prune=True)[1]


def training_labels(verdicts: Mapping[int, str]) -> dict[int, bool]:
    """``{index: verdict}`` (include/exclude/maybe; anything else is skipped) to training labels:
    include and maybe are True, exclude is False."""
    out: dict[int, bool] = {}
    for index, verdict in verdicts.items():
        if verdict in ("include", "maybe"):
            out[index] = True
        elif verdict == "exclude":
            out[index] = False
    return out


# --------------------------------------------------------------------------- keywords


@dataclass(frozen=True)
class _Term:
    """A compiled term and the longest literal piece any match must contain (lower case), a
    cheap substring test that skips the regular expression for most texts."""

    term: str
    pattern: re.Pattern[str]
    literal: str

    @classmethod
    def of(cls, term: str) -> _Term:
        pattern = term_pattern([term])
        assert pattern is not None  # _compile_terms passes only terms with a letter or digit
        pieces = re.split(r"[\s*]+", term.strip().lower())
        return cls(term, pattern, max(pieces, key=len))

    def count(self, text: str, lowered: str) -> int:
        if self.literal not in lowered:
            return 0
        return len(self.pattern.findall(text))


def _compile_terms(terms: Sequence[str]) -> list[_Term]:
    return [_Term.of(t) for t in terms if t.strip().strip("*").strip()]


def _hits(text: str, terms: Sequence[_Term]) -> list[tuple[str, int]]:
    lowered = text.lower()
    counted = ((t.term, t.count(text, lowered)) for t in terms)
    return [(term, n) for term, n in counted if n]


# --------------------------------------------------------------------------- ranker


@dataclass(frozen=True)
class RankerState:
    """What the UI shows about the model.

    ``trained`` is False while the order comes from keywords; ``labels_used`` /
    ``includes_used`` / ``excludes_used`` count the labels of the last completed fit;
    ``since_fit`` is how many more labels the newest request (or the caller's count) has than
    that fit; ``fit_seconds`` is how long the last fit took (0.0 before any; the one-off matrix
    build is not counted); ``model`` is the model's name; ``features_ready`` tells whether the
    TF-IDF matrix has been built."""

    trained: bool
    labels_used: int
    includes_used: int
    excludes_used: int
    since_fit: int
    fit_seconds: float
    model: str
    features_ready: bool


@dataclass(frozen=True)
class _Snapshot:
    order: list[int] | None
    weights: NDArray[np.float64] | None
    labels_used: int
    includes_used: int
    fit_seconds: float


class Ranker:
    """Ranks the records of one review by how likely each is an include.

    ``texts`` holds one text per record in a fixed order (use :func:`record_text`); indices in
    every method refer to that order. ``include_terms`` / ``exclude_terms`` are the protocol's
    keywords, used for the order until both an include and an exclude are known."""

    def __init__(
        self,
        texts: Sequence[str],
        include_terms: Sequence[str] = (),
        exclude_terms: Sequence[str] = (),
        model: str = DEFAULT_MODEL,
        features: Features | None = None,
    ) -> None:
        if model not in MODELS:
            raise ValueError(f"unknown model {model!r}; choose one of {', '.join(MODELS)}")
        self.spec = MODELS[model]
        self.n = len(texts)
        self._include = _compile_terms(include_terms)
        self._exclude = _compile_terms(exclude_terms)
        self.include_terms = [t.term for t in self._include]
        self.exclude_terms = [t.term for t in self._exclude]
        self._texts = list(texts)
        self._matrix: sparse.csr_matrix | None = None
        self._features: Features | None = features
        if features is not None:
            if features.matrix.shape[0] != self.n:
                raise ValueError(f"{features.matrix.shape[0]} feature rows for {self.n} texts")
            self._matrix = features.matrix
        self._keyword_cache: NDArray[np.float64] | None = None  # scored on first need
        self._keyword_lock = threading.Lock()
        self._lock = threading.Lock()
        self._fit_lock = threading.Lock()
        self._requested = 0
        self._snapshot = _Snapshot(None, None, 0, 0, 0.0)  # None: the keyword order
        self._refitter: Refitter | None = None  # keeps the labelled rows and the last answer

    # -- features -----------------------------------------------------------------------

    def prepare(self) -> None:
        """Build the TF-IDF matrix now (the slow, once-only step; seconds per 10k records).
        Called by the first :meth:`fit` otherwise. Safe to call from a worker thread."""
        with self._fit_lock:
            self._ensure_matrix()

    def _ensure_matrix(self) -> sparse.csr_matrix:
        if self._matrix is None:
            spec = self.spec
            features = tfidf(hash_counts(self._texts), spec.keyword_weight, spec.min_df)
            with self._lock:
                self._matrix, self._features = features.matrix, features
            return features.matrix
        return self._matrix

    @property
    def matrix(self) -> sparse.csr_matrix:
        """The TF-IDF matrix (built on first use)."""
        with self._fit_lock:
            return self._ensure_matrix()

    # -- keyword order ------------------------------------------------------------------

    def _keyword_score(self, text: str) -> int:
        inc = sum(n for _, n in _hits(text, self._include))
        exc = sum(n for _, n in _hits(text, self._exclude))
        return inc - exc

    @property
    def _keyword_scores(self) -> NDArray[np.float64]:
        with self._keyword_lock:
            if self._keyword_cache is None:
                self._keyword_cache = np.array(
                    [self._keyword_score(t) for t in self._texts], dtype=np.float64
                )
            return self._keyword_cache

    def _keyword_order(self, labelled: Iterable[int]) -> list[int]:
        return _order_by(self._keyword_scores, labelled)

    # -- training -----------------------------------------------------------------------

    def fit(self, labels: Mapping[int, bool]) -> None:
        """Retrain on ``{index: included?}`` and compute a new order of the unlabelled
        records. Without at least one include and one exclude (or without any usable words)
        the order stays the keyword order. The first fit with both classes also builds the
        TF-IDF matrix unless :meth:`prepare` did. Safe to call from a worker thread."""
        for index in labels:
            if not 0 <= index < self.n:
                raise IndexError(f"record index {index} is outside 0..{self.n - 1}")
        with self._lock:
            self._requested = len(labels)
        with self._fit_lock:
            idx = np.fromiter(labels.keys(), dtype=np.int64, count=len(labels))
            y = np.fromiter((1 if labels[i] else 0 for i in idx), dtype=np.int64, count=len(idx))
            n_inc = int(y.sum())
            trainable = 0 < n_inc < len(y)
            # the matrix is built (once) only when there is something to train on
            matrix = self._ensure_matrix() if trainable else None
            start = time.perf_counter()
            weights: NDArray[np.float64] | None = None
            if matrix is not None and matrix.shape[1] > 0:
                if self._refitter is None:
                    self._refitter = self.spec.refitter(matrix)
                model = self._refitter.fit(idx, y)
                weights = model.weights
                order = _order_by(model.score(matrix), idx.tolist())
            else:
                order = self._keyword_order(idx.tolist())
            snapshot = _Snapshot(order, weights, len(y), n_inc, time.perf_counter() - start)
            with self._lock:
                self._snapshot = snapshot

    # -- reading ------------------------------------------------------------------------

    def order(self) -> list[int]:
        """Indices of the records unlabelled at the last completed fit, most likely include
        first (a copy; records decided since then are still in it, the caller skips them)."""
        with self._lock:
            order = self._snapshot.order
        if order is None:  # no fit yet: the keyword order of every record
            order = self._keyword_order(())
        return list(order)

    def explain(self, index: int, n: int = 8) -> list[tuple[str, float]]:
        """Up to ``n`` terms that raised this record's rank, strongest first, with their
        contribution (TF-IDF weight x model weight). Before training: the include keywords
        found in the record, with their hit counts."""
        with self._lock:
            weights = self._snapshot.weights
            matrix, features = self._matrix, self._features
        if weights is None or matrix is None:
            hits = _hits(self._texts[index], self._include)
            hits.sort(key=lambda h: -h[1])
            return [(term, float(count)) for term, count in hits[:n]]
        assert features is not None
        return features.explain(index, self._texts[index], weights, n)

    def state(self, n_labelled: int | None = None) -> RankerState:
        """The model's state. ``n_labelled`` (labels the reviewer has made now) gives
        ``since_fit``; without it, the count of the newest fit request is used."""
        with self._lock:
            snap = self._snapshot
            requested = self._requested if n_labelled is None else n_labelled
            ready = self._matrix is not None
        return RankerState(
            trained=snap.weights is not None,
            labels_used=snap.labels_used,
            includes_used=snap.includes_used,
            excludes_used=snap.labels_used - snap.includes_used,
            since_fit=max(requested - snap.labels_used, 0),
            fit_seconds=snap.fit_seconds,
            model=self.spec.name,
            features_ready=ready,
        )


def _order_by(scores: Scores, labelled: Iterable[int]) -> list[int]:
    """Indices sorted by score, highest first, ties in index order, labelled ones left out."""
    ranked = np.argsort(-scores, kind="stable")
    mask = np.ones(len(scores), dtype=bool)
    done = list(labelled)
    if done:
        mask[np.asarray(done, dtype=np.int64)] = False
    return [int(i) for i in ranked[mask[ranked]]]
