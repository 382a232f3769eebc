"""Stopping aid: how far screening has probably got. It never excludes anything by itself.

Two figures for ``screener status`` and the screening app:

- :func:`exclude_streak`: the number of consecutive excludes since the last include (or maybe);
- :func:`stopping_estimate`: a statistical test of "the recall target has NOT been reached yet",
  and the highest recall level the screening so far supports at the chosen confidence.

Method: the hypergeometric stopping test of Callaghan & Müller-Bloch (2020, "Statistical
stopping criteria for automated screening in systematic reviews", Systematic Reviews 9:273),
implemented from its definition (buscar, with bias 1):

Let ``N`` be the number of records to screen, ``n_seen`` the number screened so far (in the
order screened) and ``r_seen`` the includes among them. For every ``n`` in ``1..n_seen``, take the
last ``n`` records screened as a sample drawn without replacement from the "urn" of the
``N_n = N - n_seen + n`` records that were still unscreened before them, and let ``k_n`` be the
includes in that sample. The null hypothesis H0 is that recall is below the target ``tau``:
``r_seen / R < tau`` for the true number of includes ``R``, i.e. ``R >= floor(r_seen / tau) + 1``,
so the urn held at least ``K_n = floor(r_seen / tau) + 1 - (r_seen - k_n)`` includes. The
probability of drawing ``k_n`` or fewer includes in ``n`` draws from such an urn is the
hypergeometric CDF ``P(X <= k_n; N_n, K_n, n)`` (largest at the smallest ``K_n`` H0 allows, so
this is the p-value for that window); when ``K_n > N_n`` H0 is impossible and p = 0. The reported
p-value is the minimum over all windows, as in buscar. When p < 1 - confidence, H0 is rejected:
the target recall has been reached at that confidence.

Assumptions, to show with the figure: the decisions are correct and given in the order screened;
``N`` counts only the records eligible at this stage; the recent records are treated as a random
sample of what was unscreened, which is conservative when the ranking puts includes first (a
ranked sample finds includes *more* readily than a random one, so few includes in it is stronger
evidence than the test assumes) but not if the order was worse than random; taking the minimum
over windows is not corrected for multiple testing (as in the paper). The recall lower bound
inverts the test over the levels 0.50, 0.51, ..., 0.99.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

Decision = bool | str

METHOD = (
    "hypergeometric stopping test (Callaghan & Müller-Bloch 2020, buscar, bias 1): "
    "recent screened records taken as a random sample of those unscreened before them"
)


def _is_include(decision: Decision) -> bool:
    """True for an include (True, "include" or "maybe"), False for an exclude."""
    if isinstance(decision, bool):
        return decision
    if decision in ("include", "maybe"):
        return True
    if decision == "exclude":
        return False
    raise ValueError(f"unknown decision {decision!r}; expected include, exclude or maybe")


def exclude_streak(decisions_in_order: Sequence[Decision]) -> int:
    """The number of excludes since the last include or maybe (True / "include" / "maybe")."""
    streak = 0
    for decision in reversed(decisions_in_order):
        if _is_include(decision):
            break
        streak += 1
    return streak


@dataclass(frozen=True)
class StoppingEstimate:
    """The stopping aid's figures. ``p_value`` is for H0 "recall < recall_target" (None before
    anything is screened); ``target_reached`` is ``p_value < 1 - confidence``;
    ``recall_lower_bound`` is the highest level in 0.50..0.99 (1.0 when everything was screened)
    whose H0 is rejected at ``confidence``, None when even 0.50 is not supported."""

    screened: int
    total: int
    includes_found: int
    streak: int
    recall_target: float
    confidence: float
    p_value: float | None
    target_reached: bool
    recall_lower_bound: float | None
    method: str = METHOD


def recall_p_value(found: Sequence[bool], total: int, recall_target: float) -> float:
    """The p-value of H0 "recall < recall_target" after screening ``found`` (in order, True =
    include) out of ``total`` records; see the module docstring."""
    return _Windows(found, total).p_value(_k_hat(sum(map(bool, found)), recall_target))


def _k_hat(r_seen: int, recall_target: float) -> int:
    """The fewest includes in all that H0 "recall < recall_target" allows: floor(r / tau) + 1."""
    return math.floor(r_seen / recall_target + 1e-9) + 1


# How the minimum over windows is found without summing the cdf in full at every one of them
# (tens of thousands at 100,000 records). For one window write N = urn, K = includes in it under
# H0, n = draws, k = includes drawn, t(x) = P(X = x) the hypergeometric pmf and
#     rho(x) = t(x - 1) / t(x) = x (N - K - n + x) / ((K - x + 1) (n - x + 1)).
# Over the support rho increases with x (its numerator grows and its denominator shrinks), so
# the terms fall at least geometrically away from the mode: below x, t(x - j) <= t(x) rho(x)^j;
# above x, t(x + j) <= t(x) s^j with s = 1 / rho(x + 1). Each window's cdf P(X <= k) is summed
# term by term, all windows at once: downwards from k when rho(k) < 1, else as 1 minus the upper
# tail summed upwards from k + 1. After each term every window has a lower bound L and an upper
# bound U on its cdf: downwards, L = the partial sum, U = L + last term * rho / (1 - rho); upwards,
# U = 1 - partial tail, L = 1 - (partial tail + last term * s / (1 - s)). U* = the
# smallest U of any window bounds the minimum from above, so a window whose L exceeds U* cannot
# hold it and is dropped (branch and bound); a window whose rest is below 1e-17 of its sum is
# finished, its sum exact to double precision. The minimum is the smallest finished sum: the
# window holding it is never dropped. To decide only "is the minimum below alpha?" (the recall
# bound) the same loop stops at the first U below alpha, or when every L reaches alpha.
# The p-value never decreases as the recall target rises (a higher target lowers K in every
# window; P(X <= k) does not decrease when the urn holds fewer includes, and the "p = 0" cases
# need K large), so the recall bound is found by bisection over the levels 0.50..0.99.

_TINY = 1e-17  # a sum is finished when what is left is below this fraction of it
_SLACK = 1e-9  # relative slack before a window is dropped (rounding; t(k) is good to ~1e-10)


class _Windows:
    """The windows n = 1..n_seen of one screening sequence, shared by every recall level."""

    def __init__(self, found: Sequence[bool], total: int) -> None:
        self.n_seen = len(found)
        self.total = total
        self._cache: dict[int, float] = {}
        if self.n_seen == 0 or self.n_seen >= total:
            return
        recent = np.frombuffer(bytes(bytearray(map(bool, reversed(found)))), dtype=np.uint8)
        self.k = np.cumsum(recent, dtype=np.int64)  # includes among the last n screened
        self.n = np.arange(1, self.n_seen + 1, dtype=np.int64)
        self.r_seen = int(self.k[-1])
        self.urn = total - self.n_seen + self.n
        self._log_factorial: np.ndarray | None = None

    def p_value(self, k_hat: int) -> float:
        """min over windows of P(X <= k_n; N_n, K_n, n) with K_n = k_hat - (r_seen - k_n)."""
        if self.n_seen == 0:
            return 1.0
        if self.n_seen >= self.total:
            return 0.0
        if k_hat not in self._cache:
            self._cache[k_hat] = float(self._search(k_hat, None))
        return self._cache[k_hat]

    def below(self, k_hat: int, alpha: float) -> bool:
        """Whether the p-value for ``k_hat`` is below ``alpha`` (computed only as far as needed)."""
        if self.n_seen == 0:
            return alpha > 1.0
        if self.n_seen >= self.total:
            return alpha > 0.0
        if k_hat in self._cache:
            return self._cache[k_hat] < alpha
        return bool(self._search(k_hat, alpha))

    def _search(self, k_hat: int, alpha: float | None) -> float | bool:
        """The minimum cdf over windows (``alpha`` None), or whether it is below ``alpha``."""
        k, n, urn = self.k, self.n, self.urn
        good = k_hat - (self.r_seen - k)
        # p is exactly 0 where H0 is impossible (good > urn) or k lies below the support
        if np.any(good > urn) or np.any(k < n - (urn - good)):
            return 0.0 if alpha is None else alpha > 0.0
        lf = self._factorials()
        rest_ = urn - good
        t = np.exp(
            lf[good] - lf[k] - lf[good - k]
            + lf[rest_] - lf[n - k] - lf[rest_ - n + k]
            - lf[urn] + lf[n] + lf[urn - n]
        )  # fmt: skip
        down = _down_ratio(k, urn, good, n) < 1
        # per window: position, last term, partial sum (downwards) or partial tail (upwards)
        x = k.copy()
        term = t.copy()
        part = np.where(down, t, 0.0)
        live = np.arange(len(k))
        best = 1.0 if alpha is None else alpha  # U* (or alpha: only "below alpha?" matters)
        finished = 2.0  # the smallest finished sum
        while live.size:
            xl, g, nn, u = x[live], good[live], n[live], urn[live]
            dn = down[live]
            ratio = np.where(dn, _down_ratio(xl, u, g, nn), _up_ratio(xl, u, g, nn))
            step_term = term[live] * ratio
            term[live] = step_term
            part[live] += step_term
            x[live] = xl + np.where(dn, -1, 1)
            # what is left is at most term * r / (1 - r) with r the next ratio <= this one
            left = np.where(ratio < 1, step_term * ratio / np.maximum(1 - ratio, 1e-300), np.inf)
            pl = part[live]
            lower = np.where(dn, pl, 1 - (pl + left))  # lower <= upper, even rounded
            upper = np.where(dn, pl + left, 1 - pl)
            if alpha is not None and upper.min() < alpha:
                return True
            done = (step_term == 0) | (left <= _TINY * np.where(dn, pl, np.maximum(1 - pl, pl)))
            value = np.where(dn, pl, 1 - pl)
            if done.any():
                finished = min(finished, float(value[done].min()))
                if alpha is not None and finished < alpha:
                    return True
            if alpha is None:
                best = min(best, float(upper.min()), finished)
            keep = ~done & (lower <= best * (1 + _SLACK))
            live = live[keep]
        if alpha is not None:
            return False
        if finished > 1.0 + 1e-9:  # cannot happen: the window holding the minimum is kept
            raise RuntimeError("stopping aid: no window finished")
        return float(np.clip(finished, 0.0, 1.0))

    def _factorials(self) -> np.ndarray:
        """log(i!) for i = 0..total (math.lgamma: accurate to a few units in the last place)."""
        if self._log_factorial is None:
            self._log_factorial = np.array([math.lgamma(i + 1) for i in range(self.total + 1)])
        return self._log_factorial


def _down_ratio(x: np.ndarray, urn: np.ndarray, good: np.ndarray, n: np.ndarray) -> np.ndarray:
    """rho(x) = t(x - 1) / t(x); 0 at the bottom of the support."""
    num = x * (urn - good - n + x)
    den = np.maximum((good - x + 1) * (n - x + 1), 1)
    return np.where(num > 0, num / den, 0.0)


def _up_ratio(x: np.ndarray, urn: np.ndarray, good: np.ndarray, n: np.ndarray) -> np.ndarray:
    """t(x + 1) / t(x); 0 at the top of the support."""
    num = (good - x) * (n - x)
    den = np.maximum((x + 1) * (urn - good - n + x + 1), 1)
    return np.where(num > 0, num / den, 0.0)


def stopping_estimate(
    decisions_in_order: Sequence[Decision],
    total: int,
    recall_target: float = 0.95,
    confidence: float = 0.95,
) -> StoppingEstimate:
    """The streak and the hypergeometric stopping test for decisions made so far (in the
    order screened; True / "include" / "maybe" count as includes) out of ``total`` records
    to screen at this stage."""
    if not 0 < recall_target < 1 or not 0 < confidence < 1:
        raise ValueError("recall_target and confidence must lie strictly between 0 and 1")
    found = [_is_include(d) for d in decisions_in_order]
    if len(found) > total:
        raise ValueError(f"{len(found)} decisions but only {total} records")
    alpha = 1.0 - confidence
    windows = _Windows(found, total)
    r_seen = sum(found)
    p_value = windows.p_value(_k_hat(r_seen, recall_target)) if found else None
    bound: float | None = None
    if found and len(found) >= total:
        bound = 1.0
    elif found:
        # the highest level in 0.50..0.99 whose p < alpha; p never decreases as the level rises
        # (see above), so the levels with p < alpha are 50..m for some m: bisection finds m
        low, high = 49, 99  # invariant: p(low) < alpha (49 stands for "none"), p(high + 1) >= alpha
        while low < high:
            mid = (low + high + 1) // 2
            if windows.below(_k_hat(r_seen, mid / 100), alpha):
                low = mid
            else:
                high = mid - 1
        bound = low / 100 if low >= 50 else None
    return StoppingEstimate(
        screened=len(found),
        total=total,
        includes_found=sum(found),
        streak=exclude_streak(found),
        recall_target=recall_target,
        confidence=confidence,
        p_value=p_value,
        target_reached=p_value is not None and p_value < alpha,
        recall_lower_bound=bound,
    )
