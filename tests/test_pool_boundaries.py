"""Pooling at its edges: invalid counts refused, the back-transforms strictly increasing just
inside their clamps, the random-effects and GLMM boundaries (k = 1, tau^2 = 0, levels).

Each case was found by mutation testing (bench/mutation.py): a small change to the code that the
rest of the suite did not notice. Expected values are computed here from the definitions.
"""

from __future__ import annotations

import itertools
import math

import pytest

from screener.pooling.proportion import clopper_pearson, freeman_tukey, freeman_tukey_inverse


@pytest.mark.parametrize(("events", "total"), [(0, 0), (1, 0), (0, -3), (5, 3), (-1, 4)])
def test_clopper_pearson_refuses_impossible_counts_and_names_them(events: int, total: int) -> None:
    with pytest.raises(ValueError, match=f"got {events}/{total}"):
        clopper_pearson(events, total)


@pytest.mark.parametrize("total", [1, 5, 20, 100])
def test_freeman_tukey_inverse_rises_strictly_from_its_zero_clamp(total: int) -> None:
    # between the transform of 0 events and of 1 event the inverse is Miller's formula, not the
    # clamp: a pooled transform a little above t(0 events) back-transforms to a small positive
    # proportion, and a larger one to a larger proportion
    t_none, _ = freeman_tukey(0, total)
    t_one, _ = freeman_tukey(1, total)
    grid = [t_none + (t_one - t_none) * k / 8 for k in range(9)]
    values = [freeman_tukey_inverse(t, total) for t in grid]
    assert values[0] == 0.0
    assert all(a < b for a, b in itertools.pairwise(values))
    assert values[-1] == pytest.approx(1 / total, abs=1e-9)


@pytest.mark.parametrize("total", [1, 5, 20, 100])
def test_freeman_tukey_inverse_rises_strictly_to_its_one_clamp(total: int) -> None:
    t_all, _ = freeman_tukey(total, total)
    t_below, _ = freeman_tukey(total - 1, total)
    grid = [t_below + (t_all - t_below) * k / 8 for k in range(9)]
    values = [freeman_tukey_inverse(t, total) for t in grid]
    assert values[-1] == 1.0
    assert all(a < b for a, b in itertools.pairwise(values))
    assert values[0] == pytest.approx((total - 1) / total, abs=1e-9)
    assert math.isfinite(values[0])


# --- random effects --------------------------------------------------------------------------


def by_hand(y: list[float], v: list[float]) -> tuple[float, float, float, float]:
    """DerSimonian-Laird from the definitions: tau^2, mu, the z SE and the Hartung-Knapp SE."""
    k = len(y)
    w = [1 / vi for vi in v]
    mu_fe = sum(wi * yi for wi, yi in zip(w, y, strict=True)) / sum(w)
    q = sum(wi * (yi - mu_fe) ** 2 for wi, yi in zip(w, y, strict=True))
    tau2 = max(0.0, (q - (k - 1)) / (sum(w) - sum(wi * wi for wi in w) / sum(w)))
    ws = [1 / (vi + tau2) for vi in v]
    mu = sum(wi * yi for wi, yi in zip(ws, y, strict=True)) / sum(ws)
    spread = sum(wi * (yi - mu) ** 2 for wi, yi in zip(ws, y, strict=True))
    return tau2, mu, 1 / math.sqrt(sum(ws)), math.sqrt(spread / ((k - 1) * sum(ws)))


@pytest.mark.parametrize(
    ("y", "v"), [([0.1, 0.9], [0.04, 0.05]), ([0.1, 0.5, 1.4, -0.3], [0.04, 0.05, 0.06, 0.1])]
)
def test_hartung_knapp_interval_from_the_definitions(y: list[float], v: list[float]) -> None:
    from scipy import stats

    from screener.pooling.randomeffects import random_effects

    tau2, mu, _, se_hk = by_hand(y, v)
    fit = random_effects(y, v, method="DL", hartung_knapp=True)
    assert fit.hartung_knapp and fit.tau2 == pytest.approx(tau2, rel=1e-12)
    assert (fit.estimate, fit.se) == (pytest.approx(mu, rel=1e-12), pytest.approx(se_hk))
    half = float(stats.t.ppf(0.975, len(y) - 1)) * se_hk
    assert (fit.ci_low, fit.ci_high) == (pytest.approx(mu - half), pytest.approx(mu + half))


def test_interval_at_another_level_uses_that_normal_quantile() -> None:
    from scipy import stats

    from screener.pooling.randomeffects import random_effects

    y, v = [0.1, 0.5, 1.4], [0.04, 0.05, 0.06]
    _, mu, se, _ = by_hand(y, v)
    for level in (0.9, 0.99):
        fit = random_effects(y, v, method="DL", level=level)
        half = float(stats.norm.ppf(0.5 + level / 2)) * se
        assert (fit.ci_low, fit.ci_high) == (pytest.approx(mu - half), pytest.approx(mu + half))
    at95 = random_effects(y, v, method="DL")
    assert at95.ci_high - at95.estimate == pytest.approx(1.959963984540054 * se)


def test_defaults_are_reml_without_hartung_knapp() -> None:
    from screener.pooling.randomeffects import random_effects, tau2_reml

    y, v = [0.1, 0.5, 1.4, -0.3], [0.04, 0.05, 0.06, 0.1]
    fit = random_effects(y, v)
    assert fit.tau2 == tau2_reml(y, v) and not fit.hartung_knapp
    assert fit == random_effects(y, v, method="REML", hartung_knapp=False)
    with pytest.raises(ValueError, match="unknown tau\\^2 method 'PM'"):
        random_effects(y, v, method="PM")


def test_dl_tau2_of_one_study_or_one_dominant_study_is_zero() -> None:
    from screener.pooling.randomeffects import i_squared, tau2_dl

    assert tau2_dl([0.3], [0.1]) == 0.0
    # a study with (almost) no variance takes all the weight: the DL denominator rounds to 0
    assert tau2_dl([0.0, 1.0], [1e-20, 1.0]) == 0.0
    assert i_squared(3.0, 1) == pytest.approx(100 * 2 / 3)
    assert i_squared(1.0, 1) == 0.0 and i_squared(5.0, 0) == 0.0


# --- GLMM ------------------------------------------------------------------------------------


def common_loglik(x: list[int], n: list[int]) -> float:
    """The binomial log-likelihood at the crude pooled proportion (the model with tau^2 = 0)."""
    from scipy import stats

    p = sum(x) / sum(n)
    return float(sum(stats.binom.logpmf(xi, ni, p) for xi, ni in zip(x, n, strict=True)))


def test_glmm_likelihood_ratio_is_against_the_common_proportion() -> None:
    from screener.pooling.glmm import fit_glmm

    x, n = [1, 9, 4], [30, 30, 30]
    fit = fit_glmm(x, n)
    assert fit.tau2 > 0.1
    assert fit.lrt == pytest.approx(2 * (fit.loglik - common_loglik(x, n)), abs=1e-8)
    assert fit.lrt == pytest.approx(2.4616, abs=1e-3)
    # homogeneous studies: the ML is the common proportion itself
    same = fit_glmm([3, 5, 4], [30, 30, 30])
    assert same.tau2 == 0.0 and same.lrt == pytest.approx(0.0, abs=1e-9)
    assert same.estimate == pytest.approx(math.log(12 / 78), rel=1e-9)
    assert same.loglik == pytest.approx(common_loglik([3, 5, 4], [30, 30, 30]), rel=1e-12)


def test_glmm_defaults_and_integer_or_float_counts_agree() -> None:
    from screener.pooling.glmm import fit_glmm

    fit = fit_glmm([1, 9, 4], [30, 30, 30])
    assert fit.hartung_knapp is False
    assert fit == fit_glmm([1.0, 9.0, 4.0], [30.0, 30.0, 30.0])


def test_glmm_refusals_say_why_in_one_sentence() -> None:
    from screener.pooling.glmm import GLMMError, fit_glmm

    cases = [
        ([], [], "no studies to pool"),
        (
            [0, 0],
            [5, 9],
            "every study has 0 events (0%): the maximum-likelihood estimate is minus infinity",
        ),
        (
            [5, 9],
            [5, 9],
            "every study has 100% events: the maximum-likelihood estimate is plus infinity",
        ),
    ]
    for x, n, message in cases:
        with pytest.raises(GLMMError) as error:
            fit_glmm(x, n)
        assert str(error.value) == message


def test_hedges_start_is_the_spread_of_the_effects_minus_their_mean_variance() -> None:
    from screener.pooling.randomeffects import tau2_he

    # var(y) with k - 1 in the denominator, minus mean(v); untruncated (metafor's start value)
    assert tau2_he([0.2, 1.0], [0.1, 0.3]) == pytest.approx(0.32 - 0.2)
    assert tau2_he([1.0, 2.0, 6.0], [0.5, 0.5, 2.0]) == pytest.approx(7.0 - 1.0)
    assert tau2_he([0.1, 0.2, 0.3], [1.0, 1.0, 1.0]) == pytest.approx(0.01 - 1.0)
    assert tau2_he([0.7], [0.2]) == 0.0


def test_reml_starts_at_zero_when_hedges_is_negative_as_metafor_does() -> None:
    import numpy as np

    from screener.pooling.randomeffects import _reml_score, tau2_he, tau2_reml

    # l_R falls at t = 0 and has another (local) maximum inside: Hedges' start is negative, so
    # Fisher scoring starts at 0, where the score is negative, and stays at the boundary
    y = [3.0, 3.0, 1.0, 2.0, 3.0, 1.0]
    v = [2.0, 1.0, 0.0625, 4.0, 4.0, 0.0625]
    ya, va = np.array(y), np.array(v)
    assert tau2_he(y, v) < 0 and _reml_score(0.0, ya, va) < 0
    scores = [_reml_score(t, ya, va) for t in np.geomspace(1e-4, 20, 300)]
    assert any(a > 0 >= b for a, b in itertools.pairwise(scores))  # an inner maximum
    assert tau2_reml(y, v) == 0.0


@pytest.mark.parametrize(
    ("y", "v", "message"),
    [
        ([0.1, 0.2], [0.1], "y and v must be non-empty sequences of equal length"),
        ([], [], "y and v must be non-empty sequences of equal length"),
        ([[0.1, 0.2]], [[0.1, 0.2]], "y and v must be non-empty sequences of equal length"),
        ([0.1, 0.2], [0.1, 0.0], "variances must be positive and all values finite"),
        ([0.1, 0.2], [0.1, -0.1], "variances must be positive and all values finite"),
        ([0.1, math.nan], [0.1, 0.1], "variances must be positive and all values finite"),
        ([0.1, 0.2], [0.1, math.inf], "variances must be positive and all values finite"),
    ],
)
def test_random_effects_refuses_unusable_input_and_says_why(
    y: list[float], v: list[float], message: str
) -> None:
    from screener.pooling.randomeffects import random_effects

    with pytest.raises(ValueError) as error:
        random_effects(y, v, method="DL")
    assert str(error.value) == message


def test_glmm_refuses_studies_all_at_0_or_100_percent_in_either_order() -> None:
    # found by hypothesis in the mutation run: one study at 0/1 and one at 2/2 have no finite
    # ML estimate of tau^2 (the two are perfectly separated)
    from screener.pooling.glmm import GLMMError, fit_glmm

    for x, n in (([0, 2], [1, 2]), ([2, 0], [2, 1]), ([0, 1], [3, 1])):
        with pytest.raises(GLMMError) as error:
            fit_glmm(x, n)
        assert str(error.value) == (
            "the between-study variance diverges; the model cannot be fitted"
        )


# BCG vaccine trials (metafor's dat.bcg): log risk ratios and their variances
_BCG = [  # (tpos, tneg, cpos, cneg)
    (4, 119, 11, 128), (6, 300, 29, 274), (3, 228, 11, 209), (62, 13536, 248, 12619),
    (33, 5036, 47, 5761), (180, 1361, 372, 1079), (8, 2537, 10, 619), (505, 87886, 499, 87892),
    (29, 7470, 45, 7232), (17, 1699, 65, 1600), (186, 50448, 141, 27197), (5, 2493, 3, 2338),
    (27, 16886, 29, 17825),
]  # fmt: skip


@pytest.mark.parametrize(
    ("y", "v", "iterations"),
    [
        # the exact Fisher step (expected information tr PP): 7 steps from Hedges' start; a step
        # of another length reaches the same root linearly, in 13 to 20
        (
            [math.log(a / (a + b) / (c / (c + d))) for a, b, c, d in _BCG],
            [1 / a - 1 / (a + b) + 1 / c - 1 / (c + d) for a, b, c, d in _BCG],
            10,
        ),
        # the maximum is at 0: the first steps from Hedges' start overshoot below 0 and are
        # halved (metafor); 10 steps, where shrinking them by 3 takes 33 and an unshrunk step
        # never converges
        ([-1.28, -0.63, 0.36, -2.15], [0.25, 0.25, 2.0, 1.0], 15),
    ],
)
def test_reml_fisher_scoring_takes_metafors_steps(
    y: list[float], v: list[float], iterations: int
) -> None:
    import numpy as np

    from screener.pooling.randomeffects import _reml_fisher, _reml_global

    ya, va = np.array(y), np.array(v)
    found = _reml_fisher(ya, va, tol=1e-12, maxiter=iterations)
    assert found is not None
    assert found == pytest.approx(_reml_global(ya, va), abs=1e-10)


@pytest.mark.parametrize(
    ("y", "v"),
    [
        ([0.0, 100.0, 200.0], [1.0, 1.0, 1.0]),  # tau^2 near 10,000: far above 400
        ([0.0, 0.1, 0.2], [0.001, 0.001, 0.001]),  # every scale below 0.1
    ],
)
def test_reml_global_search_spans_the_scale_of_the_data(y: list[float], v: list[float]) -> None:
    # the grid that brackets the score's roots must reach past tau^2 = spread - mean(v), however
    # large or small the effects are (one maximum here: the global search and Fisher agree)
    from screener.pooling.randomeffects import restricted_loglik, tau2_reml

    ours = tau2_reml(y, v)
    assert ours > 0.0
    assert tau2_reml(y, v, global_max=True) == pytest.approx(ours, rel=1e-9)
    assert restricted_loglik(ours, y, v) > restricted_loglik(0.0, y, v)
