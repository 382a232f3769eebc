"""The extraction sheet as `screener pool` reads it: missing cells, malformed sheets, the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from screener.cli import app
from screener.errors import InputError
from screener.handoff.extraction import read_sheet

DATA = Path(__file__).parent / "data" / "pool"


def _sheet(tmp_path: Path, text: str, name: str = "sheet.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_empty_cells_are_missing_not_zero(tmp_path: Path) -> None:
    path = _sheet(
        tmp_path,
        "study,design,a_events,a_total,b_events,b_total\n"
        "One,cohort,3,10,,\n"
        "Two,,,,5,5\n"
        ",,,,,\n"
        "Three,case series, 4 , 8 ,1,2\n",
    )
    sheet = read_sheet(path)
    assert [(c.study, c.events, c.total, c.row) for c in sheet["a"]] == [
        ("One", 3, 10, 2),
        ("Three", 4, 8, 5),
    ]
    assert [(c.study, c.events, c.total) for c in sheet["b"]] == [("Two", 5, 5), ("Three", 1, 2)]


def test_bom_crlf_and_semicolon_sheets_are_read(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffStudy;x_events;x_total\r\nÖzdemir 2010;2;9\r\n".encode())
    assert [(c.study, c.events) for c in read_sheet(path)["x"]] == [("Özdemir 2010", 2)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "study,a_events,a_total\nOne,11,10\n",
            "row 2, column a_events: 11 events exceed the total of 10.",
        ),
        ("study,a_events,a_total\nOne,-1,10\n", "row 2, column a_events: '-1' is negative."),
        ("study,a_events,a_total\nOne,3,ten\n", "row 2, column a_total: 'ten' is not a number."),
        (
            "study,a_events,a_total\nOne,3,10\nTwo,2.5,10\n",
            "row 3, column a_events: '2.5' is not a whole number.",
        ),
        (
            "study,a_events,a_total\nOne,3,\n",
            "row 2, column a_total: empty while a_events is filled.",
        ),
        ("study,a_events,a_total\nOne,0,0\n", "row 2, column a_total: the total is 0."),
        ("name,a_events,a_total\nOne,3,10\n", "no 'study' column in the header row."),
        ("study,a_events,b_total\nOne,3,10\n", "column a_events has no partner column a_total."),
        ("study,design\nOne,cohort\n", "no outcome columns"),
        ("study,a_events,a_total\n,3,10\n", "row 2, column study: no study label."),
    ],
)
def test_malformed_sheets_name_file_row_and_column(tmp_path: Path, text: str, message: str) -> None:
    path = _sheet(tmp_path, text)
    with pytest.raises(InputError) as info:
        read_sheet(path)
    assert str(info.value).startswith(str(path))
    assert message in str(info.value)


def test_cli_unknown_outcome_and_bad_sheet_are_one_line_errors(
    tmp_path: Path, runner: CliRunner
) -> None:
    path = _sheet(tmp_path, "study,a_events,a_total\nOne,3,10\n")
    result = runner.invoke(app, ["pool", str(path), "--outcome", "zzz"])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {path}: no outcome 'zzz'")
    assert "Outcomes in this sheet: a." in result.stderr
    bad = _sheet(tmp_path, "study,a_events,a_total\nOne,30,10\n", "bad.csv")
    result = runner.invoke(app, ["pool", str(bad)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {bad}, row 2, column a_events: 30 events exceed the total of 10.\n"
    )
    result = runner.invoke(app, ["pool", str(tmp_path / "none.csv")])
    assert result.exit_code == 1 and "no such file" in result.stderr


def test_cli_text_report_of_the_seed_totals(runner: CliRunner) -> None:
    result = runner.invoke(
        app,
        ["pool", str(DATA / "seed_printed_totals.csv"), "--outcome", "dlco", "--method", "crude"],
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "Outcome: dlco (k = 1, 13/16)\n"
        "  Study                     Events  Total     %  95% CI (exact)\n"
        "  Ge 2015 (printed totals)      13     16  81.3  [54.4, 96.0]\n"
        "\n"
        "  Crude (sum events / sum total), exact CI  81.3% [54.4, 96.0]\n"
    )


def test_cli_all_100_percent_prints_crude_and_says_why_glmm_is_missing(
    tmp_path: Path, runner: CliRunner
) -> None:
    path = _sheet(tmp_path, "study,ck_events,ck_total\nA,20,20\nB,48,48\n")
    figure = tmp_path / "ck.svg"
    result = runner.invoke(app, ["pool", str(path), "--method", "glmm", "--forest", str(figure)])
    assert result.exit_code == 0, result.stderr
    assert "Crude (sum events / sum total), exact CI  100.0% [94.7, 100.0]" in result.stdout
    assert (
        "GLMM binomial-normal, ML: not fitted: every study has 100% events: the"
        " maximum-likelihood estimate is plus infinity." in result.stdout
    )
    svg = figure.read_text(encoding="utf-8")
    assert "GLMM (binomial-normal), ML: not fitted: every study has 100% events" in svg
    assert "Crude (Σ events / Σ total), exact CI" in svg


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_cli_forest_plot_files(tmp_path: Path, runner: CliRunner, suffix: str) -> None:
    target = tmp_path / f"forest{suffix}"
    result = runner.invoke(app, ["pool", str(DATA / "pritz1997.csv"), "--forest", str(target)])
    assert result.exit_code == 0, result.stderr
    data = target.read_bytes()
    magic = {".png": b"\x89PNG", ".svg": b"<?xml", ".pdf": b"%PDF"}[suffix]
    assert data.startswith(magic)
    assert f"Forest plot: {target}" in result.stderr
    if suffix == ".svg":
        text = data.decode()
        for label in ("Tanabe et al.", "Weight (logit)", "GLMM (binomial-normal), ML"):
            assert label in text


def test_cli_forest_one_file_per_outcome_and_bad_suffix(tmp_path: Path, runner: CliRunner) -> None:
    result = runner.invoke(
        app,
        [
            "pool",
            str(DATA / "seed_printed_totals.csv"),
            "--method",
            "crude",
            "--forest",
            str(tmp_path / "f.svg"),
        ],
    )
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "f_ck_decreased.svg",
        "f_dlco.svg",
        "f_fvc.svg",
        "f_muscle_strength.svg",
        "f_physical_function.svg",
    ]
    result = runner.invoke(
        app, ["pool", str(DATA / "pritz1997.csv"), "--forest", str(tmp_path / "f.jpg")]
    )
    assert result.exit_code == 1
    assert "use a .png, .svg or .pdf file for --forest" in result.stderr


def test_cli_unknown_method(runner: CliRunner) -> None:
    result = runner.invoke(app, ["pool", str(DATA / "pritz1997.csv"), "--method", "bayes"])
    assert result.exit_code == 1
    assert "unknown method 'bayes'" in result.stderr
