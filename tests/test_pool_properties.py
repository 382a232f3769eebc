"""Properties of the pooling statistics on data nobody chose (hypothesis), and cross-checks
of each estimator against an independent computation from its definition."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from scipy import integrate, optimize, special

from screener.handoff.extraction import Count
from screener.pooling.glmm import fit_glmm, loglik
from screener.pooling.pool import MODELS, pool_counts
from screener.pooling.proportion import clopper_pearson, freeman_tukey_inverse
from screener.pooling.randomeffects import random_effects, restricted_loglik, tau2_dl, tau2_reml

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def studies(draw: st.DrawFn, min_k: int = 1, max_k: int = 10) -> list[tuple[int, int]]:
    k = draw(st.integers(min_k, max_k))
    out = []
    for _ in range(k):
        n = draw(st.integers(1, 300))
        out.append((draw(st.integers(0, n)), n))
    return out


@st.composite
def effects(draw: st.DrawFn, min_k: int = 1) -> tuple[list[float], list[float]]:
    k = draw(st.integers(min_k, 12))
    y = draw(st.lists(st.floats(-6, 6, allow_nan=False), min_size=k, max_size=k))
    v = draw(st.lists(st.floats(0.005, 4.0, allow_nan=False), min_size=k, max_size=k))
    return y, v


def _counts(data: list[tuple[int, int]]) -> list[Count]:
    return [Count(f"S{i}", x, n, i + 2) for i, (x, n) in enumerate(data)]


@FAST
@given(effects())
def test_random_effects_invariants(data: tuple[list[float], list[float]]) -> None:
    y, v = data
    for method in ("REML", "DL"):
        fit = random_effects(y, v, method)
        assert fit.tau2 >= 0
        assert 0 <= fit.i2 <= 100
        assert fit.q >= 0
        assert fit.ci_low <= fit.estimate <= fit.ci_high
        assert sum(fit.weights) == pytest.approx(100)
        assert min(y) - 1e-9 <= fit.estimate <= max(y) + 1e-9


def _local_maxima(y: list[float], v: list[float]) -> int:
    upper = 20 * (float(np.var(y, ddof=1)) + max(v)) + 1
    grid = np.concatenate(([0.0], np.geomspace(1e-9, upper, 3000)))
    values = np.array([restricted_loglik(t, y, v) for t in grid])
    inner = (values[1:-1] > values[:-2]) & (values[1:-1] >= values[2:])
    return int(values[0] >= values[1]) + int(np.sum(inner))


@FAST
@given(effects(min_k=2))
def test_reml_is_a_maximum_and_matches_direct_maximisation(
    data: tuple[list[float], list[float]],
) -> None:
    y, v = data
    ours = tau2_reml(y, v)
    best = tau2_reml(y, v, global_max=True)
    spread = float(np.var(y, ddof=1)) + max(v)
    res = optimize.minimize_scalar(
        lambda t: -restricted_loglik(t, y, v),
        bounds=(0.0, 20 * spread + 1),
        method="bounded",
        options={"xatol": 1e-12},
    )
    direct = float(res.x)
    # the global search is never beaten by a direct bounded maximisation
    assert restricted_loglik(best, y, v) >= restricted_loglik(direct, y, v) - 1e-9
    # metafor's Fisher scoring ends at a maximum: no nearby t is better
    for t in (ours * 0.999, ours * 1.001 + 1e-9):
        assert restricted_loglik(ours, y, v) >= restricted_loglik(t, y, v) - 1e-12
    if _local_maxima(y, v) == 1:  # one maximum: every method finds it
        assert ours == pytest.approx(best, abs=1e-7 * (1 + best))
        assert ours == pytest.approx(direct, abs=1e-4 * (1 + direct))


def test_reml_with_two_maxima_follows_metafors_fisher_scoring() -> None:
    # found by hypothesis: l_R has a local maximum at 0.519 and a higher one at 0; Fisher
    # scoring from Hedges' estimate (0.975) climbs to the inner one, as metafor's algorithm does
    y, v = [2.0, 3.0, 0.0, 0.0, 0.0], [1.0, 2.0, 2.0, 0.0625, 0.0625]
    assert _local_maxima(y, v) == 2
    assert tau2_reml(y, v) == pytest.approx(0.519024527, abs=1e-8)
    assert tau2_reml(y, v, global_max=True) == 0.0
    assert restricted_loglik(0.0, y, v) > restricted_loglik(tau2_reml(y, v), y, v)


@FAST
@given(effects(min_k=2), st.floats(0.0, 3.0))
def test_restricted_loglik_matches_the_matrix_definition(
    data: tuple[list[float], list[float]], tau2: float
) -> None:
    # -1/2 [log|V| + log|X'V^-1 X| + r' V^-1 r], r = y - X mu_GLS, X = 1 (constants dropped)
    y, v = data
    ya = np.array(y)
    cov = np.diag(np.array(v) + tau2)
    inv = np.linalg.inv(cov)
    ones = np.ones((len(y), 1))
    xtvx = (ones.T @ inv @ ones).item()
    mu = (ones.T @ inv @ ya).item() / xtvx
    r = ya - mu
    expected = -0.5 * (np.linalg.slogdet(cov)[1] + math.log(xtvx) + float(r @ inv @ r))
    assert restricted_loglik(tau2, y, v) == pytest.approx(expected, rel=1e-9, abs=1e-9)


@FAST
@given(st.lists(st.floats(-5, 5, allow_nan=False), min_size=2, max_size=12), st.floats(0.01, 3.0))
def test_reml_equals_dl_when_within_study_variances_are_equal(y: list[float], v: float) -> None:
    # with v_i = v both estimators solve tau2 = max(0, var(y) - v)
    expected = max(0.0, float(np.var(y, ddof=1)) - v)
    assert tau2_dl(y, [v] * len(y)) == pytest.approx(expected, abs=1e-9)
    assert tau2_reml(y, [v] * len(y)) == pytest.approx(expected, abs=1e-7)


@FAST
@given(studies(), st.randoms(use_true_random=False), st.booleans())
def test_pooling_is_invariant_to_study_order(
    data: list[tuple[int, int]], rnd: object, hk: bool
) -> None:
    shuffled = list(data)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    a = pool_counts("o", _counts(data), ("crude", "logit_reml", "freeman_tukey"), hk)
    b = pool_counts("o", _counts(shuffled), ("crude", "logit_reml", "freeman_tukey"), hk)
    assert a.crude == b.crude
    for name in ("logit_reml", "freeman_tukey"):
        ma, mb = a.models[name], b.models[name]
        assert ma is not None and mb is not None
        assert ma.estimate == pytest.approx(mb.estimate, abs=1e-9)
        assert ma.tau2 == pytest.approx(mb.tau2, abs=1e-7)
        assert ma.interval.ci_low == pytest.approx(mb.interval.ci_low, abs=1e-8)


@FAST
@given(studies())
def test_every_interval_contains_its_estimate_and_stays_in_0_1(
    data: list[tuple[int, int]],
) -> None:
    pool = pool_counts("o", _counts(data), ("crude", "logit_reml", "freeman_tukey"))
    assert pool.crude is not None
    intervals = [pool.crude] + [s.interval for s in pool.studies]
    intervals += [m.interval for name in MODELS if (m := pool.models[name]) is not None]
    for iv in intervals:
        assert 0.0 <= iv.ci_low <= iv.proportion <= iv.ci_high <= 1.0
    for name in ("logit_reml", "freeman_tukey"):
        model = pool.models[name]
        assert model is not None
        assert model.tau2 >= 0 and 0 <= model.i2 <= 100
        if len(data) == 1:
            assert (model.tau2, model.i2) == (0.0, 0.0)


@SLOW
@given(studies(min_k=2, max_k=6), st.randoms(use_true_random=False))
@example([(0, 1), (81, 86), (0, 68)], random.Random(0))  # tau^2 49: a flat top
def test_glmm_invariants_and_order(data: list[tuple[int, int]], rnd: object) -> None:
    x = [a for a, _ in data]
    n = [b for _, b in data]
    assume(sum(x) > 0 and any(a < b for a, b in data))
    # every study at 0% or 100% (some of each): tau^2 diverges and the fit is refused
    # (test_pool_boundaries checks that refusal)
    assume(not all(a in (0, b) for a, b in data))
    fit = fit_glmm(x, n)
    assert fit.tau2 >= 0 and fit.lrt >= 0 and fit.se > 0
    assert fit.ci_low <= fit.estimate <= fit.ci_high
    order = list(range(len(x)))
    rnd.shuffle(order)  # type: ignore[attr-defined]
    again = fit_glmm([x[i] for i in order], [n[i] for i in order])
    assert again.estimate == pytest.approx(fit.estimate, abs=2e-4)
    assert again.tau2 == pytest.approx(fit.tau2, abs=2e-4)
    # no (mu, tau) nearby is better than the fit (it is a maximum, to the optimiser's
    # tolerance: where tau^2 is large the top is flat, 7e-7 higher 0.05 away in one example)
    for dmu, dtau in ((0.05, 0), (-0.05, 0), (0, 0.05), (0, -0.05)):
        tau = max(0.0, math.sqrt(fit.tau2) + dtau)
        assert loglik(fit.estimate + dmu, tau, x, n) <= fit.loglik + 1e-6 * (1 + abs(fit.loglik))


@FAST
@given(
    st.integers(1, 200).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.floats(-4, 4),
    st.floats(0.05, 3.0),
)
def test_glmm_likelihood_matches_direct_numerical_integration(
    xn: tuple[int, int], mu: float, tau: float
) -> None:
    x, n = xn

    def density(u: float) -> float:
        eta = mu + u
        log_bin = (
            special.gammaln(n + 1)
            - special.gammaln(x + 1)
            - special.gammaln(n - x + 1)
            + x * eta
            - n * np.logaddexp(0, eta)
        )
        return math.exp(log_bin - u * u / (2 * tau * tau)) / (math.sqrt(2 * math.pi) * tau)

    # wide limits: with x = 0 or x = n the binomial factor tends to 1 in one tail, so the
    # integrand there falls off more slowly than the normal density alone
    value, _ = integrate.quad(
        density, -60.0, 60.0, points=[-3 * tau, 0.0, 3 * tau], epsabs=0, epsrel=1e-12, limit=400
    )
    assume(value > 1e-250)
    assert loglik(mu, tau, [x], [n]) == pytest.approx(math.log(value), abs=1e-7)


@FAST
@given(st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_clopper_pearson_is_ordered_and_inside(xn: tuple[int, int]) -> None:
    x, n = xn
    iv = clopper_pearson(x, n)
    assert 0 <= iv.ci_low <= x / n <= iv.ci_high <= 1
    assert (iv.ci_low == 0) == (x == 0) and (iv.ci_high == 1) == (x == n)


@FAST
@given(st.floats(1.0, 500.0), st.floats(0.0, math.pi / 2), st.floats(0.0, math.pi / 2))
def test_freeman_tukey_inverse_is_monotone_and_bounded(n: float, a: float, b: float) -> None:
    lo, hi = sorted((a, b))
    pa, pb = freeman_tukey_inverse(lo, n), freeman_tukey_inverse(hi, n)
    assert 0.0 <= pa <= pb + 1e-12 <= 1.0 + 1e-12
