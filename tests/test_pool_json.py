"""The JSON layout of `screener pool --json` (documented in screener/pooling/pool.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from screener.cli import app

DATA = Path(__file__).parent / "data" / "pool"
MODEL_KEYS = [
    "proportion",
    "ci_low",
    "ci_high",
    "text",
    "estimate",
    "se",
    "tau2",
    "i2",
    "q",
    "df",
    "scale",
    "hartung_knapp",
]


def test_json_layout(runner: CliRunner) -> None:
    sheet = DATA / "nielweise2007_control.csv"
    result = runner.invoke(app, ["pool", str(sheet), "--json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == ["file", "hartung_knapp", "outcomes"]
    assert (data["file"], data["hartung_knapp"]) == (str(sheet), False)
    (out,) = data["outcomes"]
    assert list(out) == [
        "outcome",
        "k",
        "events",
        "total",
        "studies",
        "crude",
        "crude_reason",
        "logit_reml",
        "logit_reml_reason",
        "glmm",
        "glmm_reason",
        "freeman_tukey",
        "freeman_tukey_reason",
    ]
    assert (out["outcome"], out["k"], out["events"], out["total"]) == ("crbsi", 18, 87, 2495)
    first = out["studies"][0]
    assert list(first) == [
        "study",
        "row",
        "events",
        "total",
        "proportion",
        "ci_low",
        "ci_high",
        "weight_logit_reml",
        "weight_freeman_tukey",
    ]
    assert (first["study"], first["row"], first["events"], first["total"]) == ("Bach", 2, 3, 117)
    assert sum(s["weight_logit_reml"] for s in out["studies"]) == pytest.approx(100)
    assert list(out["crude"]) == ["proportion", "ci_low", "ci_high", "text"]
    assert out["crude"]["text"] == "3.5% [2.8, 4.3]"
    assert list(out["logit_reml"]) == [*MODEL_KEYS, "corrected"]
    assert list(out["glmm"]) == [*MODEL_KEYS, "lrt"]
    assert list(out["freeman_tukey"]) == [*MODEL_KEYS, "harmonic_mean_n"]
    assert out["logit_reml"]["corrected"] == ["Yucel"]
    assert out["glmm"]["text"] == "2.9% [1.8, 4.8]"
    assert out["glmm"]["estimate"] == pytest.approx(-3.4964, abs=5e-4)
    assert out["logit_reml_reason"] is None and out["glmm_reason"] is None


def test_json_null_models_carry_a_reason(tmp_path: Path, runner: CliRunner) -> None:
    sheet = tmp_path / "s.csv"
    sheet.write_text(
        "study,ck_events,ck_total,x_events,x_total\nA,20,20,,\nB,48,48,,\n", encoding="utf-8"
    )
    result = runner.invoke(
        app, ["pool", str(sheet), "--json", "--method", "glmm", "--hartung-knapp"]
    )
    assert result.exit_code == 0, result.stderr
    ck, x = json.loads(result.stdout)["outcomes"]
    assert ck["glmm"] is None
    assert ck["glmm_reason"] == (
        "every study has 100% events: the maximum-likelihood estimate is plus infinity"
    )
    assert ck["logit_reml"] is None and ck["logit_reml_reason"] == "not requested"
    assert ck["crude"]["text"] == "100.0% [94.7, 100.0]"
    assert ck["studies"][0]["weight_logit_reml"] is None
    assert (x["k"], x["crude"], x["crude_reason"]) == (0, None, "no study reports this outcome")
    assert x["glmm_reason"] == "no study reports this outcome"
