"""The relevance SVM refitted after every decision in milliseconds, for the simulation (no UI).

The app refits the SVM by Newton's method from its previous answer
(:mod:`screener.ranking.solver`, to a tolerance). A simulation refits after every one of ~1,000
decisions, where even that costs milliseconds a fit; this module solves the *same* optimisation
problem exactly and keeps the work of the previous fit:

    minimise 1/2 |w|^2 + 1/2 b^2 + sum_i C_i max(0, 1 - y_i (w . x_i + b))^2

(squared hinge, the intercept ``b`` regularised as liblinear does with ``intercept_scaling`` 1;
``C_i = C * s_i`` with :func:`screener.ranking.models.sample_weights`). Its dual is
``min 1/2 a'Qa - sum a`` over ``a >= 0`` with ``Q = Y (K + 1) Y + D``, ``K`` the labelled
records' dot products and ``D_ii = 1 / (2 C_i)``. With C = 0.11 on unit-length TF-IDF rows every
labelled record is inside the margin, so every ``a_i > 0`` and the dual is the linear system
``Q a = 1``. The solver:

- keeps the Cholesky factor ``L`` of ``A = Y (K + 1) Y + d_exclude I`` (packed) and extends it
  by one row per labelled record (bordering: one triangular solve, O(n^2));
- the includes' different ``D_ii`` (their weight changes with every new label) enter through a
  Woodbury correction of rank = the number of includes (small);
- checks that every ``a_i > 0``; if one is not, that fit is done by the Newton solver instead
  (the ``fallback``; so far this has not happened on the shared sets);
- returns ``w = sum_i a_i y_i x_i`` and ``b = sum_i a_i y_i`` (liblinear's optimum;
  tests/test_ranking_incremental.py compares them with the solver's).

The excludes' weight ``s`` must not change as labels are added (it sits on the diagonal of the
factored matrix): :func:`screener.ranking.models.sample_weights` gives them a fixed weight and the
includes, together, ``ratio`` times the excludes' total, as ASReview's balancer does.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

Fallback = Callable[[NDArray[np.int64], NDArray[np.int_]], NDArray[np.float64]]


class IncrementalSVM:
    """Exact refits of the squared-hinge SVM as labelled rows of ``matrix`` are added.

    ``exclude_c`` and ``include_c`` give each class's ``C_i`` from the class counts
    ``(n_includes, n_excludes)``; ``exclude_c`` must not depend on them. ``fallback(idx, y)``
    returns the SVM's weights another way (columns + intercept last) when the system's answer
    is not a valid dual point."""

    def __init__(
        self,
        matrix: sparse.csr_matrix,
        exclude_c: float,
        include_c: Callable[[int, int], float],
        fallback: Fallback,
    ) -> None:
        self.matrix = sparse.csr_matrix(matrix, dtype=np.float64)
        self.transposed = self.matrix.T.tocsr()
        self.n_rows, self.n_columns = self.matrix.shape
        self.d_exclude = 1.0 / (2.0 * exclude_c)
        self.include_c = include_c
        self.fallback = fallback
        self.fallbacks = 0
        self.idx: list[int] = []
        self.y = np.zeros(0)
        # L packed by rows (= L' packed by columns, BLAS "upper packed"): row j of L starts at
        # j (j + 1) / 2, so bordering appends at the end
        self._packed = np.zeros(64 * 65 // 2)
        self._z = np.zeros(64)  # L^-1 1
        self._zcols = np.zeros((64, 8))  # L^-1 e_p for every include p (first k columns)
        self._k = 0
        self._ztz = np.zeros((0, 0))
        self._ztz1 = np.zeros(0)

    # -- adding a labelled record ---------------------------------------------------------

    def _grow(self, n: int, k: int) -> None:
        """Room for row ``n`` and include column ``k``."""
        if (n + 1) * (n + 2) // 2 > len(self._packed):
            self._packed = np.concatenate([self._packed, np.zeros(len(self._packed) * 3)])
        rows, cols = self._zcols.shape
        if n >= rows or k >= cols:
            zcols = np.zeros((max(rows, 2 * (n + 1)), max(cols, 2 * (k + 1))))
            zcols[:rows, :cols] = self._zcols
            self._zcols = zcols
            self._z = np.concatenate([self._z, np.zeros(zcols.shape[0] - len(self._z))])

    def _products(self, row: int) -> NDArray[np.float64]:
        """Dot products of record ``row`` with every record (through the record's columns
        only, so the cost is the number of records sharing its terms)."""
        start, end = self.matrix.indptr[row], self.matrix.indptr[row + 1]
        cols = self.matrix.indices[start:end]
        return np.asarray(self.transposed[cols].T @ self.matrix.data[start:end])

    def add(self, row: int, include: bool) -> None:
        """Add labelled record ``row`` (one bordering step of the factor)."""
        from scipy.linalg.blas import dtpsv

        n, k = len(self.idx), self._k
        self._grow(n, k)
        sign = 1.0 if include else -1.0
        products = self._products(row)
        left = np.zeros(0)
        if n:
            a = sign * self.y * (products[self.idx] + 1.0)
            left = dtpsv(n, self._packed, a, lower=0, trans=1)  # L left = a
        pivot = products[row] + 1.0 + self.d_exclude - float(left @ left)
        d = math.sqrt(max(pivot, 1e-12))
        at = n * (n + 1) // 2
        self._packed[at : at + n] = left
        self._packed[at + n] = d
        self._z[n] = (1.0 - float(left @ self._z[:n])) / d
        if include:  # a new column L^-1 e_row: zero above the new row
            k += 1
            ztz = np.zeros((k, k))
            ztz[: k - 1, : k - 1] = self._ztz
            self._ztz = ztz
            self._ztz1 = np.append(self._ztz1, 0.0)
        new_row = -(left @ self._zcols[:n, :k]) / d
        if include:
            new_row[-1] = 1.0 / d
        self._zcols[n, :k] = new_row
        self._ztz += np.outer(new_row, new_row)
        self._ztz1 += new_row * self._z[n]
        self._k = k
        self.idx.append(int(row))
        self.y = np.append(self.y, sign)

    # -- the fit ------------------------------------------------------------------------------

    def dual(self) -> NDArray[np.float64] | None:
        """The dual point ``a`` (one per labelled record, in the order added), or None when
        the linear system's answer has an ``a_i <= 0`` (then the answer needs the fallback)."""
        from scipy.linalg.blas import dtpsv

        n, k = len(self.idx), self._k
        v = self._z[:n].copy()
        if k:
            d_include = 1.0 / (2.0 * self.include_c(k, n - k))
            delta = d_include - self.d_exclude
            if delta != 0.0:
                core = np.eye(k) / delta + self._ztz
                v -= self._zcols[:n, :k] @ np.linalg.solve(core, self._ztz1)
        alpha = np.asarray(dtpsv(n, self._packed, v, lower=0, trans=0))  # L' alpha = v
        if not np.all(alpha > 0):
            return None
        return alpha

    def weights(self) -> tuple[NDArray[np.float64], float]:
        """``(w, b)`` of the SVM fitted on every record added so far."""
        alpha = self.dual()
        if alpha is None:
            self.fallbacks += 1
            idx = np.asarray(self.idx, dtype=np.int64)
            both = self.fallback(idx, (self.y > 0).astype(np.int_))
            return both[:-1], float(both[-1])
        beta = np.zeros(self.n_rows)
        beta[self.idx] = alpha * self.y
        return np.asarray(self.transposed @ beta), float(beta.sum())
