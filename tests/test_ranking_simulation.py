"""Simulation: metrics against hand-computed orders, the replay, and `screener simulate`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import DATA
from typer.testing import CliRunner

from screener.cli import app
from screener.errors import DataError, InputError
from screener.ranking.models import DEFAULT_MODEL
from screener.ranking.simulation import (
    order_metrics,
    read_labelled,
    recall_at,
    records_to_recall,
    retrain_step,
    simulate,
    wss,
)

TINY = DATA / "ranking" / "tiny_labelled.csv"
T, F = True, False


def test_metrics_on_a_hand_computed_order() -> None:
    # N=10, I=2, includes screened 2nd and 5th.
    # 95 %: ceil(1.9) = 2 includes -> 5 records screened; WSS@95 = 5/10 - 0.05 = 0.45
    # 100 %: also 5 records; WSS@100 = 0.5
    # 10 %: the first ceil(1.0) = 1 record -> 0/2; 25 %: first ceil(2.5) = 3 -> 1/2
    found = [F, T, F, F, T, F, F, F, F, F]
    assert records_to_recall(found, 0.95, 2) == 5
    assert wss(found, 0.95, 10, 2) == pytest.approx(0.45)
    assert wss(found, 1.0, 10, 2) == pytest.approx(0.5)
    assert recall_at(found, 0.10, 10, 2) == 0.0
    assert recall_at(found, 0.25, 10, 2) == 0.5


def test_metrics_when_the_last_include_comes_last() -> None:
    # N=20, I=4 at positions 1, 2, 3 and 20: 95 % needs ceil(3.8) = 4 -> all 20 screened
    found = [T, T, T] + [F] * 16 + [T]
    metrics = order_metrics(found, 20, 4)
    assert metrics["wss_95"] == pytest.approx(-0.05)
    assert metrics["wss_100"] == pytest.approx(0.0)
    assert metrics["recall_at_10"] == 0.5  # first 2 records
    assert metrics["recall_at_25"] == 0.75  # first 5 records
    assert metrics["screened_for_95"] == 1.0


def test_exact_recall_levels_and_short_orders() -> None:
    # I=20: 95 % is exactly 19 includes (no floating-point round-up to 20)
    found = [T] * 19 + [F] * 80 + [T]
    assert records_to_recall(found, 0.95, 20) == 19
    assert wss(found, 0.95, 100, 20) == pytest.approx(0.81 - 0.05)
    # an order that stops after the last include counts the rest as unscreened
    assert wss([F, T, T], 1.0, 10, 2) == pytest.approx(0.7)
    assert recall_at([F, T, T], 0.5, 10, 2) == 1.0
    with pytest.raises(ValueError, match="fewer than the 2 needed"):
        records_to_recall([T, F], 1.0, 2)


def test_retrain_step() -> None:
    assert (retrain_step(393), retrain_step(2000), retrain_step(10_000)) == (1, 1, 5)
    assert retrain_step(100_000) == 50


def test_simulation_on_the_tiny_set() -> None:
    data = read_labelled(TINY)
    assert (len(data.labels), data.n_includes) == (30, 6)
    sim = simulate(data, runs=3, seed=4)
    for ranked, random in zip(sim.ranked, sim.random, strict=True):
        assert data.labels[ranked.prior_include] is True
        assert data.labels[ranked.prior_exclude] is False
        assert ranked.order[:2] == [ranked.prior_include, ranked.prior_exclude]
        assert random.order[:2] == ranked.order[:2]
        assert sorted(random.order) == list(range(30))
        # the topic is trivially separable: all 6 includes in the first 7 records
        assert sum(data.labels[i] for i in ranked.order[:7]) == 6
        assert ranked.metrics["wss_100"] == pytest.approx((30 - 7) / 30) or (
            ranked.metrics["wss_100"] > (30 - 7) / 30
        )
    assert [r.seed for r in sim.ranked] == [4, 5, 6]


def test_batched_retraining_screens_each_record_once() -> None:
    data = read_labelled(TINY)
    sim = simulate(data, runs=2, seed=9, retrain_every=4)
    assert sim.retrain_every == 4
    for run in sim.ranked:
        assert len(run.order) == len(set(run.order))
        assert run.order[:2] == [run.prior_include, run.prior_exclude]
        # whole batches of 4 after the priors, stopping with the batch that found the last include
        found = [data.labels[i] for i in run.order]
        last_include = max(i for i, f in enumerate(found) if f)
        assert sum(found) == 6
        assert (len(run.order) - 2) % 4 == 0
        assert len(run.order) - 1 - last_include < 4


def test_ranking_beats_random_on_a_shared_set(shared: Path) -> None:
    data = read_labelled(shared / "benchmarks" / "screening" / "Cohen_2006_NSAIDS.csv")
    result = simulate(data, runs=1, seed=0).as_dict()
    ranked, random = result["ranked"]["mean"], result["random"]["mean"]
    assert ranked["wss_95"] - random["wss_95"] > 0.4
    assert ranked["recall_at_25"] > random["recall_at_25"] + 0.4


def test_read_labelled_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"line 3: label_included is 'yes'"):
        read_labelled(DATA / "ranking" / "bad_label.csv")
    with pytest.raises(InputError, match="no column 'label_abstract_screening'"):
        read_labelled(TINY, "label_abstract_screening")
    only_excludes = tmp_path / "zeros.csv"
    only_excludes.write_text("title,label_included\nA,0\nB,0\n", encoding="utf-8")
    with pytest.raises(DataError, match="at least one include and one exclude"):
        read_labelled(only_excludes)


def test_cli_json_keys_are_stable(runner: CliRunner) -> None:
    result = runner.invoke(app, ["simulate", str(TINY), "--runs", "2", "--seed", "3", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert list(out) == [
        "file",
        "label_column",
        "records",
        "includes",
        "model",
        "runs",
        "seed",
        "retrain_every",
        "ranked",
        "random",
    ]
    metrics = ["wss_95", "wss_100", "recall_at_10", "recall_at_25", "screened_for_95", "seconds"]
    for block in ("ranked", "random"):
        assert list(out[block]) == ["mean", "per_run"]
        assert list(out[block]["mean"]) == metrics
        assert [list(run) for run in out[block]["per_run"]] == [
            ["seed", "prior_include", "prior_exclude", *metrics]
        ] * 2
    assert (out["records"], out["includes"], out["runs"], out["seed"]) == (30, 6, 2, 3)
    assert out["model"] == DEFAULT_MODEL
    assert (out["label_column"], out["retrain_every"]) == ("label_included", 1)


def test_cli_table_ascii_and_png(runner: CliRunner, tmp_path: Path) -> None:
    png = tmp_path / "curve.png"
    result = runner.invoke(
        app, ["simulate", str(TINY), "--model", "nb", "--ascii", "--curve", str(png)]
    )
    assert result.exit_code == 0, result.output
    assert "tiny_labelled.csv: 6 includes in 30 records" in result.stdout
    assert "WSS@95" in result.stdout and "random" in result.stdout
    assert " 1.0 |" in result.stdout and "* ranked   . random" in result.stdout
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_errors(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["simulate", str(TINY), "--label-column", "decision"])
    assert result.exit_code == 1
    assert "no column 'decision'" in result.stderr
    result = runner.invoke(app, ["simulate", str(tmp_path / "missing.csv")])
    assert result.exit_code == 1
    assert "cannot be read" in result.stderr
    result = runner.invoke(app, ["simulate", str(TINY), "--model", "bert"])
    assert result.exit_code == 2
