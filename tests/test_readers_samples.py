"""Every real export in ../shared/samples imports with the record count its PROVENANCE.md gives,
and its first and last records carry the expected title, first author, year, DOI and PMID."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from screener.db import Review
from screener.readers.detect import detect
from screener.readers.source import open_source
from screener.record import Record
from screener.searches import import_file

# file -> (reader, [(title start, first author, year, doi, pmid) for the first and last record])
Expected = tuple[str, list[tuple[str, str | None, int | None, str | None, str | None]]]
SAMPLES: dict[str, Expected] = {
    "cnki/cnki2bibtex_Classic5Test.net": (
        "noteexpress",
        [
            ("Share-option based compensation expense,", "Alhaj-Ismail A", 2019, None, None),
            ("三维真比例导引律大气层外拦截真任意机动目标的性能分析", "黎克波", None, None, None),
        ],
    ),
    "cnki/cnki2bibtex_mixed.net": (
        "noteexpress",
        [
            ("基于深度信念网络资源需求预测的虚拟网络功能动态迁移算法", "唐伦", None, None, None),
            ("中药归经研究述评", "穆仙丽", 2002, None, None),
        ],
    ),
    "cnki/translators_CN_CNKI_Refer_testcases.txt": (
        "cnki-refer",
        [
            (
                "黄芪多糖复合酶提取工艺优化及其α-葡萄糖苷酶抑制活性",
                "张会佳",
                None,
                "10.13386/j.issn1002-0306.2023090315",
                None,
            ),
            ("中西方高校人文教育的比較研究", "潘福妮", 2006, None, None),
        ],
    ),
    "endnote_xml/iebh_tafenoquine.xml": (
        "endnote-xml",
        [
            (
                "8-Aminoquinoline Therapy for Latent Mala",
                "Baird JK",
                2019,
                "10.1128/cmr.00011-19",
                "31366609",
            ),
            (
                "Validation of the quantitative point-of-",
                "Bancone G",
                2018,
                "10.1371/journal.pone.0196716",
                "29738562",
            ),
        ],
    ),
    "medline/biopython_pubmed_result1.txt": (
        "medline",
        [
            ("The Bio* toolkits--a brief overview.", "Mangalam H", 2002, None, "12230038"),
            ("The Bio* toolkits--a brief overview.", "Mangalam H", 2002, None, "12230038"),
        ],
    ),
    "medline/biopython_pubmed_result2.txt": (
        "medline",
        [
            (
                "A high level interface to SCOP and ASTRA",
                "Casbon JA",
                2006,
                "10.1186/1471-2105-7-10",
                "16403221",
            ),
            ("PDB file parser and structure class impl", "Hamelryck T", 2003, None, "14630660"),
        ],
    ),
    "medline/synthesisr_PubMed_example.txt": (
        "medline",
        [
            (
                "Differences in nitrate and phosphorus ex",
                "Neilen AD",
                2017,
                "10.1016/j.scitotenv.2017.04.075",
                "28441597",
            ),
            (
                "Mulch and groundcover effects on soil te",
                "Bavougian CM",
                2018,
                "10.7717/peerj.5082",
                "29967742",
            ),
        ],
    ),
    "ovid_native/zotero_OVID_Tagged_case0_biosis_crlf.txt": (
        "ovid",
        [
            ("Dietary supplements containing ultradens", "Walsdorf NB", 2004, None, None),
            ("Peak Erazor: A Windows-based program for", "Hjerno K", 2004, None, None),
        ],
    ),
    "pubmed_xml/biopython_pubmed1.xml": (
        "pubmed-xml",
        [
            ("The treatment of AIDS behind the walls o", "Olivero JM", 1990, None, "12091962"),
            (
                "Magnetic studies of Chromatium flavocyto",
                "Strekas TC",
                1976,
                "10.1016/0005-2795(76)90109-4",
                "9997",
            ),
        ],
    ),
    "pubmed_xml/biopython_pubmed2.xml": (
        "pubmed-xml",
        [
            (
                "Is cryopreservation a homogeneous proces",
                "Taddei AR",
                2001,
                "10.1006/cryo.2001.2328",
                "11748933",
            ),
            (
                "Proton MRI of (13)C distribution by J an",
                "Casieri C",
                2001,
                "10.1006/jmre.2001.2429",
                "11700088",
            ),
        ],
    ),
    "ris_cochrane/cff_baseline_cochrane_refman.ris": (
        "ris",
        [
            (
                "The Incredible Years Therapeutic Dinosau",
                "Bywater T",
                2011,
                "10.1186/1745-6215-12-39",
                "21314913",
            ),
            (
                "The Incredible Years Parenting and Child",
                "Arruabarrena I",
                2022,
                "10.5093/pi2022a2",
                "37362617",
            ),
        ],
    ),
    "ris_embase/asreview_embase.ris": (
        "ris",
        [
            (
                "Duplication cysts: Diagnosis, management",
                "Liu R",
                2014,
                "10.4103/2303-9027.138783",
                None,
            ),
            (
                "Completely Isolated Retroperitoneal Ente",
                "Faraj K",
                2017,
                "10.1089/cren.2017.0016",
                None,
            ),
        ],
    ),
    "ris_other/asreview_ris_issue_992_rayyan.ris": (
        "ris",
        [
            ("Overcoming Medication Reconciliation Cha", None, 2011, None, None),
            (
                "Behavioral health care quality among mar",
                "Abraham JM",
                2021,
                "10.1176/appi.ps.202000115",
                None,
            ),
        ],
    ),
    "ris_other/cff_baseline_zotero.ris": (
        "ris",
        [
            (
                "Cellular structure of dinosaur scales re",
                "Yang Z",
                2024,
                "10.1038/s41467-024-48400-3",
                None,
            ),
            (
                "Description of a new specimen of Haploca",
                "Boisvert C",
                2024,
                "10.1002/ar.25520",
                None,
            ),
        ],
    ),
    "ris_ovid/cff_baseline_eric_ovid.ris": (
        "ris",
        [
            ("Creationism and the Dinosaur Boom.", "Stokes WL", 1989, None, None),
            ("The Jurassic Spark.", "Czerniak CM", 1993, None, None),
        ],
    ),
    "ris_ovid/synthesisr_Ovid_ris_example.ris": (
        "ris",
        [
            (
                "Detection of retention trees on clearcut",
                "Holmstrom E",
                2020,
                "10.4236/ojf.2020.101008",
                None,
            ),
            ("Diversity of yard plants in the buffer z", "Antoh AA", 2019, None, None),
        ],
    ),
    "ris_scopus/synthesisr_Scopus_ris_example.ris": (
        "ris",
        [
            (
                "Soil fauna diversity at different stages",
                "Li W",
                2020,
                "10.1080/20964129.2020.1722034",
                None,
            ),
            (
                "Application of Digital Processing in Rel",
                "Tang H",
                2020,
                "10.1007/s11220-019-0265-8",
                None,
            ),
        ],
    ),
    "tabular/asreview_embase.csv": (
        "csv",
        [
            (
                "Duplication cysts: Diagnosis, management",
                "Liu R",
                2014,
                "10.4103/2303-9027.138783",
                None,
            ),
            (
                "Completely Isolated Retroperitoneal Ente",
                "Faraj K",
                2017,
                "10.1089/cren.2017.0016",
                None,
            ),
        ],
    ),
    "tabular/cff_baseline_cochrane.csv": (
        "csv",
        [
            (
                "The Incredible Years Therapeutic Dinosau",
                "Bywater T",
                2011,
                "10.1186/1745-6215-12-39",
                "21314913",
            ),
            (
                "The Incredible Years Parenting and Child",
                "Arruabarrena I",
                2022,
                "10.5093/pi2022a2",
                "37362617",
            ),
        ],
    ),
    "wos_plaintext/synthesisr_WoS_txt_example.txt": (
        "wos",
        [
            (
                "Soil fauna diversity at different stages",
                "Li W",
                2020,
                "10.1080/20964129.2020.1722034",
                None,
            ),
            (
                "miR-324-5p inhibits gallbladder carcinom",
                "Zhang X",
                2020,
                "10.1080/21691401.2019.1703724",
                "31858815",
            ),
        ],
    ),
}


def provenance_count(shared: Path, name: str) -> int:
    """The record count PROVENANCE.md gives for a sample file (its 'records' column)."""
    folder, file_name = name.split("/")
    text = (shared / "samples" / folder / "PROVENANCE.md").read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in rows[0].strip("|").split("|")]
    column = header.index("records")
    for row in rows[2:]:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        if cells[0].strip("`") == file_name:
            return int(cells[column])
    raise AssertionError(f"{file_name} is not listed in {folder}/PROVENANCE.md")


def test_every_sample_is_covered(shared: Path) -> None:
    found = {
        f"{p.parent.name}/{p.name}"
        for p in (shared / "samples").glob("*/*")
        if p.name != "PROVENANCE.md"
    }
    assert found == set(SAMPLES)


def _summary(record: Record) -> tuple[str, str | None, int | None, str | None, str | None]:
    return (
        (record.title or "")[:40],
        record.authors[0] if record.authors else None,
        record.year,
        record.doi,
        record.pmid,
    )


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_reads_with_provenance_count(shared: Path, name: str) -> None:
    path = shared / "samples" / name
    source = open_source(path)
    reader = detect(source)
    records = list(reader.parse(source.lines(), str(path)))
    expected_reader, (first, last) = SAMPLES[name]
    assert reader.name == expected_reader
    assert len(records) == provenance_count(shared, name)
    assert _summary(records[0]) == first
    assert _summary(records[-1]) == last
    assert all(record.raw for record in records)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_imports_into_review(shared: Path, review: Review, name: str) -> None:
    summary = import_file(review, shared / "samples" / name)
    count = provenance_count(shared, name)
    assert summary.n_records == count
    stored = review.db.execute(
        "SELECT count(*) FROM records WHERE search_id = ?", [summary.search_id]
    ).fetchone()[0]
    assert stored == count


def test_embase_ris_ids(shared: Path) -> None:
    path = shared / "samples" / "ris_embase" / "asreview_embase.ris"
    source = open_source(path)
    records = list(detect(source).parse(source.lines(), str(path)))
    assert records[0].accessions == {"embase": "L373791783"}
    assert records[1].pmid == "15368318"  # Embase puts the PMID in C5
    assert records[0].raw["DB"] == "Embase"
    assert records[0].publication_types == ["Article"]


def test_cochrane_ris_cross_references(shared: Path) -> None:
    path = shared / "samples" / "ris_cochrane" / "cff_baseline_cochrane_refman.ris"
    source = open_source(path)
    records = list(detect(source).parse(source.lines(), str(path)))
    assert records[1].accessions == {
        "central": "CN-02677909",
        "pubmed_xref": "38407106",
        "embase_xref": "643589775",
    }
    assert records[1].pages == "1279-1297"  # U+2010 hyphen
    assert detect(source).origin(source.head()) == ("CENTRAL", "Cochrane Library")


def test_wos_and_scopus_accessions(shared: Path) -> None:
    wos = shared / "samples" / "wos_plaintext" / "synthesisr_WoS_txt_example.txt"
    source = open_source(wos)
    records = list(detect(source).parse(source.lines(), str(wos)))
    assert records[0].accessions == {"wos": "WOS:000514379300001"}
    assert records[-1].accessions == {}  # a MEDLINE: accession becomes the PMID
    scopus = shared / "samples" / "ris_scopus" / "synthesisr_Scopus_ris_example.ris"
    source = open_source(scopus)
    records = list(detect(source).parse(source.lines(), str(scopus)))
    assert records[0].accessions == {"scopus": "2-s2.0-85079532227"}


def test_medline_agrees_with_biopython(shared: Path) -> None:
    from Bio import Medline

    for path in sorted((shared / "samples" / "medline").glob("*.txt")):
        source = open_source(path)
        ours = list(detect(source).parse(source.lines(), str(path)))
        with path.open(encoding="utf-8-sig") as handle:
            theirs = list(Medline.parse(handle))
        assert [r.pmid for r in ours] == [t["PMID"] for t in theirs]
        assert [r.raw.get("FAU") for r in ours] == [
            (t["FAU"][0] if len(t["FAU"]) == 1 else t["FAU"]) if "FAU" in t else None
            for t in theirs
        ]
        assert [re.sub(r"\s+", " ", r.title or "") for r in ours] == [t["TI"] for t in theirs]


def test_ris_agrees_with_rispy(shared: Path) -> None:
    import rispy

    paths = sorted((shared / "samples").glob("ris_*/*.ris"))
    assert len(paths) == 7
    for path in paths:
        source = open_source(path)
        ours = list(detect(source).parse(source.lines(), str(path)))
        theirs = rispy.load(path, encoding="utf-8-sig", enforce_list_tags=False)
        assert len(ours) == len(theirs), path.name
        titles = [t.get("title") or t.get("primary_title") for t in theirs]
        assert [r.title for r in ours] == [" ".join(t.split()) if t else None for t in titles]
