"""Pooling single proportions from the extraction sheet, as R meta (``metaprop``) and metafor do.

Per study: the proportion with its exact Clopper-Pearson 95% interval. Per outcome, four
estimates (``--method`` picks; the crude one is always given):

``crude``
    sum(events) / sum(total) with the exact interval: what many papers print (the seed review's
    42/45 = 93.3% [81.7, 98.6]). Always defined, also when every study is at 0% or 100%.
``logit_reml``
    inverse-variance random effects on the logit scale, tau^2 by REML, z interval (metafor
    ``rma(measure="PLO")``; meta ``metaprop(method="Inverse")``). Studies at 0% or 100% get 0.5
    added to events and non-events (metafor ``add = 1/2, to = "only0"``; meta ``incr = 0.5,
    method.incr = "only0"``); their labels are listed in ``corrected``.
``glmm``
    the binomial-normal random-intercept model by maximum likelihood (meta's default
    ``method = "GLMM"``; Stijnen et al. 2010), no continuity correction; null when every study
    is at 0% or every one at 100% (the estimate is infinite).
``freeman_tukey``
    inverse-variance random effects (REML) on meta's Freeman-Tukey double arcsine scale,
    back-transformed with Miller's (1978) formula at the harmonic mean of the totals (meta's
    ``sm = "PFT"``).

``hartung_knapp`` replaces the z interval of the three models with a t(k - 1) one (the logit and
Freeman-Tukey SEs become the Hartung-Knapp SE; the GLMM keeps its SE); k = 1 keeps z.

JSON layout (``screener pool --json``; fixed by tests/test_pool_json.py)::

    {"file": "extraction.csv", "hartung_knapp": false,
     "outcomes": [
       {"outcome": "muscle", "k": 5, "events": 42, "total": 45,
        "studies": [{"study": "Oddis 1999", "row": 2, "events": 8, "total": 8,
                     "proportion": 1.0, "ci_low": 0.631, "ci_high": 1.0,
                     "weight_logit_reml": 20.1, "weight_freeman_tukey": 19.8}, ...],
        "crude": {"proportion": .., "ci_low": .., "ci_high": .., "text": "93.3% [81.7, 98.6]"},
        "crude_reason": null | "no study reports this outcome",
        "logit_reml": {"proportion", "ci_low", "ci_high", "text", "estimate", "se", "tau2",
                       "i2", "q", "df", "scale": "logit", "hartung_knapp": bool,
                       "corrected": [labels]} | null,
        "logit_reml_reason": null | "why it is null",
        "glmm": {... same keys, "scale": "logit", "lrt": LR statistic vs tau^2 = 0} | null,
        "glmm_reason": ...,
        "freeman_tukey": {... same keys, "scale": "double arcsine (meta)",
                          "harmonic_mean_n": ..} | null,
        "freeman_tukey_reason": ...}]}

Proportions and interval limits are on the 0..1 scale; ``text`` is in percent, rounded half up
to one decimal as papers print. Weights (percent of the random-effects weights) are null where
undefined (the GLMM has none). ``i2`` is in percent; ``q`` is Cochran's Q on the model's scale
(for the GLMM: on the corrected logits, as meta prints beside it); ``df`` = k - 1.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from screener.errors import InputError
from screener.handoff.extraction import Count, read_sheet
from screener.pooling.glmm import GLMMError, fit_glmm
from screener.pooling.proportion import (
    Interval,
    clopper_pearson,
    expit,
    freeman_tukey,
    freeman_tukey_inverse,
    percent,
)
from screener.pooling.randomeffects import cochran_q, i_squared, random_effects

MODELS = ("logit_reml", "glmm", "freeman_tukey")
METHODS = ("crude", *MODELS)
METHOD_CHOICES = ("crude", "logit-reml", "glmm", "freeman-tukey", "all")


@dataclass(frozen=True)
class StudyResult:
    study: str
    row: int
    events: int
    total: int
    interval: Interval
    weights: dict[str, float | None]  # model -> percent weight (None where undefined)


@dataclass(frozen=True)
class ModelResult:
    interval: Interval  # back-transformed to a proportion
    estimate: float  # on the model's scale
    se: float
    tau2: float
    i2: float
    q: float
    df: int
    scale: str
    hartung_knapp: bool  # whether the interval is Hartung-Knapp (never with k = 1)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class OutcomePool:
    outcome: str
    studies: tuple[StudyResult, ...]
    crude: Interval | None
    models: dict[str, ModelResult | None]
    reasons: dict[str, str | None]
    hartung_knapp: bool

    @property
    def k(self) -> int:
        return len(self.studies)

    @property
    def events(self) -> int:
        return sum(s.events for s in self.studies)

    @property
    def total(self) -> int:
        return sum(s.total for s in self.studies)


def interval_text(interval: Interval) -> str:
    """``93.3% [81.7, 98.6]`` (percent, rounded half up)."""
    return (
        f"{percent(interval.proportion)}% [{percent(interval.ci_low)}, {percent(interval.ci_high)}]"
    )


def _logit_data(counts: Sequence[Count]) -> tuple[list[float], list[float], list[str]]:
    y, v, corrected = [], [], []
    for c in counts:
        x, n = float(c.events), float(c.total)
        if c.events in (0, c.total):
            x, n = x + 0.5, n + 1.0
            corrected.append(c.study)
        y.append(math.log(x / (n - x)))
        v.append(1.0 / x + 1.0 / (n - x))
    return y, v, corrected


def _logit_reml(counts: Sequence[Count], hk: bool) -> ModelResult:
    y, v, corrected = _logit_data(counts)
    fit = random_effects(y, v, "REML", hartung_knapp=hk)
    return ModelResult(
        Interval(expit(fit.estimate), expit(fit.ci_low), expit(fit.ci_high)),
        fit.estimate,
        fit.se,
        fit.tau2,
        fit.i2,
        fit.q,
        fit.df,
        "logit",
        fit.hartung_knapp,
        {"corrected": corrected, "weights": list(fit.weights)},
    )


def _glmm(counts: Sequence[Count], hk: bool) -> ModelResult:
    fit = fit_glmm([c.events for c in counts], [c.total for c in counts], hartung_knapp=hk)
    y, v, _ = _logit_data(counts)
    q = cochran_q(y, v)
    return ModelResult(
        Interval(expit(fit.estimate), expit(fit.ci_low), expit(fit.ci_high)),
        fit.estimate,
        fit.se,
        fit.tau2,
        i_squared(q, len(counts) - 1),
        q,
        len(counts) - 1,
        "logit",
        fit.hartung_knapp,
        {"lrt": fit.lrt},
    )


def _freeman_tukey(counts: Sequence[Count], hk: bool) -> ModelResult:
    pairs = [freeman_tukey(c.events, c.total) for c in counts]
    fit = random_effects([t for t, _ in pairs], [v for _, v in pairs], "REML", hartung_knapp=hk)
    n_hm = len(counts) / sum(1.0 / c.total for c in counts)
    back = [freeman_tukey_inverse(t, n_hm) for t in (fit.estimate, fit.ci_low, fit.ci_high)]
    return ModelResult(
        Interval(back[0], back[1], back[2]),
        fit.estimate,
        fit.se,
        fit.tau2,
        fit.i2,
        fit.q,
        fit.df,
        "double arcsine (meta)",
        fit.hartung_knapp,
        {"harmonic_mean_n": n_hm, "weights": list(fit.weights)},
    )


_FITTERS = {"logit_reml": _logit_reml, "glmm": _glmm, "freeman_tukey": _freeman_tukey}


def pool_counts(
    outcome: str,
    counts: Sequence[Count],
    methods: Sequence[str] = METHODS,
    hartung_knapp: bool = False,
) -> OutcomePool:
    """Pool one outcome's studies with the chosen methods (the crude estimate always)."""
    models: dict[str, ModelResult | None] = {}
    reasons: dict[str, str | None] = {}
    for name in MODELS:
        models[name] = None
        if not counts:
            reasons[name] = "no study reports this outcome"
        elif name not in methods:
            reasons[name] = "not requested"
        else:
            try:
                models[name] = _FITTERS[name](counts, hartung_knapp)
                reasons[name] = None
            except GLMMError as exc:
                reasons[name] = str(exc)
    crude = (
        clopper_pearson(sum(c.events for c in counts), sum(c.total for c in counts))
        if counts
        else None
    )
    studies = []
    for i, c in enumerate(counts):
        weights: dict[str, float | None] = {}
        for name in ("logit_reml", "freeman_tukey"):
            model = models.get(name)
            weights[name] = model.extra["weights"][i] if model is not None else None
        studies.append(
            StudyResult(
                c.study, c.row, c.events, c.total, clopper_pearson(c.events, c.total), weights
            )
        )
    return OutcomePool(outcome, tuple(studies), crude, models, reasons, hartung_knapp)


def parse_method(method: str) -> tuple[str, ...]:
    """``--method`` value -> the internal method names."""
    if method not in METHOD_CHOICES:
        raise InputError(f"unknown method {method!r}; choose one of {', '.join(METHOD_CHOICES)}.")
    return METHODS if method == "all" else ("crude", method.replace("-", "_"))


def pool_sheet(
    path: Path,
    outcome: str | None = None,
    methods: Sequence[str] = METHODS,
    hartung_knapp: bool = False,
) -> list[OutcomePool]:
    """Read the extraction sheet and pool every outcome (or the one named)."""
    sheet = read_sheet(path)
    if outcome is not None:
        if outcome not in sheet:
            raise InputError(
                f"{path}: no outcome {outcome!r} (columns {outcome}_events, {outcome}_total).",
                hint=f"Outcomes in this sheet: {', '.join(sheet)}.",
            )
        sheet = {outcome: sheet[outcome]}
    return [pool_counts(name, counts, methods, hartung_knapp) for name, counts in sheet.items()]


def _interval_json(interval: Interval) -> dict[str, Any]:
    return {
        "proportion": interval.proportion,
        "ci_low": interval.ci_low,
        "ci_high": interval.ci_high,
        "text": interval_text(interval),
    }


def _model_json(model: ModelResult) -> dict[str, Any]:
    out = _interval_json(model.interval) | {
        "estimate": model.estimate,
        "se": model.se,
        "tau2": model.tau2,
        "i2": model.i2,
        "q": model.q,
        "df": model.df,
        "scale": model.scale,
        "hartung_knapp": model.hartung_knapp,
    }
    out.update({k: v for k, v in model.extra.items() if k != "weights"})
    return out


def to_json(path: Path, pools: Sequence[OutcomePool]) -> dict[str, Any]:
    """The documented JSON layout (module docstring)."""
    outcomes = []
    for pool in pools:
        item: dict[str, Any] = {
            "outcome": pool.outcome,
            "k": pool.k,
            "events": pool.events,
            "total": pool.total,
            "studies": [
                {
                    "study": s.study,
                    "row": s.row,
                    "events": s.events,
                    "total": s.total,
                    "proportion": s.interval.proportion,
                    "ci_low": s.interval.ci_low,
                    "ci_high": s.interval.ci_high,
                    "weight_logit_reml": s.weights.get("logit_reml"),
                    "weight_freeman_tukey": s.weights.get("freeman_tukey"),
                }
                for s in pool.studies
            ],
            "crude": _interval_json(pool.crude) if pool.crude else None,
            "crude_reason": None if pool.crude else "no study reports this outcome",
        }
        for name in MODELS:
            model = pool.models[name]
            item[name] = _model_json(model) if model is not None else None
            item[f"{name}_reason"] = pool.reasons[name]
        outcomes.append(item)
    return {
        "file": str(path),
        "hartung_knapp": any(p.hartung_knapp for p in pools),
        "outcomes": outcomes,
    }
