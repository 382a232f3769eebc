"""Relevance models for ranking: linear classifiers over the shared TF-IDF features (no UI here).

Every model reads the same features (:mod:`screener.ranking.features`: hashed word 1-2-grams,
sublinear TF-IDF), so one cached matrix serves them all. A fitted model is reduced to one weight
per feature column (:class:`LinearModel`): a record's score is its TF-IDF row times the weights,
and the terms behind a high score are the explanation. An ensemble is linear too: each member's
scores are standardised (mean 0, sd 1 over all records) and added, which is the same as adding
the members' weights divided by their sd.

See :mod:`screener.ranking.ranker` for which model is the default and why. scikit-learn is
imported inside the functions that fit, so the command line starts fast.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

Scores = NDArray[np.float64]
Fit = Callable[[sparse.csr_matrix, NDArray[np.int_]], "LinearModel"]


class LinearModel:
    """A fitted model reduced to what ranking needs: per-feature weights and a score."""

    def __init__(self, weights: NDArray[np.float64]) -> None:
        self.weights = weights

    def score(self, X: sparse.csr_matrix) -> Scores:
        return np.asarray(X @ self.weights.astype(X.dtype), dtype=np.float64).ravel()


def _ratio_weights(y: NDArray[np.int_], ratio: float) -> NDArray[np.float64]:
    """Sample weights giving the includes ``ratio`` times the total weight of the excludes
    (ASReview's "balanced" balancer), scaled to sum to the number of samples."""
    n_pos = max(int(y.sum()), 1)
    n_neg = max(len(y) - n_pos, 1)
    weights = np.where(y == 1, 1.0, n_pos / (ratio * n_neg))
    return np.asarray(weights * (len(y) / weights.sum()), dtype=np.float64)


def _fit_svm(X: sparse.csr_matrix, y: NDArray[np.int_]) -> LinearModel:
    from sklearn.svm import LinearSVC

    clf = LinearSVC(C=0.11, loss="squared_hinge", dual=True, max_iter=5000)
    clf.fit(X, y, sample_weight=_ratio_weights(y, 9.8))
    return LinearModel(np.asarray(clf.coef_, dtype=np.float64).ravel())


def _fit_nb(X: sparse.csr_matrix, y: NDArray[np.int_]) -> LinearModel:
    from sklearn.naive_bayes import MultinomialNB

    clf = MultinomialNB(alpha=3.822)
    clf.fit(X, y, sample_weight=_ratio_weights(y, 1.2))
    log_prob = np.asarray(clf.feature_log_prob_, dtype=np.float64)
    # log-odds of include per unit of feature; the class prior is a constant, so rank-neutral
    return LinearModel(log_prob[1] - log_prob[0])


def _fit_lr(X: sparse.csr_matrix, y: NDArray[np.int_]) -> LinearModel:
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=1.0, solver="liblinear")
    clf.fit(X, y, sample_weight=_ratio_weights(y, 9.8))
    return LinearModel(np.asarray(clf.coef_, dtype=np.float64).ravel())


def _fit_rocchio(X: sparse.csr_matrix, y: NDArray[np.int_]) -> LinearModel:
    """Relevance feedback (Rocchio): the includes' mean TF-IDF row minus half the excludes'."""
    pos = np.asarray(X[y == 1].mean(axis=0), dtype=np.float64).ravel()
    neg = np.asarray(X[y == 0].mean(axis=0), dtype=np.float64).ravel()
    return LinearModel(pos - 0.5 * neg)


@dataclass(frozen=True)
class ModelSpec:
    """A relevance model: its name, a one-line description, and its members (one fit function
    for a single model, several for an ensemble of standardised scores)."""

    name: str
    description: str
    members: tuple[Fit, ...]
    keyword_weight: float = 1.0  # the keyword tokens' part of the features (0: left out)
    min_df: int = 2  # records a term must occur in (1 below 50 records)

    def fit(
        self, matrix: sparse.csr_matrix, idx: NDArray[np.int64], y: NDArray[np.int_]
    ) -> LinearModel:
        """Fit on rows ``idx`` of ``matrix`` with labels ``y``; ensemble members are scaled by
        the sd of their scores over all rows."""
        X = matrix[idx]
        if len(self.members) == 1:
            return self.members[0](X, y)
        total = np.zeros(matrix.shape[1], dtype=np.float64)
        for member in self.members:
            w = member(X, y).weights
            sd = float(np.std(np.asarray(matrix @ w.astype(matrix.dtype), dtype=np.float64)))
            if sd > 0:
                total += w / sd
        return LinearModel(total)


MODELS: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        ModelSpec("svm", "linear SVM, includes weighted 9.8:1 (ASReview ELAS u4)", (_fit_svm,)),
        ModelSpec("svm-kw0.5", "the SVM, keywords at half weight", (_fit_svm,), 0.5),
        ModelSpec("svm-kw0", "the SVM without the keywords", (_fit_svm,), 0.0),
        ModelSpec("svm-kw0-df1", "the SVM without the keywords, min_df 1", (_fit_svm,), 0.0, 1),
        ModelSpec(
            "nb", "multinomial naive Bayes, alpha 3.822, 1.2:1 (ASReview ELAS u3)", (_fit_nb,)
        ),
        ModelSpec("lr", "logistic regression (liblinear, C 1), 9.8:1", (_fit_lr,)),
        ModelSpec("svm+nb", "SVM and naive Bayes, standardised scores added", (_fit_svm, _fit_nb)),
        ModelSpec(
            "svm+lr", "SVM and logistic regression, standardised scores added", (_fit_svm, _fit_lr)
        ),
        ModelSpec(
            "svm+rocchio",
            "SVM and Rocchio relevance feedback, standardised scores added",
            (_fit_svm, _fit_rocchio),
        ),
    )
}
DEFAULT_MODEL = "svm-kw0-df1"


def build_matrix(texts: Sequence[str], spec: ModelSpec) -> sparse.csr_matrix:
    """The TF-IDF matrix of ``texts`` for ``spec`` (no cache; see
    :mod:`screener.ranking.features`)."""
    from screener.ranking.features import hash_counts, tfidf

    return tfidf(hash_counts(texts), spec.keyword_weight, spec.min_df).matrix


def fit_scores(
    matrix: sparse.csr_matrix, labels: Mapping[int, bool], model: str = DEFAULT_MODEL
) -> Scores:
    """Scores for every row of a prebuilt matrix after fitting ``model`` on ``labels`` (which
    must hold both classes): the fast path the simulation uses."""
    idx = np.fromiter(labels.keys(), dtype=np.int64, count=len(labels))
    y = np.fromiter((1 if labels[i] else 0 for i in idx), dtype=np.int64, count=len(idx))
    return MODELS[model].fit(matrix, idx, y).score(matrix)
