"""Inverse-variance (normal-normal) random-effects meta-analysis of transformed proportions.

Model: y_i ~ N(mu, v_i + tau^2), v_i known. Written from the definitions (Viechtbauer 2005;
metafor ``rma``; R meta ``metagen``):

* fixed-effect weights w_i = 1/v_i; Cochran's Q = sum w_i (y_i - mu_FE)^2 with df = k - 1;
* I^2 = (Q - df)/Q, truncated at 0 (meta's ``method.I2 = "Q"``); 0 when Q <= df (also k = 1);
* DerSimonian-Laird tau^2 = max(0, (Q - df) / (sum w - sum w^2 / sum w));
* REML tau^2 maximises the restricted log-likelihood
  l_R(t) = -1/2 [sum log(v_i + t) + log sum w_i(t) + sum w_i(t) (y_i - mu(t))^2],
  w_i(t) = 1/(v_i + t), over t >= 0; its score is
  1/2 [sum w^2 (y - mu)^2 - sum w + sum w^2 / sum w]. It is found as metafor does: Fisher
  scoring, t <- t + (y'PPy - tr P) / tr PP, from Hedges' estimator max(0, var(y) - mean(v)),
  a step that would make t negative halved until it does not (iterated here to 1e-12 rather than
  metafor's 1e-5). l_R can have two maxima (rarely; e.g. a local maximum inside and a higher
  one at t = 0): then this is metafor's answer, the maximum reached from that start, and
  ``tau2_reml(..., global_max=True)`` gives the global one (also the fallback should scoring
  fail to converge). k = 1: tau^2 = 0.
* mu = sum w* y / sum w*, SE = 1/sqrt(sum w*), z interval; Hartung-Knapp: SE^2 =
  sum w* (y - mu)^2 / ((k - 1) sum w*) (reported as ``se``) with a t(k - 1) quantile, no ad hoc
  correction (meta's default); the classic interval when k = 1.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

from screener.pooling.proportion import Z95

FloatArray = np.ndarray


@dataclass(frozen=True)
class IVFit:
    """A random-effects fit on the transformed scale."""

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    tau2: float
    q: float
    df: int
    i2: float  # percent, 0..100
    weights: tuple[float, ...]  # random-effects weights in percent (sum 100)
    hartung_knapp: bool


def _arrays(y: Sequence[float], v: Sequence[float]) -> tuple[FloatArray, FloatArray]:
    ya = np.asarray(y, dtype=float)
    va = np.asarray(v, dtype=float)
    if ya.shape != va.shape or ya.ndim != 1 or ya.size == 0:
        raise ValueError("y and v must be non-empty sequences of equal length")
    if np.any(va <= 0) or not np.all(np.isfinite(ya)) or not np.all(np.isfinite(va)):
        raise ValueError("variances must be positive and all values finite")
    return ya, va


def cochran_q(y: Sequence[float], v: Sequence[float]) -> float:
    """Cochran's Q around the fixed-effect (inverse-variance) mean."""
    ya, va = _arrays(y, v)
    w = 1.0 / va
    mu = float(np.sum(w * ya) / np.sum(w))
    return float(np.sum(w * (ya - mu) ** 2))


def i_squared(q: float, df: int) -> float:
    """I^2 in percent from Q, truncated at 0 (0 when Q <= df, e.g. k = 1)."""
    if df <= 0 or q <= df:
        return 0.0
    return 100.0 * (q - df) / q


def tau2_dl(y: Sequence[float], v: Sequence[float]) -> float:
    """DerSimonian-Laird tau^2 (truncated at 0)."""
    ya, va = _arrays(y, v)
    k = ya.size
    if k < 2:
        return 0.0
    w = 1.0 / va
    q = cochran_q(ya.tolist(), va.tolist())
    denom = float(np.sum(w) - np.sum(w**2) / np.sum(w))
    return max(0.0, (q - (k - 1)) / denom) if denom > 0 else 0.0


def restricted_loglik(tau2: float, y: Sequence[float], v: Sequence[float]) -> float:
    """The REML log-likelihood (constants dropped) at ``tau2``."""
    ya, va = _arrays(y, v)
    w = 1.0 / (va + tau2)
    mu = np.sum(w * ya) / np.sum(w)
    return float(
        -0.5 * (np.sum(np.log(va + tau2)) + math.log(np.sum(w)) + np.sum(w * (ya - mu) ** 2))
    )


def _reml_score(tau2: float, ya: FloatArray, va: FloatArray) -> float:
    w = 1.0 / (va + tau2)
    sw = np.sum(w)
    mu = np.sum(w * ya) / sw
    return float(0.5 * (np.sum(w**2 * (ya - mu) ** 2) - sw + np.sum(w**2) / sw))


def tau2_he(y: Sequence[float], v: Sequence[float]) -> float:
    """Hedges' (HE) estimator var(y) - mean(v), untruncated (metafor's REML starting value)."""
    ya, va = _arrays(y, v)
    k = ya.size
    if k < 2:
        return 0.0
    return float(np.sum((ya - ya.mean()) ** 2)) / (k - 1) - float(va.mean())


def _reml_fisher(ya: FloatArray, va: FloatArray, tol: float, maxiter: int) -> float | None:
    """Fisher scoring for the REML tau^2 from max(0, HE), halving a step that would go below 0
    (metafor ``rma.uni``); None when it does not converge."""
    tau2 = max(0.0, tau2_he(ya.tolist(), va.tolist()))
    for _ in range(maxiter):
        w = 1.0 / (va + tau2)
        sw = float(np.sum(w))
        sw2 = float(np.sum(w**2))
        mu = float(np.sum(w * ya)) / sw
        tr_p = sw - sw2 / sw
        tr_pp = sw2 - 2.0 * float(np.sum(w**3)) / sw + (sw2 / sw) ** 2
        adj = (float(np.sum(w**2 * (ya - mu) ** 2)) - tr_p) / tr_pp
        if tau2 + adj < 0:
            if tau2 == 0.0:
                return 0.0  # the boundary: halving would never leave it
            while tau2 + adj < 0:
                adj /= 2.0
        tau2 += adj
        if abs(adj) < tol:
            return max(0.0, tau2)
    return None


def _reml_global(ya: FloatArray, va: FloatArray) -> float:
    """The global maximiser of l_R over t >= 0: every + to - root of the score, and t = 0."""
    k = ya.size
    spread = float(np.sum((ya - ya.mean()) ** 2)) / (k - 1)
    upper = 10.0 * (spread + float(va.max())) + 1.0
    grid = np.concatenate(([0.0], np.geomspace(1e-10 * upper, upper, 400)))
    w = 1.0 / (va[None, :] + grid[:, None])
    sw = w.sum(axis=1)
    mu = (w * ya[None, :]).sum(axis=1) / sw
    scores = 0.5 * (
        (w**2 * (ya[None, :] - mu[:, None]) ** 2).sum(axis=1) - sw + (w**2).sum(axis=1) / sw
    )
    candidates = [0.0]
    for i in range(grid.size - 1):
        if scores[i] > 0 >= scores[i + 1]:
            root = optimize.brentq(
                _reml_score, grid[i], grid[i + 1], args=(ya, va), xtol=1e-14, rtol=1e-13
            )
            candidates.append(float(root))
    yl, vl = ya.tolist(), va.tolist()
    return max(candidates, key=lambda t: restricted_loglik(t, yl, vl))


def tau2_reml(y: Sequence[float], v: Sequence[float], global_max: bool = False) -> float:
    """The REML estimate of tau^2 (>= 0), found as metafor finds it (see the module docstring);
    ``global_max`` returns the global maximiser instead (they differ only when l_R has two
    maxima)."""
    ya, va = _arrays(y, v)
    if ya.size < 2:
        return 0.0
    if not global_max:
        found = _reml_fisher(ya, va, tol=1e-12, maxiter=1000)
        if found is not None:
            return found
    return _reml_global(ya, va)


def random_effects(
    y: Sequence[float],
    v: Sequence[float],
    method: str = "REML",
    hartung_knapp: bool = False,
    level: float = 0.95,
) -> IVFit:
    """Random-effects pooling of ``y`` (variances ``v``) with tau^2 by REML or DL."""
    ya, va = _arrays(y, v)
    k = ya.size
    if method == "REML":
        tau2 = tau2_reml(ya.tolist(), va.tolist())
    elif method == "DL":
        tau2 = tau2_dl(ya.tolist(), va.tolist())
    else:
        raise ValueError(f"unknown tau^2 method {method!r}")
    q = cochran_q(ya.tolist(), va.tolist())
    w = 1.0 / (va + tau2)
    sw = float(np.sum(w))
    mu = float(np.sum(w * ya) / sw)
    se = 1.0 / math.sqrt(sw)
    use_hk = hartung_knapp and k > 1
    if use_hk:
        se = math.sqrt(float(np.sum(w * (ya - mu) ** 2)) / ((k - 1) * sw))
        half = float(stats.t.ppf(0.5 + level / 2, k - 1)) * se
    else:
        quant = Z95 if level == 0.95 else float(stats.norm.ppf(0.5 + level / 2))
        half = quant * se
    weights = tuple(float(x) for x in 100.0 * w / sw)
    return IVFit(
        estimate=mu,
        se=se,
        ci_low=mu - half,
        ci_high=mu + half,
        tau2=tau2,
        q=q,
        df=k - 1,
        i2=i_squared(q, k - 1),
        weights=weights,
        hartung_knapp=use_hk,
    )
