"""Accuracy on the shared labelled sets (read in place from ../shared; skipped when absent)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

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
