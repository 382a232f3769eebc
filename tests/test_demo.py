"""`screener demo` from a clean folder: the worked example's 107 -> 8 flow, computed.

Expected per-database counts and flow numbers come from records/tacrolimus-2015/expected.json,
the reconstruction's own specification (README there); 107 and 8 are the paper's.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from screener.cli import app
from screener.db import open_review
from screener.demo import REVIEWERS, DemoResult, example_dir, run_demo
from screener.pooling.pool import interval_text
from screener.screening.agreement import agreement
from screener.screening.finals import agreements
from screener.screening.protocol import load_protocol
from screener.screening.status import review_status
from screener.screening.verdict import stage_records

EXPECTED = json.loads((ROOT / "records" / "tacrolimus-2015" / "expected.json").read_text())
INCLUDED = {
    "Oddis 1999",
    "Wilkes 2005",
    "Mitsui 2011",
    "Shimojima 2012",
    "Matsubara 2012",
    "Labirua-Iturburu 2013",
    "Kurita 2015",
    "Yokoyama 2015",
}
TEXT_OUTPUTS = ("json", "csv", "md", "txt")
SVG = re.compile(r"<svg\b.*?</svg>", re.S)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return run_demo(tmp_path_factory.mktemp("demo") / "review", lambda line: None)


def test_first_round_reproduces_107_to_8(demo: DemoResult) -> None:
    flow, spec = demo.flow, EXPECTED["round1"]
    assert flow is not None
    assert flow.records_identified == EXPECTED["known_from_paper"]["identified"] == 107
    assert demo.identified == spec["per_database"]
    assert flow.database_specific_results == spec["per_database"]
    assert flow.duplicates == spec["duplicates_removed"]
    assert flow.excluded_automatic == spec["automation_excluded"]
    assert flow.records_screened == spec["screened"]
    assert flow.records_excluded == spec["screened_excluded"]
    assert flow.dbr_sought_reports == spec["sought"]
    assert flow.dbr_notretrieved_reports == spec["not_retrieved"]
    assert flow.dbr_assessed == spec["assessed"]
    assert flow.dbr_excluded_reasons == spec["full_text_reasons"]
    assert flow.new_studies == EXPECTED["known_from_paper"]["included_studies"] == 8
    assert set(demo.included) == INCLUDED


def test_prisma_identities_hold(demo: DemoResult) -> None:
    f = demo.flow
    assert f is not None
    assert f.records_identified == sum(f.database_specific_results.values())
    removed = f.duplicates + f.excluded_automatic + f.excluded_other
    assert f.records_screened == f.records_identified - removed
    assert f.dbr_sought_reports == f.records_screened - f.records_excluded
    assert f.dbr_assessed == f.dbr_sought_reports - f.dbr_notretrieved_reports
    assert f.dbr_excluded == sum(f.dbr_excluded_reasons.values())
    assert f.new_reports == f.dbr_assessed - f.dbr_excluded
    assert f.new_studies <= f.new_reports


def test_update_round_totals(demo: DemoResult) -> None:
    flow, spec = demo.update, EXPECTED["round2"]
    assert flow is not None
    assert flow.records_identified == spec["identified"]
    assert flow.duplicates == spec["duplicates_removed"]
    assert flow.records_screened == spec["screened"]
    assert flow.previous_studies == 8
    assert flow.new_studies == len(spec["included"])
    assert flow.total_studies == flow.previous_studies + flow.new_studies == 9


def test_demo_writes_every_output(demo: DemoResult) -> None:
    prisma = demo.folder / "prisma"
    for stem, suffixes in (
        ("prisma-2009", ("json", "md", "txt", "svg", "png", "pdf")),
        ("prisma-2020", ("json", "csv", "md", "txt", "svg", "png", "pdf")),
        ("prisma-2020-update", ("json", "csv", "md", "txt", "svg", "png", "pdf")),
    ):
        for suffix in suffixes:
            assert (prisma / f"{stem}.{suffix}").stat().st_size > 0, f"{stem}.{suffix}"
    assert (prisma / "prisma-2020.png").read_bytes().startswith(b"\x89PNG")
    assert (prisma / "prisma-2020.pdf").read_bytes().startswith(b"%PDF")
    with (demo.folder / "included" / "extraction-sheet.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert {row["study"] for row in rows} == INCLUDED
    assert "muscle_strength_events" in rows[0] and "dlco_total" in rows[0]
    ris = (demo.folder / "included" / "included.ris").read_text(encoding="utf-8")
    assert ris.count("ER  -") == 8


def test_pooling_the_papers_printed_totals_gives_its_percentages(demo: DemoResult) -> None:
    printed = {p.outcome: interval_text(p.crude) for p in demo.printed if p.crude is not None}
    assert printed == {
        "muscle_strength": "93.3% [81.7, 98.6]",
        "physical_function": "64.7% [38.3, 85.8]",
        "ck_decreased": "100.0% [94.7, 100.0]",
        "fvc": "89.3% [71.8, 97.7]",
        "dlco": "81.3% [54.4, 96.0]",
    }
    assert {p.outcome: (p.events, p.total) for p in demo.pools} == {
        "muscle_strength": (26, 30),
        "fvc": (13, 15),
    }


def test_committed_prisma_outputs_match_the_demo(demo: DemoResult) -> None:
    """prisma/ in the repository is what the demo generates (text formats compared exactly;
    the pictures depend on the installed matplotlib's fonts, so they are only checked to exist)."""
    committed = ROOT / "prisma"
    generated = sorted((demo.folder / "prisma").iterdir())
    assert sorted(p.name for p in committed.iterdir() if p.name != "README.md") == [
        p.name for p in generated
    ]
    for path in generated:
        if path.suffix.lstrip(".") in TEXT_OUTPUTS:
            assert (committed / path.name).read_text(encoding="utf-8") == path.read_text(
                encoding="utf-8"
            ), f"prisma/{path.name} is out of date: rerun `screener demo` and copy prisma/"
    # the report page: its text exactly, its drawings (font-dependent SVG) only counted
    ours, theirs = (
        SVG.subn("<svg/>", p.read_text(encoding="utf-8"))
        for p in (committed / "report.html", demo.folder / "prisma" / "report.html")
    )
    assert ours == theirs, "prisma/report.html is out of date: rerun `screener demo`, copy prisma/"
    assert ours[1] == 2 + 1 + len(demo.pools)  # 2 PRISMA rounds, the recall curve, forest plots


def test_a_changed_decision_changes_the_flow(tmp_path: Path) -> None:
    source = tmp_path / "example"
    shutil.copytree(example_dir(), source)
    decisions = source / "decisions.csv"
    with decisions.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    # the consensus that kept Kurita 2015 in at full text now excludes it
    key = next(
        r["key"]
        for r in rows
        if r["stage"] == "full_text"
        and r["reviewer"] == "consensus"
        and "rheumatology/keu166" in r["key"]
    )
    for row in rows:
        if row["key"] == key and row["stage"] == "full_text" and row["reviewer"] == "consensus":
            row["decision"], row["reason"] = "exclude", "1"
    with decisions.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = run_demo(tmp_path / "review", lambda line: None, source=source, report=False)
    assert result.flow is not None
    assert result.flow.new_studies == 7
    assert result.flow.dbr_excluded == EXPECTED["round1"]["full_text_excluded"] + 1
    assert "Kurita 2015" not in result.included


def test_demo_command_tells_the_story(tmp_path: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["demo", str(tmp_path / "d")])
    assert result.exit_code == 0, result.output
    assert "107 records identified." in result.output
    assert "Included: 8 studies" in result.output
    again = runner.invoke(app, ["demo", str(tmp_path / "d")])
    assert again.exit_code == 1
    assert "is not empty" in again.stderr


def test_demo_kappa_is_status_kappa_over_round_one(demo: DemoResult) -> None:
    """The demo prints agreement right after round 1 (72 records decided by both reviewers at
    title/abstract, kappa 0.74); status and the report count the whole review, the 3 records
    of the round-2 update too (75, kappa 0.75). One definition: status's count restricted to
    round 1's records gives the demo's figures exactly."""
    review = open_review(demo.folder)
    try:
        db = review.db
        required = load_protocol(review.protocol_path).reviewers
        first = {
            r
            for (r,) in db.execute(
                "select r.id from records r join searches s on s.id = r.search_id"
                " where s.round = 1 and r.duplicate_of is null"
            )
        }
        status = review_status(review)["screening"]["stages"]
        for stage, (n_first, n_all) in {"title_abstract": (72, 75), "full_text": (14, 15)}.items():
            at_stage = set(stage_records(db, stage, required=required))
            (round_one,) = agreements(db, stage, at_stage & first)
            assert (round_one.n, round_one.kappa) == (n_first, demo.kappa[stage])
            (everything,) = status[stage]["agreement"]
            assert everything["n"] == n_all
            assert everything["kappa"] == round(
                agreement(db, stage, *REVIEWERS, required=required).kappa or 0, 4
            )
    finally:
        review.close()
