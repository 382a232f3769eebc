"""`screener export`: which records, one entry per included study, and every format's text."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from builders import add_search
from typer.testing import CliRunner

from screener import searches
from screener.cli import app
from screener.db import Review
from screener.errors import DataError
from screener.handoff.export import CSV_COLUMNS, export
from screener.handoff.studies import select
from screener.record import Record
from screener.screening.labels import set_label
from screener.screening.verdict import record_decision

TA, FT = "title_abstract", "full_text"

# Citations of the seed review's included studies (seed-review/seed-facts.md) plus synthetic
# records for the edge cases; the ids are the insertion order.
RECORDS: list[tuple[Record, dict[str, object]]] = [
    (  # 1
        Record(
            title="Tacrolimus in refractory polymyositis with interstitial lung disease",
            authors=["Oddis CV", "Sciurba FC", "Elmagd KA", "Starzl TE"],
            year=1999,
            journal="Lancet",
            volume="353",
            pages="1762-1763",
            pmcid="PMC2977932",
            keywords=["Tacrolimus", "Polymyositis"],
        ),
        {},
    ),
    (  # 2
        Record(
            title=(
                "Treatment of antisynthetase-associated interstitial lung disease with tacrolimus"
            ),
            authors=["Wilkes MR"],
            year=2005,
            journal="Arthritis and Rheumatism",
            journal_abbrev="Arthritis Rheum",
            volume="52",
            issue="8",
            pages="2439-2446",
            doi="10.1002/art.21240",
        ),
        {},
    ),
    (  # 3
        Record(
            title=(
                "Coadministration of tacrolimus with corticosteroid accelerates recovery in "
                "refractory patients with polymyositis/dermatomyositis: a retrospective study"
            ),
            authors=["Shimojima Y", "Ishii W", "Matsuda M", "Tazawa K", "Ikeda S"],
            year=2012,
            journal="BMC Musculoskeletal Disorders",
            journal_abbrev="BMC Musculoskelet Disord",
            volume="13",
            pages="228",
            doi="10.1186/1471-2474-13-228",
            pmid="23173570",
            abstract="Background: 32 records\nwere reviewed; 15 received TAC (9 PM, 6 DM).",
            language="eng",
            accessions={"embase": "L368136152"},
        ),
        {},
    ),
    (  # 4
        Record(
            title=(
                "The efficacy of tacrolimus in patients with interstitial lung diseases "
                "complicated with polymyositis or dermatomyositis"
            ),
            authors=["Kurita T", "Yasuda S", "Oba K"],
            year=2015,
            journal="Rheumatology (Oxford)",
            volume="54",
            issue="1",
            pages="39-44",
            doi="10.1093/rheumatology/keu166",
        ),
        {"study_id": 4},
    ),
    (  # 5: linked to study 4
        Record(
            title="Editorial on tacrolimus in myositis-associated ILD",
            authors=["Gordon P", "Gooptu B"],
            year=2015,
            journal="Rheumatology (Oxford)",
            volume="54",
            issue="1",
            pages="3-4",
            doi="10.1093/rheumatology/keu335",
        ),
        {"study_id": 4},
    ),
    (  # 6
        Record(
            title=(
                "Effects of tacrolimus on dermatomyositis and polymyositis: a prospective, open, "
                "non-randomized study of nine patients and a review of the literature"
            ),
            authors=["Matsubara S", "Kondo K", "Sugaya K", "Miyamoto K"],
            year=2012,
            journal="Clinical Rheumatology",
            journal_abbrev="Clin Rheumatol",
            volume="31",
            issue="10",
            pages="1493-1498",
            doi="10.1007/s10067-012-2044-y",
            pmid="22886003",
        ),
        {},
    ),
    (  # 7: synthetic Chinese record
        Record(
            title="他克莫司治疗难治性皮肌炎的疗效",
            title_translated="Efficacy of tacrolimus in refractory dermatomyositis",
            authors=["王国春", "卢昕"],
            year=2014,
            journal="中华风湿病学杂志",
            language="chi",
        ),
        {},
    ),
    (Record(title="Duplicate of record 3", authors=["Shimojima Y"], year=2012), {"dup": 3}),  # 8
    (  # 9: a second "Oddis 1999", synthetic
        Record(
            title="Synthetic test record: a second Oddis 1999 study; 100% & {braces}",
            authors=["Oddis CV"],
            year=1999,
            journal="Arthritis Rheum",
        ),
        {},
    ),
    (  # 10: included but not retrieved
        Record(
            title=(
                "Calcineurin inhibitors in a cohort of patients with antisynthetase-associated "
                "interstitial lung disease"
            ),
            authors=["Labirua-Iturburu A", "Selva-O'Callaghan A"],
            year=2013,
            journal="Clin Exp Rheumatol",
            pmid="23465087",
        ),
        {},
    ),
    (Record(title="Not yet screened", year=2020), {}),  # 11
]


def build(review: Review) -> None:
    db = review.db
    ids = add_search(db, [record for record, _ in RECORDS])
    for rid, (_, extra) in zip(ids, RECORDS, strict=True):
        db["records"].update(
            rid, {"study_id": extra.get("study_id"), "duplicate_of": extra.get("dup")}
        )
    for rid in (1, 2, 3, 4, 5, 6, 9, 10):
        record_decision(db, rid, TA, "ann", "include")
    record_decision(db, 7, TA, "ann", "exclude", reason="Wrong population")
    for rid in (1, 2, 3, 4, 9, 10):
        record_decision(db, rid, FT, "ann", "include")
    record_decision(db, 5, FT, "ann", "exclude", reason="Not a study")
    record_decision(db, 6, FT, "ann", "exclude", reason="Wrong outcomes")
    db["retrieval"].insert({"record_id": 10, "status": "not_retrieved", "reason": "No access"})


@pytest.fixture
def built(review: Review) -> Review:
    build(review)
    review.protocol_path.write_text(
        '[review]\ntitle = "T"\n[outcomes]\nnames = ["muscle_strength", "ck_decreased"]\n',
        encoding="utf-8",
    )
    return review


def test_selection_by_stage_and_decision(built: Review) -> None:
    db = built.db
    assert [e.record_id for e in select(db)] == [1, 2, 3, 4, 5, 6, 7, 9, 10, 11]
    included = select(db, decision="included")
    assert [(e.record_id, e.label) for e in included] == [
        (1, "Oddis 1999a"),
        (2, "Wilkes 2005"),
        (3, "Shimojima 2012"),
        (4, "Kurita 2015"),
        (9, "Oddis 1999b"),
    ]
    assert [rid for rid, _ in included[3].reports] == [5]
    assert [e.record_id for e in select(db, "title-abstract", "included")] == [
        1, 2, 3, 4, 5, 6, 9, 10,
    ]  # fmt: skip
    assert [e.record_id for e in select(db, "title-abstract", "excluded")] == [7]
    assert [e.record_id for e in select(db, "full-text", "excluded")] == [5, 6]
    assert [e.record_id for e in select(db, "full-text", "all")] == [1, 2, 3, 4, 5, 6, 9, 10]
    assert select(db, "title-abstract", "maybe") == []
    assert [e.label for e in select(db, "title-abstract", "excluded")] == ["王国春 2014"]


def _export(review: Review, fmt: str, **kw: str) -> str:
    out = io.StringIO(newline="")
    export(review, fmt, out, kw.get("stage"), kw.get("decision"))
    return out.getvalue()


def test_ris_text_of_one_record_exactly(built: Review) -> None:
    text = _export(built, "ris", decision="included")
    records = text.split("\r\n\r\n")
    assert records[2] == "\r\n".join(
        [
            "TY  - JOUR",
            "TI  - Coadministration of tacrolimus with corticosteroid accelerates recovery in"
            " refractory patients with polymyositis/dermatomyositis: a retrospective study",
            "AU  - Shimojima, Y",
            "AU  - Ishii, W",
            "AU  - Matsuda, M",
            "AU  - Tazawa, K",
            "AU  - Ikeda, S",
            "PY  - 2012",
            "T2  - BMC Musculoskeletal Disorders",
            "J2  - BMC Musculoskelet Disord",
            "VL  - 13",
            "SP  - 228",
            "DO  - 10.1186/1471-2474-13-228",
            "LA  - eng",
            "AN  - 23173570",
            "M2  - PMID: 23173570",
            "AB  - Background: 32 records were reviewed; 15 received TAC (9 PM, 6 DM).",
            "N1  - Study: Shimojima 2012",
            "N1  - Other ids: embase:L368136152",
            "ER  - ",
        ]
    )
    kurita = records[3]
    assert "SP  - 39\r\nEP  - 44\r\n" in kurita
    assert (
        "N1  - Other report of this study (record 5): Gordon P, Gooptu B. Editorial on "
        "tacrolimus in myositis-associated ILD. Rheumatology (Oxford). 2015;54(1):3-4. "
        "doi:10.1093/rheumatology/keu335\r\n" in kurita
    )
    assert text.count("TY  - JOUR") == 5
    assert "\n" not in text.replace("\r\n", "")  # CRLF only


def test_ris_round_trip_through_our_importer(built: Review, tmp_path: Path) -> None:
    from screener.db import init_review

    target = tmp_path / "all.ris"
    with target.open("w", encoding="utf-8", newline="") as handle:
        export(built, "ris", handle)
    fresh = init_review(tmp_path / "again")
    try:
        searches.import_file(fresh, target, database="Export")
        back = [
            Record.from_row(row)
            for row in fresh.db.query("select * from records order by position")
        ]
    finally:
        fresh.close()
    original = [e.record for e in select(built.db)]
    assert len(back) == len(original) == 10
    for a, b in zip(original, back, strict=True):
        assert (b.title, b.authors, b.doi, b.pmid, b.year) == (
            a.title, a.authors, a.doi, a.pmid, a.year,
        )  # fmt: skip
        assert (b.journal, b.volume, b.issue, b.pages) == (a.journal, a.volume, a.issue, a.pages)
    assert back[2].abstract == "Background: 32 records were reviewed; 15 received TAC (9 PM, 6 DM)."


def test_csv_has_bom_crlf_and_one_row_per_study(
    built: Review, tmp_path: Path, runner: CliRunner
) -> None:
    out = tmp_path / "included.csv"
    result = runner.invoke(
        app,
        ["export", "--review", str(built.path), "--decision", "included", "--format", "csv",
         "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"Wrote 5 entries to {out}.\n"
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfrecord_id,study,")
    assert raw.split(b"\r\n")[0].endswith(b"full_text_reason,reports,labels")
    assert raw.endswith(b"\r\n")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert [r["study"] for r in rows] == [
        "Oddis 1999a", "Wilkes 2005", "Shimojima 2012", "Kurita 2015", "Oddis 1999b",
    ]  # fmt: skip
    assert rows[0]["authors"] == "Oddis CV; Sciurba FC; Elmagd KA; Starzl TE"
    assert rows[0]["keywords"] == "Tacrolimus; Polymyositis"
    assert (
        rows[2]["abstract"]
        == "Background: 32 records\nwere reviewed; 15 received TAC (9 PM, 6 DM)."
    )
    assert rows[2]["accessions"] == "embase:L368136152"
    assert (rows[2]["title_abstract"], rows[2]["full_text"]) == ("include", "include")
    assert rows[3]["reports"].startswith("record 5: Gordon P, Gooptu B. Editorial")
    assert rows[3]["study_id"] == "4" and rows[0]["study_id"] == ""
    assert rows[2]["database"] == "PubMed"


def test_labels_are_exported(built: Review) -> None:
    set_label(built.db, 5, "check dose", "ann")
    set_label(built.db, 5, "RCT", "bob")
    set_label(built.db, 6, "RCT", "bob")
    set_label(built.db, 6, "RCT", "bob", on=False)
    data = json.loads(_export(built, "json", stage="full-text", decision="excluded"))
    assert [(d["record_id"], d["labels"]) for d in data] == [(5, ["check dose", "RCT"]), (6, [])]
    rows = list(csv.DictReader(io.StringIO(_export(built, "csv", stage="full-text"))))
    assert {r["record_id"]: r["labels"] for r in rows}["5"] == "check dose; RCT"


def test_blinded_review_refuses_exports_that_show_verdicts(built: Review) -> None:
    """Verdicts (conflict, awaiting, include) and labels are made of every reviewer's votes:
    while blinded they would show a reviewer their co-reviewer's decisions record by record."""
    set_label(built.db, 5, "check dose", "ann")
    every_record = _export(built, "ris")
    built.protocol_path.write_text("[screening]\nblind = true\n", encoding="utf-8")
    for fmt, kw in [
        ("csv", {}), ("json", {}), ("extraction", {}), ("ris", {"decision": "included"}),
        ("bibtex", {"stage": "title-abstract"}),
    ]:  # fmt: skip
        with pytest.raises(DataError, match="blinded"):
            _export(built, fmt, **kw)
    assert _export(built, "ris") == every_record  # every record, no verdict in it
    built.protocol_path.write_text("[screening]\nblind = false\n", encoding="utf-8")
    assert json.loads(_export(built, "json"))[0]["record_id"] == 1


def test_json_keys_and_values(built: Review) -> None:
    data = json.loads(_export(built, "json", stage="full-text", decision="excluded"))
    assert [d["record_id"] for d in data] == [5, 6]
    assert list(data[0]) == [c for c in CSV_COLUMNS if not c.endswith("_reason")]
    assert data[1]["full_text"] == {"decision": "exclude", "reason": "Wrong outcomes"}
    assert data[1]["authors"] == ["Matsubara S", "Kondo K", "Sugaya K", "Miyamoto K"]
    assert data[0]["study_id"] == 4 and data[0]["reports"] == []
    everything = json.loads(_export(built, "json"))
    chinese = everything[6]
    assert chinese["title"] == "他克莫司治疗难治性皮肌炎的疗效"
    assert chinese["title_abstract"] == {"decision": "exclude", "reason": "Wrong population"}
    assert everything[-1]["title_abstract"] is None
    kurita = json.loads(_export(built, "json", decision="included"))[3]
    assert kurita["reports"] == [
        {
            "record_id": 5,
            "citation": "Gordon P, Gooptu B. Editorial on tacrolimus in myositis-associated ILD."
            " Rheumatology (Oxford). 2015;54(1):3-4. doi:10.1093/rheumatology/keu335",
            "doi": "10.1093/rheumatology/keu335",
            "pmid": None,
        }
    ]


def test_bibtex_keys_and_escaping(built: Review) -> None:
    text = _export(built, "bibtex", decision="included")
    keys = [line[9:-1] for line in text.splitlines() if line.startswith("@article{")]
    assert keys == ["Oddis1999a", "Wilkes2005", "Shimojima2012", "Kurita2015", "Oddis1999b"]
    assert "  author = {Oddis, CV and Sciurba, FC and Elmagd, KA and Starzl, TE}," in text
    assert "  pages = {2439--2446}," in text
    assert (
        "  title = {{Synthetic test record: a second Oddis 1999 study; 100\\% \\& \\{braces\\}}},"
        in text
    )
    assert "  doi = {10.1186/1471-2474-13-228}," in text
    cjk = _export(built, "bibtex", stage="title-abstract", decision="excluded")
    assert cjk.startswith("@article{record7,\n  author = {王国春 and 卢昕},")


def test_extraction_sheet_opens_in_excel_and_pools(
    built: Review, tmp_path: Path, runner: CliRunner
) -> None:
    out = tmp_path / "extraction.csv"
    result = runner.invoke(
        app, ["export", "--review", str(built.path), "--format", "extraction", "--out", str(out)]
    )
    assert result.exit_code == 0, result.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").split("\r\n")
    assert lines[0] == (
        "study,citation,record_ids,design,country,n,follow_up,"
        "muscle_strength_events,muscle_strength_total,ck_decreased_events,ck_decreased_total"
    )
    assert lines[4].startswith('Kurita 2015,"Kurita T, Yasuda S, Oba K. The efficacy')
    assert lines[4].endswith(",4; 5,,,,,,,,")
    assert len(lines) == 7 and lines[-1] == ""
    # filled in like a reviewer would, the sheet pools
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    rows[1][7:9] = ["8", "8"]
    rows[3][7:11] = ["12", "15", "14", "15"]
    with out.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)
    result = runner.invoke(app, ["pool", str(out), "--method", "crude", "--json"])
    assert result.exit_code == 0, result.stderr
    pooled = {o["outcome"]: o for o in json.loads(result.stdout)["outcomes"]}
    assert (pooled["muscle_strength"]["k"], pooled["muscle_strength"]["events"]) == (2, 20)
    assert pooled["muscle_strength"]["crude"]["text"] == "87.0% [66.4, 97.2]"
    assert [s["study"] for s in pooled["ck_decreased"]["studies"]] == ["Shimojima 2012"]


def test_export_to_stdout_and_errors(built: Review, runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["export", "--review", str(built.path), "--format", "ris", "--stage", "full-text",
              "--decision", "excluded"],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("TY  - JOUR") == 2
    result = runner.invoke(app, ["export", "--review", str(built.path), "--format", "docx"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: unknown export format 'docx'")
    result = runner.invoke(
        app, ["export", "--review", str(built.path), "--format", "csv", "--decision", "kept"]
    )
    assert result.exit_code == 1 and "unknown decision 'kept'" in result.stderr


def test_decisions_format_delegates_to_the_decision_file(
    built: Review, tmp_path: Path, runner: CliRunner
) -> None:
    out = tmp_path / "decisions.csv"
    result = runner.invoke(
        app, ["export", "--review", str(built.path), "--format", "decisions", "--out", str(out)]
    )
    assert result.exit_code == 0, result.stderr
    from screener.screening.decisionfile import write_decisions_csv

    direct = io.StringIO(newline="")
    n = write_decisions_csv(built, direct)
    assert out.read_text(encoding="utf-8") == direct.getvalue()
    assert result.stderr == f"Wrote {n} rows to {out}.\n"


def test_ris_round_trip_keeps_pmid_of_records_with_vendor_links(
    review: Review, tmp_path: Path
) -> None:
    from screener.db import init_review

    link = "https://www.scopus.com/inward/record.uri?eid=2-s2.0-85000000001"
    record = Record(title="T", authors=["Smith J"], year=2000, pmid="12345", url=link)
    add_search(review.db, [record], database="Scopus", format="ris")
    target = tmp_path / "scopus.ris"
    with target.open("w", encoding="utf-8", newline="") as handle:
        export(review, "ris", handle)
    fresh = init_review(tmp_path / "again")
    try:
        searches.import_file(fresh, target)
        pmids = [row["pmid"] for row in fresh.db.query("select pmid from records")]
    finally:
        fresh.close()
    assert pmids == ["12345"]
