"""Relevance models for ranking: linear classifiers over the shared TF-IDF features (no UI here).

Every model reads the same features (:mod:`screener.ranking.features`: hashed word 1-2-grams,
sublinear TF-IDF), so one cached matrix serves them all. A fitted model is reduced to one weight
per feature column (:class:`LinearModel`): a record's score is its TF-IDF row times the weights,
and the terms behind a high score are the explanation. An ensemble is linear too: each member's
scores are standardised (mean 0, sd 1 over all records) and added, which is the same as adding
the members' weights divided by their sd.

Class weights (:func:`sample_weights`): every exclude has the fixed weight ``1 / (1 + ratio)``
and the includes share ``ratio`` times the excludes' total weight (ratio 9.8 for the SVM, as
ASReview's ELAS u4; ASReview rescales both classes so the weights sum to the number of records,
which differs from this only while includes are a large share of the labels). A fixed exclude
weight is what lets the simulation refit the SVM exactly in milliseconds
(:mod:`screener.ranking.incremental`).

Each model fits in three ways that give the same weights: :meth:`ModelSpec.fit` on a labelled
set at once, :meth:`ModelSpec.refitter`, which keeps the labelled rows and the last answer between
fits so that each fit starts from the previous one (the app's ranking process: the SVM by
Newton's method, :mod:`screener.ranking.solver`), and :meth:`ModelSpec.learner`, which adds one
labelled record at a time and solves exactly (the simulation, which refits after every
decision). See :mod:`screener.ranking.ranker` for which model is the default and why.
No fit needs scikit-learn (the tests compare the SVM with its ``LinearSVC``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from screener.ranking.linear import (
    Fit,
    Learner,
    LinearModel,
    Member,
    Scores,
    WarmFit,
    class_weights,
)
from screener.ranking.linear import sample_weights as sample_weights
from screener.ranking.solver import Labelled, LabelledRows
from screener.ranking.svm import svm_member
from screener.ranking.svm import svm_weights as svm_weights

NB_ALPHA = 3.822
NB_RATIO = 1.2


def _nb_weights(pos: Scores, neg: Scores, n_pos: int, n_neg: int) -> LinearModel:
    """Multinomial naive Bayes from the class sums of the feature rows (ASReview's ELAS u3:
    alpha 3.822, includes weighted 1.2:1): log-odds of include per unit of each feature (the
    class prior is a constant, so rank-neutral)."""
    w_pos, w_neg = class_weights(n_pos, n_neg, NB_RATIO)
    fc_pos, fc_neg = w_pos * pos + NB_ALPHA, w_neg * neg + NB_ALPHA
    return LinearModel(np.log(fc_pos / fc_pos.sum()) - np.log(fc_neg / fc_neg.sum()))


def _column_sum(X: sparse.csr_matrix) -> Scores:
    return np.asarray(X.sum(axis=0), dtype=np.float64).ravel()


def _fit_nb(X: sparse.csr_matrix, y: NDArray[np.int_]) -> LinearModel:
    mask = y == 1
    return _nb_weights(
        _column_sum(X[mask]), _column_sum(X[~mask]), int(mask.sum()), int((~mask).sum())
    )


class _NbLearner:
    def __init__(self, matrix: sparse.csr_matrix) -> None:
        self.matrix = matrix
        self.sums = np.zeros((2, matrix.shape[1]))
        self.counts = [0, 0]

    def add(self, row: int, include: bool) -> None:
        start, end = self.matrix.indptr[row], self.matrix.indptr[row + 1]
        self.sums[int(include), self.matrix.indices[start:end]] += self.matrix.data[start:end]
        self.counts[int(include)] += 1

    def model(self) -> LinearModel:
        return _nb_weights(self.sums[1], self.sums[0], self.counts[1], self.counts[0])


SVM = svm_member()
SVM_R20 = svm_member(ratio=20)
NB = Member(_fit_nb, _NbLearner)


class _Refit:
    """A learner that refits from scratch (for members without an incremental learner)."""

    def __init__(self, matrix: sparse.csr_matrix, fit: Fit) -> None:
        self.matrix, self.fit = matrix, fit
        self.rows: list[int] = []
        self.labels: list[int] = []

    def add(self, row: int, include: bool) -> None:
        self.rows.append(row)
        self.labels.append(int(include))

    def model(self) -> LinearModel:
        return self.fit(self.matrix[self.rows], np.asarray(self.labels, dtype=np.int_))


def _combine(
    matrix: sparse.csr_matrix, models: Sequence[LinearModel], by_rank: bool = False
) -> LinearModel:
    """One model, or the members' weights each divided by the sd of its scores, added (with
    ``by_rank``: a model whose score is the members' mean rank, see :class:`_RankAverage`)."""
    if len(models) == 1:
        return models[0]
    total = np.zeros(matrix.shape[1], dtype=np.float64)
    for model in models:
        sd = float(np.std(model.score(matrix)))
        if sd > 0:
            total += model.weights / sd
    return _RankAverage(total, models) if by_rank else LinearModel(total)


class _RankAverage(LinearModel):
    """Scores are the members' ranks averaged (rank averaging of an ensemble, not linear);
    ``weights`` (for explanations) are the standardised members' weights added."""

    def __init__(self, weights: NDArray[np.float64], models: Sequence[LinearModel]) -> None:
        super().__init__(weights)
        self.models = list(models)

    def score(self, X: sparse.csr_matrix) -> Scores:
        ranks = [np.argsort(np.argsort(m.score(X), kind="stable")) for m in self.models]
        return np.asarray(np.mean(ranks, axis=0), dtype=np.float64)


def _fit_lr(X: sparse.csr_matrix, y: NDArray[np.int_]) -> LinearModel:
    """L2 logistic regression, C 1, includes 20 times the excludes' total (a pool-3 member)."""
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=1.0, solver="liblinear")
    clf.fit(X, y, sample_weight=sample_weights(y, 20.0))
    return LinearModel(np.asarray(clf.coef_, dtype=np.float64).ravel())


def double_weights(y: NDArray[np.int_]) -> NDArray[np.float64]:
    """ASReview 0.x's "double" balance (dynamic resampling: a 2.155, alpha 0.94, b 0.789, beta
    1.0) as the weights its resampling gives in expectation: each include ``a (n1/n0)^-alpha``,
    each exclude ``1 - (1 - b)(1 + n)^-beta``, scaled to sum to the number of labels ``n``."""
    n = len(y)
    n1 = int(np.sum(y))
    n0 = n - n1
    one = 2.155 * (max(n1, 1) / max(n0, 1)) ** -0.94
    zero = 1.0 - (1.0 - 0.789) * (1.0 + n) ** -1.0
    return np.asarray(np.where(y == 1, one, zero) * n / (one * n1 + zero * n0), dtype=np.float64)


@dataclass(frozen=True)
class ModelSpec:
    """A relevance model: its name, a one-line description, its members (one for a single
    model, several for an ensemble of standardised scores) and its features."""

    name: str
    description: str
    members: tuple[Member, ...]
    keyword_weight: float = 0.0  # the keyword tokens' part of the features (0: left out)
    min_df: int = 1  # records a term must occur in
    by_rank: bool = False  # an ensemble's members combined by mean rank (else standardised)
    explore: float = 0.0  # simulation only: the share of picks made at random (exploration)

    def fit(
        self, matrix: sparse.csr_matrix, idx: NDArray[np.int64], y: NDArray[np.int_]
    ) -> LinearModel:
        """Fit on rows ``idx`` of ``matrix`` with labels ``y``."""
        X = matrix[idx]
        return _combine(matrix, [member.fit(X, y) for member in self.members], self.by_rank)

    def learner(self, matrix: sparse.csr_matrix) -> Learner:
        """A learner over ``matrix``: add labelled rows one by one, ask for the model."""
        return _Ensemble(matrix, self.members, self.by_rank)

    def refitter(self, matrix: sparse.csr_matrix) -> Refitter:
        """Fits on labelled sets of ``matrix`` that grow between fits (the app's ranking
        process), each started from the previous one: see :class:`Refitter`."""
        return Refitter(matrix, self.members, self.by_rank)


class _ColdFit:
    """A member fitted from scratch on the labelled rows with every matrix column."""

    def __init__(self, matrix: sparse.csr_matrix, fit: Fit) -> None:
        self.matrix, self._fit = matrix, fit

    def fit(self, labelled: Labelled, y: NDArray[np.int_], n_columns: int) -> LinearModel:
        return self._fit(self.matrix[labelled.records], y)


class Refitter:
    """Refits of one spec's members on ``{row: label}`` sets of one matrix: the labelled rows
    are kept as a matrix of their own (:class:`screener.ranking.solver.LabelledRows`: new rows
    appended, nothing sliced again, only the columns they use), and each member that can (the
    SVM) starts from its previous answer. The weights are those of :meth:`ModelSpec.fit` on the
    same labels, to the solver's tolerance."""

    def __init__(
        self, matrix: sparse.csr_matrix, members: Sequence[Member], by_rank: bool = False
    ) -> None:
        self.matrix, self.by_rank = matrix, by_rank
        self.rows = LabelledRows(matrix)
        self.members: list[WarmFit] = [
            m.warm() if m.warm is not None else _ColdFit(matrix, m.fit) for m in members
        ]

    def fit(self, idx: NDArray[np.int64], y: NDArray[np.int_]) -> LinearModel:
        """Fit on rows ``idx`` of the matrix with labels ``y`` (1 include, 0 exclude)."""
        labelled = self.rows.take(idx)
        labels = np.zeros(labelled.rows.shape[0], dtype=np.int64)
        labels[labelled.positions] = y
        n_columns = self.matrix.shape[1]
        models = [m.fit(labelled, labels, n_columns) for m in self.members]
        return _combine(self.matrix, models, self.by_rank)


class _Ensemble:
    def __init__(
        self, matrix: sparse.csr_matrix, members: Sequence[Member], by_rank: bool = False
    ) -> None:
        self.matrix, self.by_rank = matrix, by_rank
        self.learners: list[Learner] = [
            m.learner(matrix) if m.learner is not None else _Refit(matrix, m.fit) for m in members
        ]

    def add(self, row: int, include: bool) -> None:
        for learner in self.learners:
            learner.add(row, include)

    def model(self) -> LinearModel:
        return _combine(self.matrix, [learner.model() for learner in self.learners], self.by_rank)


LR = Member(_fit_lr)


MODELS: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        ModelSpec("svm", "linear SVM (C 0.11), includes 9.8:1 (ASReview ELAS u4)", (SVM,)),
        ModelSpec("nb", "multinomial naive Bayes, alpha 3.822, 1.2:1 (ASReview ELAS u3)", (NB,)),
        ModelSpec("svm+nb", "SVM and naive Bayes, standardised scores added", (SVM, NB)),
        ModelSpec("svm-kw0.25", "the SVM, keywords as a block at weight 0.25", (SVM,), 0.25),
        ModelSpec("svm+nb-kw0.25", "SVM and naive Bayes, keywords at weight 0.25", (SVM, NB), 0.25),
        ModelSpec("svm-c0.05", "the SVM with C 0.05", (svm_member(c=0.05),)),
        ModelSpec("svm-c0.25", "the SVM with C 0.25", (svm_member(c=0.25),)),
        ModelSpec("svm-r20", "the SVM, includes 20x the excludes' total", (SVM_R20,)),
        # pool 3 (bench/README.md, "Ranking quality against ASReview")
        ModelSpec(
            "svm-double",
            "the SVM, ASReview 0.x's double balance",
            (svm_member(weigh=double_weights),),
        ),
        ModelSpec(
            "svm+nb-rank", "svm-r20 and naive Bayes, ranks averaged", (SVM_R20, NB), by_rank=True
        ),
        ModelSpec("svm+lr", "svm-r20 and logistic regression, standardised", (SVM_R20, LR)),
        ModelSpec(
            "svm-explore", "svm-r20, 5 % of picks at random (simulation)", (SVM_R20,), explore=0.05
        ),
    )
}
DEFAULT_MODEL = "svm-r20"


def build_matrix(texts: Sequence[str], spec: ModelSpec) -> sparse.csr_matrix:
    """The TF-IDF matrix of ``texts`` for ``spec`` (no cache; see
    :mod:`screener.ranking.features`)."""
    from screener.ranking.features import hash_counts, tfidf

    return tfidf(hash_counts(texts), spec.keyword_weight, spec.min_df).matrix
