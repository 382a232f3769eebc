"""The shape every relevance model takes: weights per feature column, and how it is fitted (no UI).

A fitted model is a :class:`LinearModel` (a score is a record's TF-IDF row times the weights).
A model of a spec is a :class:`Member` with up to three ways of fitting that give the same
weights (see :mod:`screener.ranking.models`). Class weights: every exclude has the fixed weight
``1 / (1 + ratio)`` and the includes share ``ratio`` times the excludes' total
(:func:`class_weights`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from screener.ranking.solver import Labelled

Scores = NDArray[np.float64]


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
