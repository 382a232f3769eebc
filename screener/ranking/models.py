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

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from screener.ranking.incremental import IncrementalSVM
from screener.ranking.solver import Labelled, LabelledRows, Solution, solve

Scores = NDArray[np.float64]
SVM_C = 0.11
SVM_RATIO = 9.8
NB_ALPHA = 3.822
NB_RATIO = 1.2


class LinearModel:
    """A fitted model reduced to what ranking needs: per-feature weights and a score."""

    def __init__(self, weights: NDArray[np.float64]) -> None:
        self.weights = weights

    def score(self, X: sparse.csr_matrix) -> Scores:
        return np.asarray(X @ self.weights.astype(X.dtype), dtype=np.float64).ravel()


Fit = Callable[[sparse.csr_matrix, NDArray[np.int_]], LinearModel]


class WarmFit(Protocol):
    """A model refitted on a growing labelled set, each fit started from the last (see
    :meth:`ModelSpec.refitter`); gives the weights of every matrix column."""

    def fit(self, labelled: Labelled, y: NDArray[np.int_], n_columns: int) -> LinearModel: ...


@dataclass(frozen=True)
class Member:
    """One model of a spec: ``fit`` on a labelled set at once, ``learner`` one record at a
    time (None: the learner refits with ``fit`` each time), ``warm`` a fit that starts from the
    previous one (None: ``fit`` each time)."""

    fit: Fit
    learner: Callable[[sparse.csr_matrix], Learner] | None = None
    warm: Callable[[], WarmFit] | None = None


class Learner(Protocol):
    """A model fitted one labelled record at a time (see :meth:`ModelSpec.learner`)."""

    def add(self, row: int, include: bool) -> None: ...

    def model(self) -> LinearModel: ...


def class_weights(n_includes: int, n_excludes: int, ratio: float) -> tuple[float, float]:
    """``(include weight, exclude weight)``: each exclude ``1 / (1 + ratio)``, the includes
    together ``ratio`` times the excludes' total."""
    exclude = 1.0 / (1.0 + ratio)
    include = ratio * max(n_excludes, 1) * exclude / max(n_includes, 1)
    return include, exclude


def sample_weights(y: NDArray[np.int_], ratio: float) -> NDArray[np.float64]:
    """One weight per labelled record (see :func:`class_weights`)."""
    n_pos = int(y.sum())
    include, exclude = class_weights(n_pos, len(y) - n_pos, ratio)
    return np.where(y == 1, include, exclude).astype(np.float64)


def svm_solution(
    X: sparse.csr_matrix,
    y: NDArray[np.int_],
    c: float = SVM_C,
    ratio: float = SVM_RATIO,
    start: tuple[NDArray[np.float64], float] | None = None,
    outputs: NDArray[np.float64] | None = None,
) -> Solution:
    """liblinear's squared-hinge SVM (intercept regularised) with each record's cost ``c``
    times its :func:`sample_weights`, solved by :func:`screener.ranking.solver.solve`."""
    sign = np.where(np.asarray(y) == 1, 1.0, -1.0)
    return solve(X, sign, c * sample_weights(np.asarray(y), ratio), start, outputs)


def svm_weights(
    X: sparse.csr_matrix, y: NDArray[np.int_], c: float = SVM_C, ratio: float = SVM_RATIO
) -> NDArray[np.float64]:
    """The SVM's column weights, then the intercept (from zero: :func:`svm_solution`)."""
    solution = svm_solution(X, y, c, ratio)
    return np.append(solution.weights, solution.intercept)


class _WarmSvm:
    """The SVM refitted from the previous fit's weights and outputs (see :class:`WarmFit`),
    on the labelled rows' own columns."""

    def __init__(self, c: float, ratio: float) -> None:
        self.c, self.ratio = c, ratio
        self.last: Solution | None = None
        self._weights: NDArray[np.float64] | None = None  # the last fit's, every column

    def fit(self, labelled: Labelled, y: NDArray[np.int_], n_columns: int) -> LinearModel:
        rows, kept = labelled.rows, labelled.kept
        last, start, outputs = self.last, None, None
        if last is not None and self._weights is not None:
            start = (self._weights[labelled.columns], last.intercept)
            outputs = np.empty(rows.shape[0])
            outputs[:kept] = last.outputs[:kept]
            new = rows[kept:]
            outputs[kept:] = np.asarray(new @ start[0].astype(new.dtype), dtype=np.float64)
            outputs[kept:] += last.intercept
        self.last = svm_solution(rows, y, self.c, self.ratio, start, outputs)
        weights = np.zeros(n_columns)
        weights[labelled.columns] = self.last.weights
        self._weights = weights
        return LinearModel(weights)


def svm_member(c: float = SVM_C, ratio: float = SVM_RATIO) -> Member:
    """The SVM with cost ``c`` and includes weighted ``ratio`` times the excludes' total."""

    def fit(X: sparse.csr_matrix, y: NDArray[np.int_]) -> LinearModel:
        return LinearModel(svm_weights(X, y, c, ratio)[:-1])

    def learner(matrix: sparse.csr_matrix) -> Learner:
        def include_c(n_inc: int, n_exc: int) -> float:
            return c * class_weights(n_inc, n_exc, ratio)[0]

        def fallback(idx: NDArray[np.int64], y: NDArray[np.int_]) -> NDArray[np.float64]:
            return svm_weights(matrix[idx], y, c, ratio)

        exclude_c = c * class_weights(1, 1, ratio)[1]
        return _SvmLearner(IncrementalSVM(matrix, exclude_c, include_c, fallback))

    return Member(fit, learner, lambda: _WarmSvm(c, ratio))


class _SvmLearner:
    def __init__(self, svm: IncrementalSVM) -> None:
        self.svm = svm

    def add(self, row: int, include: bool) -> None:
        self.svm.add(row, include)

    def model(self) -> LinearModel:
        return LinearModel(self.svm.weights()[0])


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


def _combine(matrix: sparse.csr_matrix, models: Sequence[LinearModel]) -> LinearModel:
    """One model, or the members' weights each divided by the sd of its scores, added."""
    if len(models) == 1:
        return models[0]
    total = np.zeros(matrix.shape[1], dtype=np.float64)
    for model in models:
        sd = float(np.std(model.score(matrix)))
        if sd > 0:
            total += model.weights / sd
    return LinearModel(total)


@dataclass(frozen=True)
class ModelSpec:
    """A relevance model: its name, a one-line description, its members (one for a single
    model, several for an ensemble of standardised scores) and its features."""

    name: str
    description: str
    members: tuple[Member, ...]
    keyword_weight: float = 0.0  # the keyword tokens' part of the features (0: left out)
    min_df: int = 1  # records a term must occur in

    def fit(
        self, matrix: sparse.csr_matrix, idx: NDArray[np.int64], y: NDArray[np.int_]
    ) -> LinearModel:
        """Fit on rows ``idx`` of ``matrix`` with labels ``y``."""
        X = matrix[idx]
        return _combine(matrix, [member.fit(X, y) for member in self.members])

    def learner(self, matrix: sparse.csr_matrix) -> Learner:
        """A learner over ``matrix``: add labelled rows one by one, ask for the model."""
        return _Ensemble(matrix, self.members)

    def refitter(self, matrix: sparse.csr_matrix) -> Refitter:
        """Fits on labelled sets of ``matrix`` that grow between fits (the app's ranking
        process), each started from the previous one: see :class:`Refitter`."""
        return Refitter(matrix, self.members)


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

    def __init__(self, matrix: sparse.csr_matrix, members: Sequence[Member]) -> None:
        self.matrix = matrix
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
        return _combine(self.matrix, [m.fit(labelled, labels, n_columns) for m in self.members])


class _Ensemble:
    def __init__(self, matrix: sparse.csr_matrix, members: Sequence[Member]) -> None:
        self.matrix = matrix
        self.learners: list[Learner] = [
            m.learner(matrix) if m.learner is not None else _Refit(matrix, m.fit) for m in members
        ]

    def add(self, row: int, include: bool) -> None:
        for learner in self.learners:
            learner.add(row, include)

    def model(self) -> LinearModel:
        return _combine(self.matrix, [learner.model() for learner in self.learners])


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
        ModelSpec("svm-r20", "the SVM, includes 20x the excludes' total", (svm_member(ratio=20),)),
    )
}
DEFAULT_MODEL = "svm-r20"


def build_matrix(texts: Sequence[str], spec: ModelSpec) -> sparse.csr_matrix:
    """The TF-IDF matrix of ``texts`` for ``spec`` (no cache; see
    :mod:`screener.ranking.features`)."""
    from screener.ranking.features import hash_counts, tfidf

    return tfidf(hash_counts(texts), spec.keyword_weight, spec.min_df).matrix


def fit_scores(
    matrix: sparse.csr_matrix, labels: Mapping[int, bool], model: str = DEFAULT_MODEL
) -> Scores:
    """Scores for every row of a prebuilt matrix after fitting ``model`` on ``labels`` (which
    must hold both classes)."""
    idx = np.fromiter(labels.keys(), dtype=np.int64, count=len(labels))
    y = np.fromiter((1 if labels[i] else 0 for i in idx), dtype=np.int64, count=len(idx))
    return MODELS[model].fit(matrix, idx, y).score(matrix)
