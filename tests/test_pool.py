"""Pooling single proportions: published reference values, the seed review's totals, edge cases."""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from scipy import optimize

from screener.handoff.extraction import read_sheet
from screener.pooling.glmm import GLMMError, fit_glmm
from screener.pooling.pool import pool_sheet
from screener.pooling.proportion import (
    clopper_pearson,
    freeman_tukey,
    freeman_tukey_inverse,
    percent,
)

DATA = Path(__file__).parent / "data" / "pool"
NIELWEISE = DATA / "nielweise2007_control.csv"
PRITZ = DATA / "pritz1997.csv"
SEED = DATA / "seed_printed_totals.csv"


# --- Stijnen, Hamza & Ozdemir, Stat Med 2010;29:3046-3067, Table II (p. 3050) -----------------
# Niel-Weise 2007 control arms (metadat dat.nielweise2007 ci/n2i), typed from the table.


def test_reference_logit_reml_matches_stijnen_2010_table_ii() -> None:
    (pool,) = pool_sheet(NIELWEISE)
    model = pool.models["logit_reml"]
    assert model is not None
    assert model.estimate == pytest.approx(-3.3018, abs=5e-4)
    assert model.se == pytest.approx(0.2378, abs=5e-4)
    assert model.tau2 == pytest.approx(0.6629, abs=2e-3)
    assert model.interval.proportion == pytest.approx(0.0355, abs=5e-5)
    assert model.interval.ci_low == pytest.approx(0.0226, abs=5e-5)
    assert model.interval.ci_high == pytest.approx(0.0554, abs=5e-5)
    assert model.extra["corrected"] == ["Yucel"]  # 0/105 gets +0.5 (metafor to="only0")


def test_reference_glmm_matches_stijnen_2010_table_ii() -> None:
    (pool,) = pool_sheet(NIELWEISE)
    model = pool.models["glmm"]
    assert model is not None
    assert model.estimate == pytest.approx(-3.4964, abs=5e-4)
    assert model.se == pytest.approx(0.2570, abs=5e-4)
    assert model.tau2 == pytest.approx(0.8124, abs=2e-3)
    assert model.interval.proportion == pytest.approx(0.0294, abs=5e-5)
    assert model.interval.ci_low == pytest.approx(0.0180, abs=5e-5)
    assert model.interval.ci_high == pytest.approx(0.0478, abs=5e-5)


def test_reference_heterogeneity_and_crude() -> None:
    (pool,) = pool_sheet(NIELWEISE)
    assert (pool.k, pool.events, pool.total) == (18, 87, 2495)
    model = pool.models["logit_reml"]
    assert model is not None
    assert model.df == 17
    # Q on the corrected logits and I2 = (Q - df)/Q, recomputed here from the definition
    y, v = [], []
    for c in read_sheet(NIELWEISE)["crbsi"]:
        x, n = (c.events + 0.5, c.total + 1) if c.events in (0, c.total) else (c.events, c.total)
        y.append(math.log(x / (n - x)))
        v.append(1 / x + 1 / (n - x))
    w = 1 / np.array(v)
    mu = float(np.sum(w * y) / np.sum(w))
    q = float(np.sum(w * (np.array(y) - mu) ** 2))
    assert model.q == pytest.approx(q, rel=1e-12)
    assert model.i2 == pytest.approx(100 * (q - 17) / q, rel=1e-12)
    assert pool.crude is not None
    assert pool.crude.proportion == 87 / 2495


# --- the seed review's printed totals (Ge et al. 2015, abstract) --------------------------------


@pytest.mark.parametrize(
    ("outcome", "text"),
    [
        ("muscle_strength", "93.3% [81.7, 98.6]"),
        ("physical_function", "64.7% [38.3, 85.8]"),
        ("ck_decreased", "100.0% [94.7, 100.0]"),
        ("fvc", "89.3% [71.8, 97.7]"),
        ("dlco", "81.3% [54.4, 96.0]"),
    ],
)
def test_seed_printed_totals_pool_to_printed_percentages(outcome: str, text: str) -> None:
    (pool,) = pool_sheet(SEED, outcome=outcome, methods=("crude",))
    assert pool.crude is not None
    from screener.pooling.pool import interval_text

    assert interval_text(pool.crude) == text


def test_percent_rounds_half_up_like_the_paper() -> None:
    assert percent(Fraction(13, 16)) == "81.3"
    assert percent(13 / 16) == "81.3"
    assert f"{100 * 13 / 16:.1f}" == "81.2"  # what Python's own rounding would print
    assert percent(Fraction(1, 8), places=0) == "13"
    assert percent(0.0) == "0.0"
    # a Fraction is rounded from its exact value, not from the nearest float's digits
    assert percent(Fraction(1, 3), places=20) == "33.33333333333333333333"


def test_clopper_pearson_equals_the_beta_quantile_definition() -> None:
    # P(X >= x | p_low) = 0.025 and P(X <= x | p_high) = 0.025 define the exact interval
    from scipy import stats

    iv = clopper_pearson(13, 16)
    assert stats.binom.sf(12, 16, iv.ci_low) == pytest.approx(0.025, abs=1e-10)
    assert stats.binom.cdf(13, 16, iv.ci_high) == pytest.approx(0.025, abs=1e-10)
    assert clopper_pearson(0, 10).ci_low == 0.0
    assert clopper_pearson(10, 10).ci_high == 1.0
    assert clopper_pearson(68, 68).ci_low == pytest.approx(0.025 ** (1 / 68))


# --- 0% / 100% ----------------------------------------------------------------------------------


def test_all_studies_at_100_percent_glmm_says_why_and_crude_still_prints(tmp_path: Path) -> None:
    sheet = tmp_path / "s.csv"
    sheet.write_text("study,ck_events,ck_total\nA,20,20\nB,48,48\n", encoding="utf-8")
    (pool,) = pool_sheet(sheet)
    assert pool.models["glmm"] is None
    assert pool.reasons["glmm"] == (
        "every study has 100% events: the maximum-likelihood estimate is plus infinity"
    )
    assert pool.crude is not None
    assert (pool.crude.proportion, round(pool.crude.ci_low, 4)) == (1.0, 0.9472)
    ft = pool.models["freeman_tukey"]
    assert ft is not None and ft.interval.proportion == 1.0
    logit = pool.models["logit_reml"]
    assert logit is not None and logit.extra["corrected"] == ["A", "B"]


def test_all_zero_glmm_cannot_be_fitted() -> None:
    with pytest.raises(GLMMError, match="0 events"):
        fit_glmm([0, 0, 0], [10, 20, 30])


def test_pritz_two_full_studies_are_corrected_only_for_logit() -> None:
    (pool,) = pool_sheet(PRITZ)
    logit = pool.models["logit_reml"]
    glmm = pool.models["glmm"]
    assert logit is not None and glmm is not None
    assert logit.extra["corrected"] == ["Tanabe et al.", "Hadeishi et al."]
    # the GLMM uses exact binomial likelihoods: cross-check its ML by brute force with a
    # different integrator (non-adaptive 200-node Gauss-Hermite) and a different optimiser
    counts = read_sheet(PRITZ)["success"]
    x = np.array([c.events for c in counts], dtype=float)
    n = np.array([c.total for c in counts], dtype=float)
    t, w = np.polynomial.hermite.hermgauss(200)

    def negll(theta: np.ndarray) -> float:
        mu, tau = theta[0], abs(theta[1])
        eta = mu + math.sqrt(2) * tau * t[None, :]
        logp = x[:, None] * eta - n[:, None] * np.logaddexp(0, eta)
        return -float(np.sum(np.log(np.sum(w * np.exp(logp), axis=1) / math.sqrt(math.pi))))

    res = optimize.minimize(
        negll,
        np.array([1.0, 0.5]),
        method="Nelder-Mead",
        options={"xatol": 1e-9, "fatol": 1e-12, "maxiter": 5000},
    )
    assert glmm.estimate == pytest.approx(res.x[0], abs=1e-4)
    assert glmm.tau2 == pytest.approx(res.x[1] ** 2, abs=1e-4)


def test_single_study_is_degenerate_but_defined(tmp_path: Path) -> None:
    sheet = tmp_path / "one.csv"
    sheet.write_text("study,a_events,a_total\nOnly,42,45\n", encoding="utf-8")
    (pool,) = pool_sheet(sheet, hartung_knapp=True)
    for name in ("logit_reml", "glmm", "freeman_tukey"):
        model = pool.models[name]
        assert model is not None, name
        assert (model.tau2, model.i2, model.q, model.df) == (0.0, 0.0, 0.0, 0)
        assert model.hartung_knapp is False  # HK falls back to z when k = 1
    logit = pool.models["logit_reml"]
    assert logit is not None
    assert logit.estimate == pytest.approx(math.log(42 / 3))
    assert logit.se == pytest.approx(math.sqrt(1 / 42 + 1 / 3))


def test_freeman_tukey_inverse_undoes_the_transform_at_the_study_size() -> None:
    for events, total in [(0, 10), (1, 10), (5, 10), (9, 10), (10, 10), (13, 16), (42, 45)]:
        t, v = freeman_tukey(events, total)
        assert v == 1 / (4 * total + 2)
        assert freeman_tukey_inverse(t, total) == pytest.approx(events / total, abs=1e-9)


def test_freeman_tukey_inverse_is_zero_below_no_events_and_one_above_all_events() -> None:
    # Miller's formula turns positive again below the transform of 0 events (and is not 1
    # above the transform of n events), so the inverse must clamp at exactly those transforms.
    for total in (1, 2, 3, 5, 10):
        t_none, _ = freeman_tukey(0, total)
        t_all, _ = freeman_tukey(total, total)
        assert freeman_tukey_inverse(0.9 * t_none, total) == 0.0
        assert freeman_tukey_inverse(t_all + 0.1 * (math.pi / 2 - t_all), total) == 1.0


def test_hartung_knapp_uses_t_quantile_and_its_own_se() -> None:
    (plain,) = pool_sheet(NIELWEISE, methods=("crude", "logit_reml"))
    (hk,) = pool_sheet(NIELWEISE, methods=("crude", "logit_reml"), hartung_knapp=True)
    a, b = plain.models["logit_reml"], hk.models["logit_reml"]
    assert a is not None and b is not None
    assert b.estimate == a.estimate and b.tau2 == a.tau2 and b.hartung_knapp
    from scipy import stats

    lower = math.log(b.interval.ci_low / (1 - b.interval.ci_low))
    assert b.estimate - lower == pytest.approx(stats.t.ppf(0.975, 17) * b.se, rel=1e-9)
