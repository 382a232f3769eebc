"""Accuracy on the shared labelled sets (read in place from ../shared; skipped when absent)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from conftest import ROOT


def _bench() -> ModuleType:
    path = ROOT / "bench" / "dedupe_accuracy.py"
    spec = importlib.util.spec_from_file_location("dedupe_accuracy", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["dedupe_accuracy"] = module
    spec.loader.exec_module(module)
    return module


def test_diabetes_label_blind(shared: Path) -> None:
    bench = _bench()
    data = bench.load_set(shared / "benchmarks" / "dedup" / "asysd_diabetes")
    assert len(data.records) == 1845
    counts, _, queue = bench.run_set(data)
    assert sum(counts.values()) == 1845
    sensitivity = counts["TP"] / (counts["TP"] + counts["FN"])
    specificity = counts["TN"] / (counts["TN"] + counts["FP"])
    assert sensitivity >= 0.99
    assert specificity >= 0.999
    assert queue["review"] <= 0.02 * 1845


def test_cytology_label_blind(shared: Path) -> None:
    bench = _bench()
    data = bench.load_set(shared / "benchmarks" / "dedup" / "sra_cytology_screening")
    counts, _, queue = bench.run_set(data)
    assert sum(counts.values()) == 1856
    assert counts["TP"] / (counts["TP"] + counts["FN"]) >= 0.97
    assert counts["FP"] <= 1
    assert queue["review"] <= 0.02 * 1856


def test_iebh_flag_sets_held_out(shared: Path) -> None:
    """EndNote XML exports whose duplicate flags mark every member of a set (never fitted on)."""
    bench = _bench()
    copper = bench.load_set(shared / "benchmarks" / "dedup" / "iebh_copper")
    assert (len(copper.records), sum(copper.flags.values())) == (505, 281)
    counts, _, _ = bench.run_set(copper)
    assert counts["TP"] / (counts["TP"] + counts["FN"]) >= 0.97
    assert counts["FP"] == 0


def test_model_is_the_one_the_bench_fits(shared: Path) -> None:
    """MODEL's table is what `bench/dedupe_accuracy.py --fit` prints (reproducible fit)."""
    from screener.dedupe.model import FEATURES, MODEL

    bench = _bench()
    folder = shared / "benchmarks" / "dedup"
    # the order the bench reads them in (folders sorted by name)
    names = ("asysd_diabetes", "special_cases", "sra_cytology_screening")
    sets = [bench.load_set(folder / name) for name in names]
    fitted = bench.fit(sets)
    assert fitted.intercept == pytest.approx(MODEL.intercept, abs=0.002)
    for name in FEATURES:
        assert fitted.weights[name] == pytest.approx(MODEL.weights[name], abs=0.002), name
