"""The simulation's incremental fits give the app's weights (Newton's method, scikit-learn's NB)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import DATA
from scipy import sparse

from screener.ranking.incremental import IncrementalSVM
from screener.ranking.models import (
    MODELS,
    NB_ALPHA,
    NB_RATIO,
    _fit_nb,
    build_matrix,
    class_weights,
    sample_weights,
    svm_weights,
)
from screener.ranking.simulation import read_labelled

TINY = DATA / "ranking" / "tiny_labelled.csv"


def _tiny() -> tuple[sparse.csr_matrix, np.ndarray]:
    data = read_labelled(TINY)
    return build_matrix(data.texts, MODELS["svm"]), np.asarray(data.labels, dtype=int)


def test_class_weights_fix_the_excludes_and_give_the_includes_ratio_times_their_total() -> None:
    include, exclude = class_weights(3, 40, 9.8)
    assert exclude == pytest.approx(1 / 10.8)
    assert 3 * include == pytest.approx(9.8 * 40 * exclude)
    y = np.array([1, 0, 0, 1, 0])
    assert sample_weights(y, 9.8).tolist() == pytest.approx(
        [9.8 * 3 / 2 / 10.8, 1 / 10.8, 1 / 10.8, 9.8 * 3 / 2 / 10.8, 1 / 10.8]
    )


@pytest.mark.parametrize("name", ["svm", "svm+nb", "svm-r20", "svm-c0.25"])
def test_learner_weights_equal_a_fit_from_scratch_after_every_label(name: str) -> None:
    matrix, y = _tiny()
    # an order that starts with one include and one exclude, then mixes both
    first_inc, first_exc = int(np.flatnonzero(y)[0]), int(np.flatnonzero(y == 0)[0])
    shuffled = np.random.default_rng(3).permutation(len(y))
    rest = [i for i in shuffled if i not in (first_inc, first_exc)]
    order = [first_inc, first_exc, *map(int, rest)]
    spec = MODELS[name]
    learner = spec.learner(matrix)
    for k, row in enumerate(order, start=1):
        learner.add(row, bool(y[row]))
        if k < 2:
            continue
        idx = np.asarray(order[:k], dtype=np.int64)
        fast = learner.model().weights
        slow = spec.fit(matrix, idx, y[idx]).weights
        scale = np.abs(slow).max()
        # the app's solver stops at its tolerance; the incremental solve is exact
        assert np.abs(fast - slow).max() < 2e-3 * scale, (name, k)
        ranks_fast = np.argsort(-(matrix @ fast), kind="stable")[:5]
        ranks_slow = np.argsort(-(matrix @ slow), kind="stable")[:5]
        assert len(set(ranks_fast) & set(ranks_slow)) >= 4


def test_incremental_svm_solves_the_dual_exactly() -> None:
    # a small problem: the weights satisfy the optimality conditions of the squared hinge
    matrix, y = _tiny()
    calls: list[int] = []

    def fallback(idx: np.ndarray, labels: np.ndarray) -> np.ndarray:
        calls.append(len(idx))
        return svm_weights(matrix[idx], labels)

    c = 0.11
    svm = IncrementalSVM(matrix, c / 10.8, lambda i, e: c * 9.8 * e / (10.8 * i), fallback)
    rows = list(range(12))
    for row in rows:
        svm.add(row, bool(y[row]))
    w, b = svm.weights()
    assert calls == []
    X = matrix[rows].toarray()
    sign = np.where(y[rows] == 1, 1.0, -1.0)
    ci = c * sample_weights(y[rows], 9.8)
    slack = np.maximum(0.0, 1 - sign * (X @ w + b))
    # gradient of 1/2|w|^2 + 1/2 b^2 + sum C_i slack_i^2 is zero at the optimum
    grad_w = w - X.T @ (2 * ci * slack * sign)
    grad_b = b - np.sum(2 * ci * slack * sign)
    assert np.abs(grad_w).max() < 1e-9 and abs(grad_b) < 1e-9


def test_incremental_svm_falls_back_when_a_record_leaves_the_margin() -> None:
    # one feature; with a large C the far include (x = 5) is outside the margin (dual value
    # 0), so the linear system's answer is not the SVM's and the fit must come from the solver
    matrix = sparse.csr_matrix(np.array([[1.0], [-1.0], [5.0]]))
    y = np.array([1, 0, 1])
    calls: list[int] = []

    def fallback(idx: np.ndarray, labels: np.ndarray) -> np.ndarray:
        calls.append(len(idx))
        return svm_weights(matrix[idx], labels)

    svm = IncrementalSVM(matrix, 1000.0, lambda i, e: 1000.0, fallback)
    for row in range(3):
        svm.add(row, bool(y[row]))
    assert svm.dual() is None
    w, b = svm.weights()
    assert calls == [3] and svm.fallbacks == 1
    scores = matrix @ w + b
    assert w[0] > 0 and scores[0] > 0 > scores[1]


def test_naive_bayes_is_scikit_learns_multinomial_nb() -> None:
    from sklearn.naive_bayes import MultinomialNB

    matrix, y = _tiny()
    include, exclude = class_weights(int(y.sum()), int((y == 0).sum()), NB_RATIO)
    clf = MultinomialNB(alpha=NB_ALPHA).fit(
        matrix, y, sample_weight=np.where(y == 1, include, exclude)
    )
    expected = clf.feature_log_prob_[1] - clf.feature_log_prob_[0]
    assert np.allclose(_fit_nb(matrix, y).weights, expected)
