"""The calibrated duplicate score: a logistic regression over the per-field evidence.

Why a fitted model and not hand-set weights: the weights say how much a disagreement on one
field should count against agreement on the others (is a different issue number worth more
or less than a matching abstract?), and the labelled sets answer that better than intuition.
Why logistic regression and not something stronger: eleven weights can be read, printed by
``screener dedupe --explain`` field by field, checked for sign (agreement must raise the score),
and fitted on a few thousand pairs without learning the quirks of one set. Its output is a
probability that the pair is one work, calibrated on the candidate pairs of real reviews.

What the model sees (:func:`vector`; every value is 0 when the field is missing on either
side, so a missing field is neither for nor against):

* ``title`` similarity, rescaled so that 0.9 is 0, 1.0 is +1 and 0.6 or less is -3;
* ``title_partial`` (the match is one title being the start or end of the other) and
  ``short_title`` (either title is short: generic titles match by chance);
* ``authors``, ``journal``: similarity rescaled to -1..+1; ``abstract``: 0.7 is 0, 1.0 is +1;
* ``year``: +1 same year, -1 one year apart (two or more apart is a veto, never scored);
* ``volume``, ``issue``: +1 same, -1 different; ``pages``: -1 different ... +1 same first page
  (:mod:`screener.dedupe.pages`: a backwards range, a lost supplement letter or a one-digit
  typo count part of the way).

So a disagreement on a weak field (issue, pages, volume) lowers the score by its weight
instead of forbidding the link; identifiers and the other vetoes stay constraints
(:mod:`screener.dedupe.rules`).

``MODEL`` was fitted by ``bench/dedupe_accuracy.py --fit`` (scikit-learn
``LogisticRegression``, L2, C = 0.1: stronger regularisation than the default, which on these
nearly separable pairs gave the abstract a negative weight) on the candidate pairs that reach
the score (no veto, no shared identifier) of the labelled sets with duplicate groups in
``../shared/benchmarks/dedup`` (Diabetes, SRA cytology, special cases); the bench reports
every set with a model fitted on the others (leave-one-set-out). Refit and paste the printed
table after changing a feature.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

FEATURES = (
    "title",
    "title_partial",
    "short_title",
    "authors",
    "journal",
    "year",
    "volume",
    "issue",
    "pages",
    "abstract",
)


@dataclass(frozen=True)
class Model:
    """Logistic regression: P(duplicate) = 1 / (1 + exp(-(intercept + sum w_f * x_f)))."""

    intercept: float
    weights: Mapping[str, float]


# Fitted by `bench/dedupe_accuracy.py --fit` (see the module docstring).
MODEL = Model(
    intercept=-2.763,
    weights={
        "title": 1.745,
        "title_partial": -0.148,
        "short_title": 0.015,
        "authors": 0.839,
        "journal": 2.086,
        "year": 0.518,
        "volume": 1.054,
        "issue": 0.323,
        "pages": 1.542,
        "abstract": 0.084,
    },
)


def _clip(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def _sign(value: float | None) -> float:
    """1.0 same, 0.0 different -> +1 / -1; unknown -> 0."""
    return 0.0 if value is None else 2.0 * float(value) - 1.0


def vector(s: Mapping[str, Any]) -> dict[str, float]:
    """The model's inputs from a pair's scores (:func:`screener.dedupe.scoring.compare`)."""
    title = s.get("title")
    gap = s.get("year_gap")
    abstract = s.get("abstract")
    return {
        "title": 0.0 if title is None else _clip((float(title) - 0.9) / 0.1, -3.0, 1.0),
        "title_partial": 1.0 if s.get("title_partial") else 0.0,
        "short_title": 1.0 if s.get("short_title") else 0.0,
        "authors": _sign(s.get("authors")),
        "journal": _sign(s.get("journal")),
        "year": 0.0 if gap is None else (1.0 if gap == 0 else -1.0),
        "volume": _sign(s.get("volume")),
        "issue": _sign(s.get("issue")),
        "pages": _sign(s.get("pages")),
        "abstract": 0.0 if abstract is None else _clip((float(abstract) - 0.7) / 0.3, -1.0, 1.0),
    }


def contributions(s: Mapping[str, Any], model: Model = MODEL) -> list[tuple[str, float, float]]:
    """(feature, input value, weight x value) for every feature, in ``FEATURES`` order."""
    x = vector(s)
    return [(name, x[name], model.weights.get(name, 0.0) * x[name]) for name in FEATURES]


def logit(s: Mapping[str, Any], model: Model = MODEL) -> float:
    return model.intercept + sum(part for _, _, part in contributions(s, model))


def probability(s: Mapping[str, Any], model: Model = MODEL) -> float:
    """The calibrated probability that the pair is one work (0..1, three decimals)."""
    z = logit(s, model)
    return round(1.0 / (1.0 + math.exp(-z)), 3) if z > -700 else 0.0
