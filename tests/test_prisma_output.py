"""PRISMA writers: JSON field names, the PRISMA2020 CSV layout (round trip), drawings, the CLI."""

from __future__ import annotations

import csv
import dataclasses
import json
from pathlib import Path

import pytest
from prisma_csv import read_csv
from test_prisma_fixture import build_review
from typer.testing import CliRunner

from screener.cli import app
from screener.db import Review
from screener.prisma.counts import compute_flow
from screener.prisma.fields import (
    LAYOUT_2020,
    breakdown_text,
    csv_rows,
    flow_fields,
    write_csv,
)
from screener.render.boxes import build
from screener.render.flow import (
    A4,
    FONT,
    FOOT_FONT,
    HEADER_FONT,
    MIN_FONT,
    STAGE_FONT,
    figure,
    save,
)
from screener.render.tables import write_flow
from screener.screening.verdict import record_decision

JSON_KEYS = [
    "template", "round", "variant",
    "previous_studies", "previous_reports", "database_results", "register_results",
    "website_results", "organisation_results", "citations_results", "duplicates",
    "excluded_automatic", "excluded_other", "records_screened", "records_excluded",
    "dbr_sought_reports", "dbr_notretrieved_reports", "other_sought_reports",
    "other_notretrieved_reports", "dbr_assessed", "dbr_excluded", "other_assessed",
    "other_excluded", "new_studies", "new_reports", "total_studies", "total_reports",
    "total_studies_ma", "total_reports_ma",
    "database_specific_results", "register_specific_results", "other_specific_results",
    "dbr_excluded_reasons", "other_excluded_reasons", "records_excluded_human",
    "records_excluded_automatic", "other_duplicates", "other_excluded_automatic",
    "other_records_excluded", "pending",
]  # fmt: skip


def test_json_field_names_are_fixed(review: Review) -> None:
    build_review(review)
    doc = flow_fields(compute_flow(review.db, 1))
    assert list(doc) == JSON_KEYS
    assert doc["database_specific_results"] == {"Embase": 5, "PubMed": 6}
    assert doc["dbr_excluded"] == 4
    assert doc["dbr_excluded_reasons"] == {"Wrong outcomes": 2, "Wrong study design": 2}
    assert (doc["variant"], doc["new_studies"], doc["new_reports"]) == ("other", 3, 5)


@pytest.mark.parametrize("round_", [1, 2])
def test_csv_round_trips_through_the_template_layout(
    review: Review, tmp_path: Path, round_: int
) -> None:
    build_review(review)
    flow = compute_flow(review.db, round_)
    path = tmp_path / "flow.csv"
    write_csv(flow, path)
    header = path.read_text(encoding="utf-8").splitlines()[0]
    assert header == "data,node,box,description,boxtext,tooltips,url,n"
    doc = flow_fields(flow)
    back = read_csv(path)
    expected = {k: doc[k] for k in back if k in doc}
    assert back == expected
    assert set(back) >= {"database_specific_results", "dbr_excluded_reasons", "total_studies"}


def test_csv_breakdown_strings(review: Review) -> None:
    build_review(review)
    rows = {r["data"]: r["n"] for r in csv_rows(compute_flow(review.db, 1))}
    assert rows["database_specific_results"] == "Embase, 5; PubMed, 6"
    assert rows["register_specific_results"] == "ClinicalTrials.gov, 2"
    assert rows["dbr_excluded"] == "Wrong outcomes, 2; Wrong study design, 2"
    assert rows["other_excluded"] == "Wrong population, 1"
    assert breakdown_text({"Adults, not children; mixed": 3}) == "Adults / not children / mixed, 3"


def test_csv_layout_has_the_template_keys(shared: Path, review: Review) -> None:
    template = shared / "reference" / "PRISMA2020-template.csv"
    with template.open(encoding="utf-8") as fh:
        theirs = [(r["data"], r["box"]) for r in csv.DictReader(fh)]
    ours = [(key or "NA", box) for key, _node, box, *_ in LAYOUT_2020]
    assert ours == theirs
    values = read_csv(template)  # the package's own template loads ("xxx" counts are unknown)
    assert values["database_specific_results"] == {
        "Database 1": None,
        "Database 2": None,
        "Database 3": None,
    }
    assert values["dbr_excluded"] is None and values["duplicates"] == 0


def _variants(review: Review, tmp_path: Path) -> dict[str, tuple[Review, int, str]]:
    other = review
    build_review(other)
    from screener.db import init_review

    plain = init_review(tmp_path / "plain")
    build_review(plain, other_methods=False)
    return {
        "2020-new": (plain, 1, "2020"),
        "2020-other": (other, 1, "2020"),
        "2020-updated": (plain, 2, "2020"),
        "2020-updated-other": (other, 2, "2020"),
        "2009": (other, 2, "2009"),
    }


MAGIC = {".svg": b"<?xml", ".png": b"\x89PNG\r\n\x1a\n", ".pdf": b"%PDF-"}


def test_drawings_every_variant_no_clipping_a4(review: Review, tmp_path: Path) -> None:
    """SVG/PNG/PDF for each variant; every text inside its box; boxes apart; A4; fonts >= 8."""
    assert min(FONT, HEADER_FONT, STAGE_FONT, FOOT_FONT) >= MIN_FONT >= 8
    for name, (rev, round_, template) in _variants(review, tmp_path).items():
        flow = compute_flow(rev.db, round_, cumulative=template == "2009")
        diagram = build(flow, template)
        paths = [tmp_path / f"{name}{suffix}" for suffix in MAGIC]
        save(diagram, *paths)
        for path in paths:
            data = path.read_bytes()
            assert data.startswith(MAGIC[path.suffix]), path.name
            assert len(data) > 5000, path.name
        svg = paths[0].read_text(encoding="utf-8")
        assert "<svg" in svg and svg.rstrip().endswith("</svg>")
        fig, lay = figure(diagram)
        assert lay.width == lay.page[0] and lay.height <= lay.page[1], name
        assert sorted(lay.page) == sorted(A4)
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        ax = fig.axes[0]
        patches = {p.get_gid(): p.get_window_extent(renderer) for p in ax.patches if p.get_gid()}
        checked = 0
        for text in ax.texts:
            gid = text.get_gid()
            if not gid or not text.get_text():
                continue
            inner, outer = text.get_window_extent(renderer), patches[gid]
            assert outer.x0 <= inner.x0 and inner.x1 <= outer.x1, (name, text.get_text())
            assert outer.y0 <= inner.y0 and inner.y1 <= outer.y1, (name, text.get_text())
            checked += 1
        assert checked > 20, name
        boxes = list(lay.boxes.values())
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                apart = a.x + a.w <= b.x or b.x + b.w <= a.x or a.y + a.h <= b.y or b.y + b.h <= a.y
                assert apart, (name, a.key, b.key)


def test_cli_terminal_and_files(review: Review, runner: CliRunner, tmp_path: Path) -> None:
    build_review(review)
    folder = str(review.path)
    result = runner.invoke(app, ["prisma", "-r", folder, "--round", "1"])
    assert result.exit_code == 0, result.output
    assert "Records screened (n = 10)" in result.stdout
    assert "Studies included in review (n = 3)" in result.stdout
    out = tmp_path / "flow.json"
    result = runner.invoke(app, ["prisma", "-r", folder, "--out", str(out)])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"Wrote {out} (PRISMA 2020, round 2, json)."
    assert json.loads(out.read_text())["total_studies"] == 5
    md = tmp_path / "flow.md"
    assert (
        runner.invoke(app, ["prisma", "-r", folder, "--template", "2009", "-o", str(md)]).exit_code
        == 0
    )
    text = md.read_text()
    assert "- Studies included in quantitative synthesis (meta-analysis) (n = 5)" in text
    assert "    - Full text not retrieved (n = 2)" in text
    txt = tmp_path / "flow.txt"
    assert (
        runner.invoke(app, ["prisma", "-r", folder, "-o", str(txt), "--round", "1"]).exit_code == 0
    )
    assert "    → Reports not retrieved (n = 1)" in txt.read_text().splitlines()


def test_cli_errors_and_allow_incomplete(review: Review, runner: CliRunner, tmp_path: Path) -> None:
    build_review(review, other_methods=False)
    db = review.db
    extra = [db["records"].insert({"search_id": 1, "position": 50 + i}).last_pk for i in range(3)]
    record_decision(db, extra[2], "title_abstract", "ann", "include")
    folder = str(review.path)
    result = runner.invoke(app, ["prisma", "-r", folder, "--round", "1"])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"Error: The PRISMA flow is not final: 2 records have no title/abstract decision "
        f"(ids {extra[0]}, {extra[1]}); 1 report has no full-text decision (id {extra[2]})."
    )
    png = tmp_path / "pending.png"
    md = tmp_path / "pending.md"
    for out in (png, md):
        args = ["prisma", "-r", folder, "--round", "1", "--allow-incomplete", "-o", str(out)]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    assert "Warning: pending: 2 records have no title/abstract decision" in result.stderr
    text = md.read_text()
    assert "Awaiting title/abstract decision: pending 2" in text
    assert "Awaiting full-text decision: pending 1" in text
    assert png.read_bytes().startswith(MAGIC[".png"])
    bad = runner.invoke(app, ["prisma", "-r", folder, "-o", str(tmp_path / "x.docx")])
    assert bad.exit_code == 1 and "unknown output format '.docx'" in bad.stderr
    csv09 = runner.invoke(
        app,
        [
            "prisma",
            "-r",
            folder,
            "--template",
            "2009",
            "--allow-incomplete",
            "-o",
            str(tmp_path / "x.csv"),
        ],
    )
    assert csv09.exit_code == 1 and "no 2009 layout" in csv09.stderr
    assert runner.invoke(app, ["prisma", "-r", folder, "--round", "5"]).exit_code == 1


def test_a_drawing_too_tall_for_a4_is_reported(review: Review, tmp_path: Path) -> None:
    build_review(review)
    flow = compute_flow(review.db, 1)
    long = "population not matching the inclusion criteria of the protocol"
    reasons = {f"Reason {i}: {long}": 10 + i for i in range(14)}
    tall = dataclasses.replace(
        flow, dbr_excluded_reasons=reasons, dbr_excluded=sum(reasons.values())
    )
    kind, warnings = write_flow(tall, "2020", tmp_path / "tall.png")
    assert kind == "png" and len(warnings) == 1
    assert (
        warnings[0].startswith("The diagram is ") and "printed on A4 its text would" in warnings[0]
    )
    assert write_flow(flow, "2020", tmp_path / "fine.png") == ("png", [])


def test_unknown_counts_print_nr(review: Review, runner: CliRunner, tmp_path: Path) -> None:
    build_review(review)
    toml = review.protocol_path
    toml.write_text(toml.read_text() + '\n[prisma]\nmeta_analysis_studies = "unknown"\n')
    folder = str(review.path)
    result = runner.invoke(app, ["prisma", "-r", folder, "--template", "2009"])
    assert result.exit_code == 0, result.output
    lines = [line.strip() for line in result.stdout.splitlines()]
    assert "Studies included in quantitative synthesis (meta-analysis) (n = NR)" in lines
    out = tmp_path / "flow.json"
    assert runner.invoke(app, ["prisma", "-r", folder, "-o", str(out)]).exit_code == 0
    doc = json.loads(out.read_text())
    assert (doc["total_studies_ma"], doc["total_reports_ma"]) == (None, None)
    assert doc["total_studies"] == 5
    csv_out = tmp_path / "flow.csv"
    assert runner.invoke(app, ["prisma", "-r", folder, "-o", str(csv_out)]).exit_code == 0
    rows = {r["data"]: r["n"] for r in csv.DictReader(csv_out.open(encoding="utf-8"))}
    assert (rows["total_studies_ma"], rows["total_studies"]) == ("NR", "5")
    assert read_csv(csv_out)["total_studies_ma"] is None
