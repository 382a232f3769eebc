"""Simulated screening: replay known decisions to measure how well the ranking finds includes.

``screener simulate LABELLED.csv`` reads a fully labelled set (ASReview's convention: columns
``title``, ``abstract``, optional ``keywords`` / ``title_translated``, and a 0/1 label column,
``label_included`` by default), then for each run:

1. draws one random include and one random exclude as the starting records (seed ``seed + run``);
2. **ranked**: fits the model on the records screened so far, screens the ``retrain_every``
   top-ranked unscreened records (their true labels are revealed), refits, and so on until every
   include has been found (the records left after the last include cannot change any metric);
   ``retrain_every`` is 1 -- a refit after every decision -- for sets up to 2,000 records and
   ``ceil(N / 2000)`` above that (5 at 10k, 50 at 100k);
3. **random**: the same two starting records, then the rest in a random order (same seed).

Metrics (both orders count the two starting records as screened, positions are 1-based):

- ``wss_95`` / ``wss_100``: work saved over sampling at recall R (Cohen et al. 2006):
  ``(N - n_R) / N - (1 - R)``, where ``n_R`` is the number of records screened when
  ``ceil(R * I)`` of the ``I`` includes have been found;
- ``recall_at_10`` / ``recall_at_25``: share of includes found after screening
  ``ceil(0.10 * N)`` / ``ceil(0.25 * N)`` records;
- ``screened_for_95``: ``n_95 / N``, the share of records screened to reach 95 % recall;
- ``seconds``: wall time of the run (for the random order, the time to build it).

``--json`` output (stable; a test fixes its keys)::

    {"file": str, "label_column": str, "records": N, "includes": I, "model": str,
     "runs": int, "seed": int, "retrain_every": int,
     "ranked": {"mean": METRICS, "per_run": [RUN, ...]},
     "random": {"mean": METRICS, "per_run": [RUN, ...]}}

    METRICS = {"wss_95", "wss_100", "recall_at_10", "recall_at_25", "screened_for_95", "seconds"}
    RUN = METRICS + {"seed", "prior_include", "prior_exclude"}  (priors: 0-based data row index)
"""

from __future__ import annotations

import csv
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from screener.errors import DataError, InputError
from screener.ranking.models import DEFAULT_MODEL, MODELS, build_matrix
from screener.ranking.ranker import record_text

METRIC_KEYS = ("wss_95", "wss_100", "recall_at_10", "recall_at_25", "screened_for_95", "seconds")


# --------------------------------------------------------------------------- data


@dataclass
class LabelledSet:
    """A fully labelled record set: one text and one label per data row, in file order."""

    path: Path
    label_column: str
    texts: list[str]
    labels: list[bool]

    @property
    def n_includes(self) -> int:
        return sum(self.labels)


def read_labelled(path: Path, label_column: str = "label_included") -> LabelledSet:
    """Read a labelled CSV (utf-8, BOM allowed). Labels must be 0 or 1 on every row, and the
    set must hold at least one include and one exclude."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = reader.fieldnames or []
            if label_column not in columns:
                raise InputError(
                    f"{path}: no column {label_column!r} in the header.",
                    hint=f"Columns found: {', '.join(columns) or 'none'}; "
                    "choose one with --label-column.",
                )
            if "title" not in columns and "abstract" not in columns:
                raise InputError(
                    f"{path}: the header has neither a 'title' nor an 'abstract' column."
                )
            texts, labels = [], []
            for row in reader:
                value = (row.get(label_column) or "").strip()
                if value not in ("0", "1"):
                    raise InputError(
                        f"{path}, line {reader.line_num}: {label_column} is {value!r}, "
                        "expected 0 or 1."
                    )
                texts.append(record_text(row))
                labels.append(value == "1")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason}).") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror}).") from exc
    data = LabelledSet(path, label_column, texts, labels)
    if not 0 < data.n_includes < len(labels):
        raise DataError(
            f"{path}: {label_column} must mark at least one include and one exclude "
            f"({data.n_includes} of {len(labels)} rows are 1)."
        )
    return data


# --------------------------------------------------------------------------- metrics


def records_to_recall(found: Sequence[bool], recall: float, n_includes: int) -> int:
    """How many records of the screening order ``found`` (True = include) were screened when
    ``ceil(recall * n_includes)`` includes had been found."""
    needed = math.ceil(recall * n_includes - 1e-9)
    if needed <= 0:
        return 0
    count = 0
    for position, is_include in enumerate(found, start=1):
        count += bool(is_include)
        if count >= needed:
            return position
    raise ValueError(f"the order finds {count} includes, fewer than the {needed} needed")


def wss(found: Sequence[bool], recall: float, n_total: int, n_includes: int) -> float:
    """Work saved over sampling at ``recall`` (Cohen et al. 2006): (N - n_R) / N - (1 - R)."""
    n_r = records_to_recall(found, recall, n_includes)
    return (n_total - n_r) / n_total - (1.0 - recall)


def recall_at(found: Sequence[bool], fraction: float, n_total: int, n_includes: int) -> float:
    """Share of the includes found in the first ``ceil(fraction * N)`` records screened."""
    k = math.ceil(fraction * n_total - 1e-9)
    return sum(bool(x) for x in found[:k]) / n_includes


def order_metrics(found: Sequence[bool], n_total: int, n_includes: int) -> dict[str, float]:
    """The metrics of one screening order (without ``seconds``)."""
    return {
        "wss_95": wss(found, 0.95, n_total, n_includes),
        "wss_100": wss(found, 1.0, n_total, n_includes),
        "recall_at_10": recall_at(found, 0.10, n_total, n_includes),
        "recall_at_25": recall_at(found, 0.25, n_total, n_includes),
        "screened_for_95": records_to_recall(found, 0.95, n_includes) / n_total,
    }


# --------------------------------------------------------------------------- simulation


def retrain_step(n_records: int) -> int:
    """Records screened between refits: 1 up to 2,000 records, then ceil(N / 2000)."""
    return 1 if n_records <= 2000 else math.ceil(n_records / 2000)


@dataclass
class Run:
    seed: int
    prior_include: int
    prior_exclude: int
    order: list[int]  # screening order (may stop after the last include)
    metrics: dict[str, float]

    def as_dict(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "prior_include": self.prior_include,
            "prior_exclude": self.prior_exclude,
            **self.metrics,
        }


@dataclass
class Simulation:
    data: LabelledSet
    model: str
    seed: int
    retrain_every: int
    ranked: list[Run] = field(default_factory=list)
    random: list[Run] = field(default_factory=list)

    def curves(self, which: str) -> NDArray[np.float64]:
        """Mean recall after each number of screened records (index k = k records screened)."""
        runs = self.ranked if which == "ranked" else self.random
        y = np.asarray(self.data.labels, dtype=np.float64)
        total = np.zeros(len(y) + 1)
        for run in runs:
            found = np.concatenate([[0.0], np.cumsum(y[run.order])])
            padded = np.full(len(y) + 1, found[-1])
            padded[: len(found)] = found
            total += padded / self.data.n_includes
        return total / max(len(runs), 1)

    def as_dict(self) -> dict[str, Any]:
        def block(runs: list[Run]) -> dict[str, Any]:
            mean = {k: float(np.mean([r.metrics[k] for r in runs])) for k in METRIC_KEYS}
            return {"mean": mean, "per_run": [r.as_dict() for r in runs]}

        return {
            "file": str(self.data.path),
            "label_column": self.data.label_column,
            "records": len(self.data.labels),
            "includes": self.data.n_includes,
            "model": self.model,
            "runs": len(self.ranked),
            "seed": self.seed,
            "retrain_every": self.retrain_every,
            "ranked": block(self.ranked),
            "random": block(self.random),
        }


def _priors(labels: NDArray[np.bool_], rng: np.random.Generator) -> tuple[int, int]:
    include = int(rng.choice(np.flatnonzero(labels)))
    exclude = int(rng.choice(np.flatnonzero(~labels)))
    return include, exclude


def simulate(
    data: LabelledSet,
    runs: int = 1,
    seed: int = 0,
    model: str = DEFAULT_MODEL,
    retrain_every: int | None = None,
) -> Simulation:
    """Run ``runs`` ranked simulations and their random baselines (run r uses seed + r)."""
    if model not in MODELS:
        raise InputError(f"Unknown model {model!r}.", hint=f"Choose one of {', '.join(MODELS)}.")
    step = retrain_every or retrain_step(len(data.labels))
    matrix = build_matrix(data.texts, MODELS[model])
    labels = np.asarray(data.labels, dtype=bool)
    n, n_inc = len(labels), data.n_includes
    result = Simulation(data, model, seed, step)
    for r in range(runs):
        run_seed = seed + r
        rng = np.random.default_rng(run_seed)
        inc, exc = _priors(labels, rng)

        start = time.perf_counter()
        explore = np.random.default_rng([run_seed, 1])  # only models that explore use it
        order = _ranked_order(matrix, labels, (inc, exc), model, step, explore)
        seconds = time.perf_counter() - start
        metrics = order_metrics(labels[order].tolist(), n, n_inc) | {"seconds": seconds}
        result.ranked.append(Run(run_seed, inc, exc, order, metrics))

        start = time.perf_counter()
        rest = np.setdiff1d(np.arange(n), [inc, exc])
        random_order = [inc, exc, *rng.permutation(rest).tolist()]
        seconds = time.perf_counter() - start
        metrics = order_metrics(labels[random_order].tolist(), n, n_inc) | {"seconds": seconds}
        result.random.append(Run(run_seed, inc, exc, random_order, metrics))
    return result


def _ranked_order(
    matrix: Any,
    labels: NDArray[np.bool_],
    priors: tuple[int, int],
    model: str,
    step: int,
    rng: np.random.Generator,
) -> list[int]:
    """The screening order of one ranked run. The model is refitted after every ``step``
    records by its learner (:meth:`screener.ranking.models.ModelSpec.learner`), which adds the
    newly labelled records to the previous fit instead of starting again: the same weights
    as a fit from scratch on the same labels, in milliseconds. A model that explores
    (``explore`` > 0, one record per refit only) picks a random unscreened record instead of
    the best with that probability (``rng``)."""
    n, n_inc = len(labels), int(labels.sum())
    screened = np.zeros(n, dtype=bool)
    order = list(priors)
    screened[list(priors)] = True
    found = int(labels[list(priors)].sum())
    if matrix.shape[1] == 0:  # no words at all: nothing to learn, file order
        return order + [i for i in range(n) if not screened[i]]
    learner = MODELS[model].learner(matrix)
    explore = MODELS[model].explore
    for i in priors:
        learner.add(i, bool(labels[i]))
    while found < n_inc and len(order) < n:
        scores = learner.model().score(matrix)
        scores[screened] = -np.inf
        if step == 1:
            picks = [int(np.argmax(scores))]
            if explore and rng.random() < explore:
                picks = [int(rng.choice(np.flatnonzero(~screened)))]
        else:
            picks = [int(i) for i in np.argsort(-scores, kind="stable")[:step] if not screened[i]]
        for i in picks:
            screened[i] = True
            order.append(i)
            learner.add(i, bool(labels[i]))
            found += int(labels[i])
    return order
