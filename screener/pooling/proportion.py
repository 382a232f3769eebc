"""Single proportions: exact (Clopper-Pearson) intervals, transforms, and printing as papers do.

* :func:`clopper_pearson` is R's ``binom.test`` / meta's ``method.ci = "CP"`` interval:
  lower = Beta(a/2; x, n-x+1), upper = Beta(1-a/2; x+1, n-x), with 0 and 1 at the edges.
* :func:`percent` rounds half up (``decimal.ROUND_HALF_UP``) as papers print percentages:
  13/16 = 81.25 % prints as ``81.3`` (Python's ``round`` would give 81.2).
* The logit and Freeman-Tukey transforms follow R meta (``sm = "PLOGIT"`` and ``"PFT"``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from scipy import stats

Z95 = float(stats.norm.ppf(0.975))


@dataclass(frozen=True)
class Interval:
    """A proportion (0..1) with a 95% interval."""

    proportion: float
    ci_low: float
    ci_high: float


def clopper_pearson(events: int, total: int, level: float = 0.95) -> Interval:
    """The exact binomial (Clopper-Pearson) interval of ``events/total``."""
    if total <= 0 or not 0 <= events <= total:
        raise ValueError(f"need 0 <= events <= total and total > 0, got {events}/{total}")
    alpha = 1.0 - level
    low = 0.0 if events == 0 else float(stats.beta.ppf(alpha / 2, events, total - events + 1))
    high = (
        1.0 if events == total else float(stats.beta.ppf(1 - alpha / 2, events + 1, total - events))
    )
    return Interval(events / total, low, high)


def percent(value: float | Fraction, places: int = 1) -> str:
    """A proportion (0..1) as a percentage string rounded half up: ``0.8125`` -> ``81.3``.

    A Fraction is rounded exactly; a float through its shortest repr (so 0.8125 is exact).
    """
    exact = (
        Decimal(value.numerator) * 100 / Decimal(value.denominator)
        if isinstance(value, Fraction)
        else Decimal(repr(float(value))) * 100
    )
    quantum = Decimal(1).scaleb(-places)
    return str(exact.quantize(quantum, rounding=ROUND_HALF_UP))


def expit(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def freeman_tukey(events: int, total: int) -> tuple[float, float]:
    """The Freeman-Tukey double arcsine as R meta defines it (half the sum) and its variance.

    t = (asin(sqrt(x/(n+1))) + asin(sqrt((x+1)/(n+1)))) / 2,  var = 1 / (4n + 2).
    """
    n1 = total + 1.0
    t = 0.5 * (math.asin(math.sqrt(events / n1)) + math.asin(math.sqrt((events + 1) / n1)))
    return t, 1.0 / (4.0 * total + 2.0)


def freeman_tukey_inverse(t: float, n: float) -> float:
    """Miller's (1978) inverse of the double arcsine at sample size ``n`` (meta: harmonic mean).

    p = (1 - sgn(cos 2t) sqrt(1 - (sin 2t + (sin 2t - 1/sin 2t)/n)^2)) / 2, with values at or
    below the transform of 0 events giving 0 and of n events giving 1.
    """
    n1 = n + 1.0
    t_zero = 0.5 * (math.asin(0.0) + math.asin(math.sqrt(1.0 / n1)))
    t_all = 0.5 * (math.asin(math.sqrt(n / n1)) + math.asin(1.0))
    if t < t_zero:
        return 0.0
    if t > t_all:
        return 1.0
    s = math.sin(2.0 * t)
    inner = 1.0 - (s + (s - 1.0 / s) / n) ** 2
    p = 0.5 * (1.0 - math.copysign(1.0, math.cos(2.0 * t)) * math.sqrt(max(inner, 0.0)))
    return min(max(p, 0.0), 1.0)
