"""The stopping aid: streak and the hypergeometric test, against hand-computed values."""

from __future__ import annotations

import pytest

from screener.ranking.stopping import exclude_streak, recall_p_value, stopping_estimate


def test_exclude_streak() -> None:
    assert exclude_streak([]) == 0
    assert exclude_streak([True, False, False]) == 2
    assert exclude_streak([False, False, False]) == 3
    assert exclude_streak([False, True]) == 0
    assert exclude_streak(["include", "exclude", "maybe", "exclude"]) == 1
    with pytest.raises(ValueError, match="unknown decision"):
        exclude_streak(["skip"])


def test_p_value_by_hand() -> None:
    # N=10, screened [I, I, E, E, E], target 0.5: H0 says >= floor(2/0.5)+1 = 5 includes in all.
    # last 1: urn 6 holds >= 3 includes, P(0 of 1) = 3/6
    # last 2: urn 7, >= 3, P(0 of 2) = C(4,2)/C(7,2) = 6/21
    # last 3: urn 8, >= 3, P(0 of 3) = C(5,3)/C(8,3) = 10/56   <- minimum
    # last 4: urn 9, >= 4, P(<=1 of 4) = (C(5,4) + 4*C(5,3))/C(9,4) = 45/126
    # last 5: urn 10, >= 5, P(<=2 of 5) = (1 + 25 + 100)/252
    found = [True, True, False, False, False]
    assert recall_p_value(found, 10, 0.5) == pytest.approx(10 / 56)


def test_long_streak_reaches_the_target() -> None:
    # 10 includes, then 280 excludes, 10 records left. H0 (recall < 0.95) needs >= 11 includes,
    # i.e. >= 1 in the urn of 290 before the streak; P(0 of 280) = 10/290 (the smallest window p)
    found = [True] * 10 + [False] * 280
    assert recall_p_value(found, 300, 0.95) == pytest.approx(10 / 290)
    estimate = stopping_estimate(found, 300)
    assert estimate.p_value == pytest.approx(1 / 29)
    assert estimate.target_reached is True
    assert estimate.streak == 280
    assert (estimate.screened, estimate.total, estimate.includes_found) == (290, 300, 10)
    # every level above 10/11 needs just one missing include: all share p = 1/29 < 0.05
    assert estimate.recall_lower_bound == 0.99


def test_short_streak_does_not() -> None:
    found = [True] * 10 + [False] * 20
    estimate = stopping_estimate(found, 1000)
    assert estimate.target_reached is False
    assert estimate.p_value is not None and estimate.p_value > 0.5
    assert estimate.recall_lower_bound is None


def test_edges() -> None:
    empty = stopping_estimate([], 50)
    assert (empty.p_value, empty.target_reached, empty.recall_lower_bound) == (None, False, None)
    done = stopping_estimate(["include", "exclude"], 2)
    assert (done.p_value, done.target_reached, done.recall_lower_bound) == (0.0, True, 1.0)
    with pytest.raises(ValueError, match="3 decisions but only 2"):
        stopping_estimate([True, False, False], 2)
    with pytest.raises(ValueError, match="strictly between"):
        stopping_estimate([True], 2, recall_target=1.0)


def test_p_value_short_cut_equals_the_cdf_at_every_n() -> None:
    """recall_p_value returns 0 at once when some n has p exactly 0; the plain evaluation of the
    hypergeometric cdf at every n gives the same value, early and late in screening."""
    import math
    import random

    import numpy as np
    from scipy.stats import hypergeom

    def plain(found: list[bool], total: int, target: float) -> float:
        recent = np.asarray(found[::-1], dtype=np.int64)
        k, n = np.cumsum(recent), np.arange(1, len(found) + 1)
        r = int(recent.sum())
        urn = total - len(found) + n
        k_min = math.floor(r / target + 1e-9) + 1 - (r - k)
        p = np.where(k_min > urn, 0.0, hypergeom.cdf(k, urn, np.minimum(k_min, urn), n))
        return float(np.clip(p.min(), 0.0, 1.0))

    rng = random.Random(5)
    zeros = 0
    for _ in range(60):
        total = rng.randrange(20, 400)
        seen = rng.randrange(1, total)
        rate = rng.choice([0.02, 0.1, 0.3])
        front = rng.random()  # includes found early (a good ranking) or spread out
        found = [rng.random() < (rate * 3 if i < front * seen else rate / 3) for i in range(seen)]
        for target in (0.8, 0.95):
            expected = plain(found, total, target)
            assert recall_p_value(found, total, target) == expected
            zeros += expected == 0.0
    assert 0 < zeros < 120  # both branches taken
