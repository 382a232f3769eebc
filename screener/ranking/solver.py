"""The relevance SVM fitted by Newton's method, each fit started from the last one (no UI here).

The problem is liblinear's (``LinearSVC(loss="squared_hinge")``, the intercept regularised as
liblinear does with ``intercept_scaling`` 1):

    minimise f(w, b) = 1/2 |w|^2 + 1/2 b^2 + sum_i C_i max(0, 1 - y_i (x_i . w + b))^2

with ``y_i`` in {-1, 1} and a cost ``C_i`` per labelled record. ``f`` is differentiable and
1-strongly convex, so for any ``(w, b)`` the distance to the optimum is at most the gradient's
norm: when :func:`solve` stops at ``|grad f| <= tolerance`` every record's score
(``x . w``, rows of unit length) is within ``tolerance`` of the exact optimum's. liblinear stops
by a relative criterion instead (its answer had ``|grad f|`` 0.002 at 10,000 labels and 0.02-0.07
at 50,000 in bench/ranking_speed.py's review), so ``TOLERANCE`` 1e-3 is at least as close.

The method is the finite Newton method of Keerthi & DeCoste (2005, "A modified finite Newton
method for fast solution of large scale linear SVMs", JMLR 6): at ``(w, b)`` the records inside
the margin (``y_i (x_i . w + b) < 1``) make ``f`` a quadratic; its Newton step is found by
conjugate gradients (one product with the labelled rows and one with their transpose per
iteration) and followed by an exact line search along the step (``f`` is a piecewise quadratic
there: the breakpoints are sorted and the slope's root found in one pass). Started from the
previous fit's ``(w, b)`` after a few new labels, one Newton step of a few conjugate-gradient
iterations reaches the tolerance, where liblinear's dual coordinate descent starts from zero at
every fit (it cannot start from an earlier answer). The products use the float32 feature rows;
vectors are kept in float64.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

Vector = NDArray[np.float64]
TOLERANCE = 1e-3  # on |grad f|: every score within this of the exact optimum's
MAX_NEWTON = 200
MAX_CG = 500


@dataclass(frozen=True)
class Solution:
    """The fitted ``weights`` (one per column) and ``intercept``, ``outputs`` (``X w + b`` for
    every row), the gradient's norm at the answer, and the work done: Newton steps and products
    of the matrix (or its transpose) with a vector."""

    weights: Vector
    intercept: float
    outputs: Vector
    gradient: float
    newton_steps: int
    products: int


def _times(X: sparse.csr_matrix, v: Vector) -> Vector:
    """``X v`` in the matrix's precision, returned as float64."""
    return np.asarray(X @ v.astype(X.dtype, copy=False), dtype=np.float64)


def gradient(
    X: sparse.csr_matrix, y: Vector, cost: Vector, w: Vector, b: float
) -> tuple[Vector, float]:
    """The gradient of ``f`` at ``(w, b)`` (columns, then the intercept's part)."""
    margin = np.maximum(1.0 - y * (_times(X, w) + b), 0.0)
    r = 2.0 * cost * y * margin
    return w - _times(X.T, r), b - float(r.sum())


def step_length(wd: float, dd: float, margin: Vector, a: Vector, c2: Vector) -> float:
    """The exact minimiser ``t > 0`` of ``f`` along a descent direction ``d``: ``wd`` is
    ``(w, b) . d``, ``dd`` is ``|d|^2``, ``margin`` is ``1 - y_i o_i`` and ``a`` is
    ``y_i (x_i . d)`` per record, ``c2`` is ``2 C_i``. The slope along the step,
    ``wd + t dd + sum over rows inside the margin at t of c2 a (t a - margin)``, is piecewise
    linear and increasing; the breakpoints (where a row crosses the margin) are sorted and the
    root found in the piece where the slope changes sign."""
    active = (margin > 0) | ((margin == 0) & (a < 0))  # inside the margin just after t = 0
    s0 = wd - float(np.sum((c2 * a * margin)[active]))  # slope = s0 + t s1 on a piece
    s1 = dd + float(np.sum((c2 * a * a)[active]))
    with np.errstate(divide="ignore", invalid="ignore"):
        where = margin / a
    crossing = (a != 0) & (where > 0)
    if not crossing.any():
        return -s0 / s1
    order = np.argsort(where[crossing], kind="stable")
    points = where[crossing][order]
    leaving = active[crossing][order]  # rows inside the margin leave it at their point
    sign = np.where(leaving, -1.0, 1.0)
    c2a, ac, mc = c2[crossing][order], a[crossing][order], margin[crossing][order]
    d0 = sign * -(c2a * ac * mc)
    d1 = sign * (c2a * ac * ac)
    # coefficients of each piece: piece k ends at points[k]; the last piece is unbounded
    p0 = s0 + np.concatenate(([0.0], np.cumsum(d0)))
    p1 = s1 + np.concatenate(([0.0], np.cumsum(d1)))
    ends = p0[:-1] + points * p1[:-1]  # slope at each breakpoint, from the left
    past = ends >= 0
    k = int(np.argmax(past)) if past.any() else len(points)
    return float(-p0[k] / p1[k])


def solve(
    X: sparse.csr_matrix,
    y: Vector,
    cost: Vector,
    start: tuple[Vector, float] | None = None,
    outputs: Vector | None = None,
    tolerance: float = TOLERANCE,
) -> Solution:
    """Minimise ``f`` over the rows of ``X`` (labels ``y`` in {-1, 1}, costs ``cost``), from
    ``start = (w, b)`` (zero when None). ``outputs``, if given, must be ``X w + b`` at the start
    (the previous fit's, plus the new rows': saves a product). Stops at ``|grad f| <=
    tolerance`` (or after ``MAX_NEWTON`` steps, which the tests show is not reached)."""
    n, d = X.shape
    XT = X.T
    w = np.zeros(d) if start is None else np.array(start[0], dtype=np.float64)
    b = 0.0 if start is None else float(start[1])
    products = 0
    if outputs is None:
        o = _times(X, w) + b
        products += 1
    else:
        o = np.array(outputs, dtype=np.float64)
    c2 = 2.0 * np.asarray(cost, dtype=np.float64)
    # each step's conjugate gradients stop at half the tolerance; from zero, where the first
    # steps move records across the margin, at a hundredth of the gradient (inexact Newton)
    forcing = 0.01 if start is None else 0.0
    steps = 0
    while True:
        margin = 1.0 - y * o
        active = margin > 0
        r = c2 * y * margin * active
        gw, gb = w - _times(XT, r), b - float(r.sum())
        products += 1
        norm = float(np.sqrt(gw @ gw + gb * gb))
        if norm <= tolerance or steps >= MAX_NEWTON:
            return Solution(w, b, o, norm, steps, products)
        # conjugate gradients on (I + X_A' H X_A) d = -g, H = 2 C on the rows inside the margin
        h = c2 * active
        dw, db = np.zeros(d), 0.0
        z = np.zeros(n)  # X d + db, accumulated from the products CG makes anyway
        rw, rb = -gw, -gb
        pw, pb = rw.copy(), rb
        rr = float(rw @ rw + rb * rb)
        stop = max(0.5 * tolerance, forcing * norm) ** 2
        for _ in range(MAX_CG):
            xp = _times(X, pw) + pb
            hx = h * xp
            qw, qb = pw + _times(XT, hx), pb + float(hx.sum())
            products += 2
            alpha = rr / float(pw @ qw + pb * qb)
            dw += alpha * pw
            db += alpha * pb
            z += alpha * xp
            rw -= alpha * qw
            rb -= alpha * qb
            rr_next = float(rw @ rw + rb * rb)
            if rr_next <= stop:
                break
            beta, rr = rr_next / rr, rr_next
            pw *= beta
            pw += rw
            pb = rb + beta * pb
        t = step_length(float(w @ dw + b * db), float(dw @ dw + db * db), margin, y * z, c2)
        w += t * dw
        b += t * db
        o += t * z
        steps += 1


class Labelled(NamedTuple):
    """What :meth:`LabelledRows.take` returns: ``rows``, the labelled rows restricted to the
    columns they use (``columns[j]`` is the matrix column of column ``j``); ``positions``, the
    row of each requested record in ``rows``; ``kept``, how many leading rows (and their
    columns) are those of the previous call, unchanged (0 when everything was rebuilt);
    ``records``, the matrix row of each row."""

    rows: sparse.csr_matrix
    positions: NDArray[np.int64]
    kept: int
    columns: NDArray[np.int64]
    records: NDArray[np.int64]


class LabelledRows:
    """The labelled rows of ``matrix`` as a matrix of their own, kept between fits: rows are
    appended as labels are added (the buffers grow by half when full), and the whole is rebuilt
    only when a row lost its label. Row order is the order rows were first added; columns are
    those the rows use, in the order first seen (few at first: a fit's vectors are that long)."""

    def __init__(self, matrix: sparse.csr_matrix) -> None:
        self.matrix = matrix
        self.position = np.full(matrix.shape[0], -1, dtype=np.int64)
        self._column_of = np.full(matrix.shape[1], -1, dtype=matrix.indices.dtype)
        self._reset()

    def _reset(self) -> None:
        self.rows = np.zeros(0, dtype=np.int64)
        self.columns = np.zeros(0, dtype=np.int64)
        self._data = np.zeros(0, dtype=self.matrix.dtype)
        self._indices = np.zeros(0, dtype=self.matrix.indices.dtype)
        self._indptr = np.zeros(1, dtype=np.int64)

    def take(self, idx: NDArray[np.int64]) -> Labelled:
        """The labelled rows ``idx`` (no others) as a :class:`Labelled`."""
        idx = np.asarray(idx, dtype=np.int64)
        wanted = np.zeros(self.matrix.shape[0], dtype=bool)
        wanted[idx] = True
        kept = len(self.rows)
        if not wanted[self.rows].all():  # a row lost its label: start again
            self.position[self.rows] = -1
            self._column_of[self.columns] = -1
            self._reset()
            kept = 0
        new = np.unique(idx[self.position[idx] < 0])
        if len(new):
            self._append(new)
        n_rows, nnz = len(self.rows), int(self._indptr[-1])
        rows = sparse.csr_matrix(
            (self._data[:nnz], self._indices[:nnz], self._indptr),
            shape=(n_rows, len(self.columns)),
            copy=False,
        )
        return Labelled(rows, self.position[idx], kept, self.columns, self.rows)

    def _append(self, new: NDArray[np.int64]) -> None:
        part = self.matrix[new]
        seen = np.zeros(self.matrix.shape[1], dtype=bool)  # a mask, not a sort of the entries
        seen[part.indices] = True
        unseen = np.flatnonzero(seen & (self._column_of < 0))
        self._column_of[unseen] = np.arange(len(self.columns), len(self.columns) + len(unseen))
        self.columns = np.concatenate([self.columns, unseen])
        start = int(self._indptr[-1])
        end = start + part.nnz
        if end > len(self._data):
            size = max(end, len(self._data) * 3 // 2)
            data, indices = np.zeros(size, self._data.dtype), np.zeros(size, self._indices.dtype)
            data[:start], indices[:start] = self._data[:start], self._indices[:start]
            self._data, self._indices = data, indices
        self._data[start:end] = part.data
        self._indices[start:end] = self._column_of[part.indices]
        self._indptr = np.concatenate([self._indptr, start + part.indptr[1:].astype(np.int64)])
        self.position[new] = np.arange(len(self.rows), len(self.rows) + len(new))
        self.rows = np.concatenate([self.rows, new])
