"""The relevance SVM (squared hinge, liblinear's problem) in its three ways of fitting (no UI here).

- :func:`svm_weights` / :func:`svm_solution`: on a labelled set at once, by Newton's method from
  zero (:mod:`screener.ranking.solver`);
- ``_WarmSvm`` (a :class:`screener.ranking.linear.WarmFit`): the app's refits, each started
  from the previous fit's weights and outputs, on the labelled rows' own columns;
- ``_SvmLearner``: the simulation's exact incremental solve
  (:mod:`screener.ranking.incremental`), one labelled record at a time.

Every record's cost is ``c`` times its weight: :func:`screener.ranking.linear.sample_weights`
(``ratio``), or a ``weigh`` function of the labels (the exclude weight may then change with the
labels, which the incremental solve cannot follow: the learner refits by Newton's method from
the last fit instead).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from screener.ranking.incremental import IncrementalSVM
from screener.ranking.linear import Learner, LinearModel, Member, class_weights, sample_weights
from screener.ranking.solver import Labelled, LabelledRows, Solution, solve

SVM_C = 0.11
SVM_RATIO = 9.8
Weigh = Callable[[NDArray[np.int_]], NDArray[np.float64]]


def svm_solution(
    X: sparse.csr_matrix,
    y: NDArray[np.int_],
    c: float = SVM_C,
    ratio: float = SVM_RATIO,
    start: tuple[NDArray[np.float64], float] | None = None,
    outputs: NDArray[np.float64] | None = None,
    weigh: Weigh | None = None,
) -> Solution:
    """liblinear's squared-hinge SVM (intercept regularised) with each record's cost ``c``
    times its :func:`sample_weights` (or ``weigh(y)``), solved by
    :func:`screener.ranking.solver.solve`."""
    y = np.asarray(y)
    sign = np.where(y == 1, 1.0, -1.0)
    weights = sample_weights(y, ratio) if weigh is None else weigh(y)
    return solve(X, sign, c * weights, start, outputs)


def svm_weights(
    X: sparse.csr_matrix, y: NDArray[np.int_], c: float = SVM_C, ratio: float = SVM_RATIO
) -> NDArray[np.float64]:
    """The SVM's column weights, then the intercept (from zero: :func:`svm_solution`)."""
    solution = svm_solution(X, y, c, ratio)
    return np.append(solution.weights, solution.intercept)


class _WarmSvm:
    """The SVM refitted from the previous fit's weights and outputs (see :class:`WarmFit`),
    on the labelled rows' own columns."""

    def __init__(self, c: float, ratio: float, weigh: Weigh | None = None) -> None:
        self.c, self.ratio, self.weigh = c, ratio, weigh
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
        self.last = svm_solution(rows, y, self.c, self.ratio, start, outputs, self.weigh)
        weights = np.zeros(n_columns)
        weights[labelled.columns] = self.last.weights
        self._weights = weights
        return LinearModel(weights)


def svm_member(c: float = SVM_C, ratio: float = SVM_RATIO, weigh: Weigh | None = None) -> Member:
    """The SVM with cost ``c`` and includes weighted ``ratio`` times the excludes' total (or
    each record weighted by ``weigh(labels)``)."""

    def fit(X: sparse.csr_matrix, y: NDArray[np.int_]) -> LinearModel:
        return LinearModel(svm_solution(X, y, c, ratio, weigh=weigh).weights)

    def learner(matrix: sparse.csr_matrix) -> Learner:
        if weigh is not None:  # exclude weights that change: refit from the last fit
            return _WarmLearner(matrix, _WarmSvm(c, ratio, weigh))

        def include_c(n_inc: int, n_exc: int) -> float:
            return c * class_weights(n_inc, n_exc, ratio)[0]

        def fallback(idx: NDArray[np.int64], y: NDArray[np.int_]) -> NDArray[np.float64]:
            return svm_weights(matrix[idx], y, c, ratio)

        exclude_c = c * class_weights(1, 1, ratio)[1]
        return _SvmLearner(IncrementalSVM(matrix, exclude_c, include_c, fallback))

    return Member(fit, learner, lambda: _WarmSvm(c, ratio, weigh))


class _WarmLearner:
    """A learner whose every model is a refit started from the last (:class:`_WarmSvm`)."""

    def __init__(self, matrix: sparse.csr_matrix, warm: _WarmSvm) -> None:
        self.matrix, self.warm = matrix, warm
        self.rows = LabelledRows(matrix)
        self.labelled: list[int] = []
        self.labels: list[int] = []

    def add(self, row: int, include: bool) -> None:
        self.labelled.append(row)
        self.labels.append(int(include))

    def model(self) -> LinearModel:
        taken = self.rows.take(np.asarray(self.labelled, dtype=np.int64))
        y = np.zeros(taken.rows.shape[0], dtype=np.int64)
        y[taken.positions] = self.labels
        return self.warm.fit(taken, y, self.matrix.shape[1])


class _SvmLearner:
    def __init__(self, svm: IncrementalSVM) -> None:
        self.svm = svm

    def add(self, row: int, include: bool) -> None:
        self.svm.add(row, include)

    def model(self) -> LinearModel:
        return LinearModel(self.svm.weights()[0])
