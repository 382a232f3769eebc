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
from scipy.stats import hypergeom

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
    n_seen = len(found)
    if n_seen == 0:
        return 1.0
    if n_seen >= total:
        return 0.0
    recent = np.asarray(found[::-1], dtype=np.int64)
    k = np.cumsum(recent)  # includes among the last n screened, n = 1..n_seen
    n = np.arange(1, n_seen + 1)
    r_seen = int(recent.sum())
    urn = total - n_seen + n
    k_min = math.floor(r_seen / recall_target + 1e-9) + 1 - (r_seen - k)
    good = np.minimum(k_min, urn)
    # p is exactly 0 where k_min > urn, and where k lies below the support of the
    # hypergeometric (fewer includes seen than the urn forces): then the minimum is 0, without
    # evaluating the cdf at every n (seconds at 100,000 records)
    if np.any(k_min > urn) or np.any(k < n - (urn - good)):
        return 0.0
    p = hypergeom.cdf(k, urn, good, n)
    return float(np.clip(p.min(), 0.0, 1.0))


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
    p_value = recall_p_value(found, total, recall_target) if found else None
    bound: float | None = None
    if found and len(found) >= total:
        bound = 1.0
    elif found:
        for level in range(99, 49, -1):
            if recall_p_value(found, total, level / 100) < alpha:
                bound = level / 100
                break
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
