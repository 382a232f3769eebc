"""Attaching PDFs to the records at full text: generated PDFs of every kind, real SQLite."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest
from fulltext_helpers import build_review, copy_pdfs, made_pdfs
from pdfmaker import text_pdf
from typer.testing import CliRunner

from screener.cli import app
from screener.db import Review, connect
from screener.fulltexts.attach import attach
from screener.fulltexts.identify import find_ids
from screener.fulltexts.pdf import read_pdf
from screener.fulltexts.status import fulltext_status
from screener.fulltexts.store import attached, page_texts

__all__ = ["made_pdfs"]  # the session fixture

EXPECTED = {  # file -> (outcome, record, method)
    "oddis1999.pdf": ("attached", 1, "doi"),
    "storage/ABCD1234/supplement.pdf": ("attached", 1, "doi"),
    "wilkes.pdf": ("attached", 2, "pmid"),
    "hassan.pdf": ("attached", 3, "title"),
    "wang.pdf": ("attached", 4, "title"),
    "psoriasis.pdf": ("not_at_stage", 5, "doi"),
    "kurita.pdf": ("ambiguous", None, None),
    "two-ids.pdf": ("ambiguous", None, None),
    "mitsui.pdf": ("attached", 8, "doi"),
    "scan-doi.pdf": ("attached", 9, "doi (metadata)"),
    "storage/ABCD1234/scan.pdf": ("no_text", None, None),
    "damaged.pdf": ("unreadable", None, None),
    "locked.pdf": ("unreadable", None, None),
    "other.pdf": ("unmatched", None, None),
    "storage/ABCD1234/hassan-title-only.pdf": ("ambiguous", None, None),
}


@pytest.fixture
def setup(tmp_path: Path, made_pdfs: Path) -> tuple[Review, Path]:
    review = build_review(tmp_path / "review")
    return review, copy_pdfs(made_pdfs, tmp_path / "pdfs")


def outcomes(review: Review, folder: Path) -> dict[str, tuple[str, int | None, str | None]]:
    rows = review.db.execute(
        "select source, outcome, record_id, method from fulltext_files where current = 1"
    ).fetchall()
    top = folder.resolve().as_posix() + "/"
    return {source.removeprefix(top): (o, rid, m) for source, o, rid, m in rows}


def test_every_kind_of_pdf_is_matched_or_listed(setup: tuple[Review, Path]) -> None:
    review, folder = setup
    report = attach(review, [folder])
    assert outcomes(review, folder) == EXPECTED
    by_source = {f.source.rsplit("/", 1)[-1]: f for f in report.files}
    assert by_source["kurita.pdf"].candidates == [6, 7]
    assert by_source["two-ids.pdf"].candidates == [1, 2]
    assert by_source["hassan-title-only.pdf"].candidates == [3]
    assert "authors or year were not found" in (by_source["hassan-title-only.pdf"].evidence or "")
    assert "encrypted" in (by_source["locked.pdf"].evidence or "")
    assert "damaged" in (by_source["damaged.pdf"].evidence or "")
    assert by_source["scan-doi.pdf"].text_layer is False
    # two PDFs of record 1, best match first; the text of attached files is cached
    files = attached(review.db)
    assert [Path(a.path).name for a in files[1]] == ["oddis1999.pdf", "supplement.pdf"]
    pages = page_texts(review.db, review.path, files[1][0])
    assert len(pages) == 3 and pages[2].startswith("Page three")
    assert (
        review.db.execute("select count(*) from fulltext_texts").fetchone()[0] == 6
    )  # the scan has no text


def test_two_columns_and_chinese_text_are_read(setup: tuple[Review, Path]) -> None:
    _, folder = setup
    two = read_pdf(folder / "mitsui.pdf", pages=None).pages[0]
    assert two.index("Methods") < two.index("Results") and "DOI: 10.1000/ft.8" in two
    cjk = read_pdf(folder / "wang.pdf").pages[0]
    assert cjk.splitlines()[:2] == ["他克莫司治疗难治性多发性肌炎的临床观察", "王国春 卢昕"]


def test_identifiers_are_found_in_text() -> None:
    ids = find_ids("doi:10.1007/S10067-015-3065-0. PMID: 0123 see PMC4567890 and PMC 12345")
    assert ids.dois == {"10.1007/s10067-015-3065-0"}
    assert ids.pmids == {"123"} and ids.pmcids == {"PMC4567890", "PMC12345"}


def test_running_twice_writes_nothing_and_a_changed_file_is_matched_again(
    setup: tuple[Review, Path],
) -> None:
    review, folder = setup
    attach(review, [folder])
    count = review.db.execute("select count(*) from fulltext_files").fetchone()[0]
    again = attach(review, [folder])
    assert again.written == 0
    assert review.db.execute("select count(*) from fulltext_files").fetchone()[0] == count
    # the unrelated file is replaced by record 10's paper; the damaged file goes away
    other = folder / "other.pdf"
    text_pdf(other, ["Tacrolimus ointment in cutaneous lupus\nPMID: 1010"])
    os.utime(other, (1, 1))
    (folder / "damaged.pdf").unlink()
    third = attach(review, [folder])
    assert third.written == 1 and third.gone == 1
    assert outcomes(review, folder)["other.pdf"] == ("attached", 10, "pmid")
    assert "damaged.pdf" not in outcomes(review, folder)
    history = review.db.execute(
        "select outcome, current from fulltext_files where source like '%other.pdf' order by id"
    ).fetchall()
    assert history == [("unmatched", 0), ("attached", 1)]


def test_a_record_reaching_full_text_later_gets_its_file(setup: tuple[Review, Path]) -> None:
    review, folder = setup
    attach(review, [folder])
    from screener.screening.verdict import record_decision

    record_decision(review.db, 5, "title_abstract", "ann", "include")
    report = attach(review, [folder])
    assert report.written == 1
    assert outcomes(review, folder)["psoriasis.pdf"] == ("attached", 5, "doi")


def test_copy_files_them_under_stable_names_relative_to_the_review(
    setup: tuple[Review, Path],
) -> None:
    review, folder = setup
    attach(review, [folder], copy=True)
    paths = sorted(a.path for files in attached(review.db).values() for a in files)
    assert all(p.startswith("fulltext/") for p in paths)
    assert "fulltext/2_222_" in " ".join(paths) and "fulltext/1_111_" in " ".join(paths)
    names = sorted(p.name for p in (review.path / "fulltext").iterdir())
    assert len(names) == 7
    assert attach(review, [folder], copy=True).written == 0
    assert sorted(p.name for p in (review.path / "fulltext").iterdir()) == names


def test_status_counts_lists_and_exports(setup: tuple[Review, Path], tmp_path: Path) -> None:
    review, folder = setup
    attach(review, [folder])
    review.db.execute(
        "insert into retrieval (record_id, status, reason, reviewer, created_at)"
        " values (6, 'not_retrieved', 'library has no copy', 'ann', 'now')"
    )
    data = fulltext_status(review.db)
    assert (data["sought"], data["attached"], data["not_retrieved"], data["missing"]) == (
        9,
        6,
        1,
        2,
    )
    by_id = {r["id"]: r for r in data["records"]}
    assert [r["id"] for r in data["records"]] == [1, 2, 3, 4, 6, 7, 8, 9, 10]
    assert by_id[6]["status"] == "not_retrieved" and by_id[6]["reason"] == "library has no copy"
    assert {rid for rid, r in by_id.items() if r["status"] == "missing"} == {7, 10}
    assert by_id[3]["method"] == "title" and by_id[3]["path"].endswith("hassan.pdf")
    assert [len(data["files"][k]) for k in ("ambiguous", "unmatched", "no_text", "unreadable")] == [
        3,
        1,
        1,
        2,
    ]
    runner = CliRunner()
    out = tmp_path / "missing.csv"
    result = runner.invoke(
        app, ["fulltext", "status", "--review", str(review.path), "--missing-out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Full texts sought: 9; attached 6, not retrieved 1, missing 2." in result.output
    assert "(reason: library has no copy)" in result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["id"], r["pmid"], r["link"]) for r in rows] == [
        ("7", "", ""),
        ("10", "1010", "https://doi.org/10.1000/ft.10"),
    ]
    again = runner.invoke(
        app, ["fulltext", "status", "-r", str(review.path), "--missing-out", str(out)]
    )
    assert again.exit_code == 1 and "already exists; nothing was written" in again.output
    forced = ["fulltext", "status", "-r", str(review.path), "--missing-out", str(out), "--force"]
    assert runner.invoke(app, forced).exit_code == 0
    ris = tmp_path / "missing.ris"
    runner.invoke(app, ["fulltext", "status", "-r", str(review.path), "--missing-out", str(ris)])
    text = ris.read_text(encoding="utf-8")
    assert text.count("ER  - ") == 2 and "DO  - 10.1000/ft.10" in text
    shown = runner.invoke(app, ["fulltext", "status", "-r", str(review.path), "--json"])
    assert json.loads(shown.output)["records"][0] == {
        "id": 1,
        "pmid": "111",
        "doi": "10.1000/ft.1",
        "title": "Tacrolimus for refractory polymyositis: experience with ten patients",
        "status": "attached",
        "reason": None,
        "path": (folder / "oddis1999.pdf").resolve().as_posix(),
        "method": "doi",
        "files": [
            {
                "path": (folder / "oddis1999.pdf").resolve().as_posix(),
                "method": "doi",
                "pages": 3,
                "text_layer": True,
            },
            {
                "path": (folder / "storage/ABCD1234/supplement.pdf").resolve().as_posix(),
                "method": "doi",
                "pages": 1,
                "text_layer": True,
            },
        ],
    }


def test_cli_attach_lists_what_was_not_attached(setup: tuple[Review, Path]) -> None:
    review, folder = setup
    result = CliRunner().invoke(app, ["fulltext", "attach", str(folder), "-r", str(review.path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == (
        "Read 15 PDF files: 7 attached to 6 records at full text (15 new or changed, the rest"
        " as before)."
    )
    assert any("kurita.pdf: records #6, #7: its title fits several records" in x for x in lines)
    assert "Unreadable: 2" in lines and "Records not at this stage (not attached): 1" in lines
    db = connect(review.path / "review.db")  # committed
    assert db.execute("select count(*) from fulltext_files").fetchone()[0] == 15


def test_cli_errors_are_one_sentence(tmp_path: Path) -> None:
    review = build_review(tmp_path / "review")
    result = CliRunner().invoke(
        app, ["fulltext", "attach", str(tmp_path / "nowhere"), "-r", str(review.path)]
    )
    assert result.exit_code == 1
    assert "nowhere does not exist." in result.output
    bad = CliRunner().invoke(
        app, ["fulltext", "status", "-r", str(review.path), "--missing-out", "x.txt"]
    )
    assert bad.exit_code == 1 and "written as .ris or .csv" in bad.output


@pytest.mark.parametrize("name", ["attach", "status"])
def test_subcommand_help_reads_well(name: str) -> None:
    from test_help import SENTENCE_END, description, epilog, render

    text = render("fulltext", name)
    assert "<bool>" not in text
    lines = description(text)
    assert len(lines) >= 2 and lines[0].endswith(".")
    assert [line for line in lines if not line.endswith(SENTENCE_END)] == []
    examples = epilog(text)
    assert examples[:1] == ["Examples:"]
    assert all(line.startswith(f"$ screener fulltext {name}") for line in examples[1:])


def test_enormous_files_get_one_sentence_and_the_run_goes_on(
    setup: tuple[Review, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from screener.fulltexts import pdf

    review, folder = setup
    monkeypatch.setattr(pdf, "MAX_PAGES", 2)  # oddis1999.pdf has 3 pages
    report = attach(review, [folder])
    (big,) = [f for f in report.files if f.source.endswith("oddis1999.pdf")]
    assert big.outcome == "unreadable"
    assert (
        big.evidence
        == f"{folder.resolve() / 'oddis1999.pdf'} is enormous (3 pages, over 2): not read."
    )
    assert outcomes(review, folder)["wilkes.pdf"] == ("attached", 2, "pmid")
    monkeypatch.setattr(pdf, "MAX_BYTES", 100)
    assert "is enormous (0 MB, over 0 MB)" in (pdf.read_pdf(folder / "wilkes.pdf").problem or "")


def test_attaching_a_file_lifts_an_earlier_not_retrieved_mark(
    tmp_path: Path, made_pdfs: Path
) -> None:
    from screener.prisma.counts import compute_flow

    review = build_review(tmp_path / "review")
    marks = tmp_path / "marks.csv"
    marks.write_text(
        "key,stage,reviewer,decision,reason,note\n"
        "id:1,full_text,ann,not_retrieved,library has no copy,\n"
        "id:2,full_text,ann,not_retrieved,out of print,\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    args = ["-r", str(review.path)]
    assert runner.invoke(app, ["decide", "--file", str(marks), *args]).exit_code == 0
    assert compute_flow(review.db).dbr_notretrieved_reports == 2
    folder = tmp_path / "found"
    folder.mkdir()
    (folder / "oddis1999.pdf").write_bytes((made_pdfs / "oddis1999.pdf").read_bytes())
    result = runner.invoke(app, ["fulltext", "attach", str(folder), *args])
    assert result.exit_code == 0, result.output
    assert "Record #1 was marked not retrieved: it is retrieved now." in result.output.splitlines()
    flow = compute_flow(review.db)
    assert (flow.dbr_sought_reports, flow.dbr_notretrieved_reports) == (9, 1)
    data = fulltext_status(review.db)
    assert [r["status"] for r in data["records"] if r["id"] in (1, 2)] == [
        "attached",
        "not_retrieved",
    ]
    rows = review.db.execute("select record_id, status from retrieval order by id").fetchall()
    assert rows == [(1, "not_retrieved"), (2, "not_retrieved"), (1, "retrieved")]
    # marked again after the file was attached: a run that changes nothing keeps the mark
    again = tmp_path / "again.csv"
    again.write_text(
        "key,stage,reviewer,decision,reason,note\nid:1,full_text,ann,not_retrieved,wrong file,\n",
        encoding="utf-8",
    )
    assert runner.invoke(app, ["decide", "--file", str(again), *args]).exit_code == 0
    result = runner.invoke(app, ["fulltext", "attach", str(folder), *args])
    assert result.exit_code == 0 and "retrieved now" not in result.output
    assert compute_flow(review.db).dbr_notretrieved_reports == 2
