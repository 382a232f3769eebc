"""Relevance models for ranking: TF-IDF settings and linear classifiers (no UI here).

See :mod:`screener.ranking.ranker` for the models' descriptions and the Ranker that uses them.
scikit-learn is imported inside the functions that fit, so the command line starts fast.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

Scores = NDArray[np.float64]


class LinearModel:
    """A fitted classifier reduced to what ranking needs: per-feature weights and a score."""

    def __init__(self, clf: Any, weights: NDArray[np.float64]) -> None:
        self.clf = clf
        self.weights = weights

    def score(self, X: sparse.csr_matrix) -> Scores:
        return np.asarray(X @ self.weights, dtype=np.float64).ravel()


def _ratio_weights(y: NDArray[np.int_], ratio: float) -> NDArray[np.float64]:
    """Sample weights giving the includes ``ratio`` times the total weight of the excludes
    (ASReview's "balanced" balancer), scaled to sum to the number of samples."""
    n_pos = max(int(y.sum()), 1)
    n_neg = max(len(y) - n_pos, 1)
    weights = np.where(y == 1, 1.0, n_pos / (ratio * n_neg))
    return np.asarray(weights * (len(y) / weights.sum()), dtype=np.float64)


def _fit_svm(X: sparse.csr_matrix, y: NDArray[np.int_]) -> LinearModel:
    from sklearn.svm import LinearSVC

    clf = LinearSVC(C=0.11, loss="squared_hinge", dual="auto", max_iter=5000)
    clf.fit(X, y, sample_weight=_ratio_weights(y, 9.8))
    return LinearModel(clf, np.asarray(clf.coef_, dtype=np.float64).ravel())


def _fit_sgd(X: sparse.csr_matrix, y: NDArray[np.int_]) -> LinearModel:
    from sklearn.linear_model import SGDClassifier

    clf = SGDClassifier(loss="log_loss", alpha=1e-4, class_weight="balanced", random_state=0)
    clf.fit(X, y)
    return LinearModel(clf, np.asarray(clf.coef_, dtype=np.float64).ravel())


def _fit_nb(X: sparse.csr_matrix, y: NDArray[np.int_]) -> LinearModel:
    from sklearn.naive_bayes import MultinomialNB

    clf = MultinomialNB(alpha=3.822)
    clf.fit(X, y, sample_weight=_ratio_weights(y, 1.2))
    log_prob = np.asarray(clf.feature_log_prob_, dtype=np.float64)
    # log-odds of include per unit of feature; the class prior is a constant, so rank-neutral
    return LinearModel(clf, log_prob[1] - log_prob[0])


@dataclass(frozen=True)
class ModelSpec:
    """A relevance model: its TF-IDF settings and how to fit its classifier."""

    name: str
    description: str
    vectorizer: Mapping[str, Any]
    fit: Callable[[sparse.csr_matrix, NDArray[np.int_]], LinearModel]


_WORDS_12 = {"ngram_range": (1, 2), "sublinear_tf": True, "max_df": 0.95}
MODELS: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        ModelSpec("svm", "TF-IDF 1-2-grams + linear SVM (ASReview ELAS u4)", _WORDS_12, _fit_svm),
        ModelSpec(
            "sgd", "TF-IDF 1-2-grams + logistic regression (SGD), balanced", _WORDS_12, _fit_sgd
        ),
        ModelSpec(
            "nb",
            "TF-IDF words + multinomial naive Bayes (ASReview ELAS u3)",
            {"stop_words": "english"},
            _fit_nb,
        ),
    )
}
DEFAULT_MODEL = "svm"


def build_matrix(texts: Sequence[str], spec: ModelSpec) -> tuple[sparse.csr_matrix, list[str]]:
    """The TF-IDF matrix (one row per text) and its feature names. Words must appear in two
    records to count (one in sets under 50 records); an empty vocabulary gives zero columns."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    options = dict(spec.vectorizer)
    options["min_df"] = 2 if len(texts) >= 50 else 1
    vectorizer = TfidfVectorizer(dtype=np.float32, **options)
    try:
        X = vectorizer.fit_transform(list(texts)).tocsr()
    except ValueError:  # empty vocabulary: no usable words at all
        return sparse.csr_matrix((len(texts), 0), dtype=np.float32), []
    return X, [str(t) for t in vectorizer.get_feature_names_out()]


def fit_scores(
    matrix: sparse.csr_matrix, labels: Mapping[int, bool], model: str = DEFAULT_MODEL
) -> Scores:
    """Scores for every row of a prebuilt matrix after fitting ``model`` on ``labels`` (which
    must hold both classes): the fast path the simulation uses."""
    idx = np.fromiter(labels.keys(), dtype=np.int64, count=len(labels))
    y = np.fromiter((1 if labels[i] else 0 for i in idx), dtype=np.int64, count=len(idx))
    return MODELS[model].fit(matrix[idx], y).score(matrix)
