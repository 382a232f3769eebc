"""The stopping aid: streak and the hypergeometric test, against hand-computed values."""

from __future__ import annotations

import random
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import hypergeom

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
    hypergeometric cdf at every n gives the same value, early and late in screening (exactly 0
    where it is 0; elsewhere to 1e-8: the library sums the cdf itself, scipy uses Boost)."""
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
            got = recall_p_value(found, total, target)
            assert got == expected if expected == 0.0 else got == pytest.approx(expected, rel=1e-8)
            zeros += expected == 0.0
    assert 0 < zeros < 120  # both branches taken


# ---------------------------------------------------------------- an oracle from the docstring


def oracle_p(found: list[bool], total: int, percent: int) -> float:
    """The module docstring's test, window by window with scipy's cdf, no short cut: for each n
    the last n screened are a sample of the N - n_seen + n records unscreened before them; H0
    (recall < percent %) puts at least floor(r / tau) + 1 - (r - k_n) includes in that urn."""
    n_seen = len(found)
    if n_seen == 0:
        return 1.0
    if n_seen >= total:
        return 0.0
    r = sum(found)
    least = int(Fraction(100 * r, percent)) + 1  # floor(r / tau) + 1, exactly
    p = 1.0
    for n in range(1, n_seen + 1):
        k = sum(found[n_seen - n :])
        urn = total - n_seen + n
        good = least - (r - k)
        p = min(p, 0.0 if good > urn else float(hypergeom.cdf(k, urn, good, n)))
    return p


def oracle_bound(found: list[bool], total: int, confidence: int = 95) -> float | None:
    """The highest level 0.50..0.99 whose H0 is rejected, scanning every level from the top."""
    if found and len(found) >= total:
        return 1.0
    for level in range(99, 49, -1):
        if found and oracle_p(found, total, level) < 1 - confidence / 100:
            return level / 100
    return None


def _same(got: float | None, expected: float | None) -> bool:
    if got is None or expected is None:
        return got is expected
    return got == expected if expected == 0.0 else got == pytest.approx(expected, rel=1e-8)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.booleans(), max_size=120),
    st.integers(0, 150),
    st.sampled_from([50, 80, 90, 95, 99]),
    st.floats(0.0, 1.0),
)
def test_p_value_and_bound_equal_the_oracle(
    found: list[bool], extra: int, percent: int, shape: float
) -> None:
    # shape moves the includes to the front (a good ranking) or leaves them as drawn
    if found and shape > 0.5:
        found = sorted(found, reverse=True)[: len(found)]
    total = len(found) + extra
    if total == 0:
        return
    expected = oracle_p(found, total, percent)
    assert _same(recall_p_value(found, total, percent / 100), expected)
    estimate = stopping_estimate(found, total, recall_target=percent / 100)
    assert _same(estimate.p_value, expected if found else None)
    assert estimate.target_reached == (bool(found) and expected < 0.05)
    assert estimate.recall_lower_bound == oracle_bound(found, total)


def test_edges_against_the_oracle() -> None:
    cases: list[tuple[list[bool], int]] = [
        ([False] * 40, 60),  # no includes yet
        ([False] * 40, 41),
        ([True] * 30, 31),  # every record screened an include, one left
        ([True, False] * 20, 40),  # everything screened
        ([True], 1),
        ([False], 2),  # N small
        ([True], 2),
        ([True, False, False], 4),
    ]
    for found, total in cases:
        for percent in (50, 95, 99):
            assert _same(
                recall_p_value(found, total, percent / 100), oracle_p(found, total, percent)
            )
        estimate = stopping_estimate(found, total)
        assert estimate.recall_lower_bound == oracle_bound(found, total)


def test_thousands_of_windows_against_the_oracle() -> None:
    """Sequences long enough for the branch and bound to drop most windows (a ranking that
    finds includes early, a random order, a long streak at the end), against every window."""
    rng = random.Random(11)
    for total, seen, rate, front in [
        (5000, 4200, 0.1, 0.3),
        (4000, 2500, 0.05, 1.0),
        (3000, 2900, 0.2, 0.1),
    ]:
        found = [rng.random() < (rate * 3 if i < front * seen else rate / 4) for i in range(seen)]
        recent = np.asarray(found[::-1], dtype=np.int64)
        k, n = np.cumsum(recent), np.arange(1, seen + 1)
        for percent in (80, 95):
            least = int(Fraction(100 * int(recent.sum()), percent)) + 1
            good = least - (int(recent.sum()) - k)
            urn = total - seen + n
            cdf = np.where(good > urn, 0.0, hypergeom.cdf(k, urn, np.minimum(good, urn), n))
            expected = float(cdf.min())
            assert _same(recall_p_value(found, total, percent / 100), expected)
