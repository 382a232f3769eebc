"""Edge cases of each export family, on small fixtures written for this project
(tests/data/readers/): BOM, CRLF, bare CR, GB18030, Cochrane and Ovid headers, Embase's CSV
preamble, CNKI separators, translated titles, labels kept for ranking."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener.errors import InputError
from screener.readers.detect import REGISTRY, by_name, detect, sniff
from screener.readers.source import open_source
from screener.record import Record

DATA = Path(__file__).parent / "data" / "readers"


def read(name: str, fmt: str | None = None) -> tuple[str, str, list[Record]]:
    source = open_source(DATA / name)
    reader = detect(source, fmt)
    return reader.name, source.encoding, list(reader.parse(source.lines(), name))


def test_medline_bom_crlf_no_final_newline() -> None:
    fmt, encoding, records = read("medline_bom_crlf.nbib")
    assert (fmt, encoding, len(records)) == ("medline", "utf-8-sig", 2)
    first, second = records
    assert first.pmid == "31000001"
    assert (
        first.title
        == "Tacrolimus for refractory polymyositis: a cohort study of forty-one patients."
    )
    assert first.doi == "10.1093/rheumatology/kez001"  # the [doi] LID, not the [pii] one
    assert first.authors == ["Oddis CV", "Garcia-de la Torre I", "Myositis Study Group"]
    assert (first.year, first.volume, first.issue, first.pages) == (2019, "58", "4", "711-719")
    assert (first.journal, first.journal_abbrev) == (
        "Rheumatology (Oxford, England)",
        "Rheumatology (Oxford)",
    )
    assert first.issn == "1462-0332"
    assert first.pmcid == "PMC6400001"
    assert first.publication_types == ["Journal Article", "Multicenter Study"]
    assert first.keywords == ["Tacrolimus/therapeutic use", "Humans", "myositis"]
    assert first.raw["LID"] == ["S1462-0324(19)30001-2 [pii]", "10.1093/Rheumatology/KEZ001 [doi]"]
    assert first.raw["ZZZ"] == "an unknown tag kept in raw"
    assert second.doi == "10.1000/xyz.2"
    assert second.authors == ["李明"]
    assert second.language == "chi"


def test_cochrane_record_headers_and_wide_separator() -> None:
    fmt, _, records = read("cochrane_headers.ris")
    assert fmt == "ris" and len(records) == 2
    first, second = records
    assert first.title == "Tacrolimus in refractory dermatomyositis: a randomised trial"
    assert first.authors == ["Ge Y", "Zhou H"]
    assert first.pages == "2097-2103"
    assert first.doi == "10.1007/s10067-015-3001-0"
    assert first.pmid == "26150185"
    assert first.accessions == {
        "central": "CN-01234567",
        "pubmed_xref": "26150185",
        "embase_xref": "605812345",
    }
    assert second.pmid is None
    assert second.accessions == {"central": "CN-07654321", "embase_xref": "41093228"}
    assert second.pages == "2439-2446"


def test_ovid_ris_headers_and_trailing_links() -> None:
    source = open_source(DATA / "ovid_headers.ris")
    reader = detect(source)
    assert reader.origin(source.head()) == ("Embase", "Ovid")
    records = list(reader.parse(source.lines(), "ovid_headers.ris"))
    assert [r.title for r in records] == [
        "Tacrolimus for myositis-associated interstitial lung disease.",
        "A second record.",
    ]
    assert records[0].doi == "10.1093/rheumatology/keu010"
    assert records[0].pages is None  # "No" + "Specified"
    assert records[0].accessions == {"embase": "L2015123456"}
    assert records[1].pages == "10-18"
    assert records[0].language == "eng"


def test_ovid_native_leading_spaces_crlf() -> None:
    fmt, _, records = read("ovid_native_spaces.txt")
    assert fmt == "ovid" and len(records) == 1
    record = records[0]
    assert record.authors == ["Ge Y", "Wang G"]
    assert record.abstract == "A cohort of patients with rapidly progressive disease."
    assert (record.journal, record.volume, record.issue, record.pages) == (
        "Clinical Rheumatology",
        "34",
        "12",
        "2097-2103",
    )
    assert record.accessions == {"embase": "L621381829"}
    assert record.raw["SCORE"] == "*****"


def test_embase_csv_preamble() -> None:
    source = open_source(DATA / "embase_preamble.csv")
    reader = detect(source)
    assert reader.name == "csv"
    assert reader.origin(source.head()) == ("Embase", "Embase.com")
    records = list(reader.parse(source.lines(), "embase_preamble.csv"))
    assert len(records) == 2
    first = records[0]
    assert first.title == "Tacrolimus in dermatomyositis: a case series"
    assert first.authors == ["Yang Z", "Wang L"]
    assert (first.year, first.journal, first.pages) == (2019, "Lupus", "301-305")
    assert (first.pmid, first.doi) == ("30700000", "10.1177/0961203318822370")
    assert first.accessions == {"embase": "L2001234567"}
    assert records[1].language == "chi"


def test_generic_csv_keeps_label_columns() -> None:
    fmt, _, records = read("asreview_labels.csv")
    assert fmt == "csv"
    assert records[0].raw["label_included"] == "1"
    assert records[1].raw["label_included"] == "0"
    assert records[0].raw["record_id"] == "7"
    assert records[0].authors == ["Liu R", "Adler DG"]
    assert records[0].doi == "10.1000/abc.1"
    assert records[0].keywords == ["tacrolimus", "myositis"]


def test_csv_header_naming_a_column_twice_keeps_both_and_every_place() -> None:
    """Found by the property test: a repeated (or twice empty) header name shifted every later
    column by one (IndexError); now the repeat is numbered and each column keeps its cells."""
    from screener.readers import tabular

    lines = [
        "Title,Notes,,,Notes,Year,DOI\n",
        "Tacrolimus in myositis,first,,,second,2019,10.1177/abc\n",
    ]
    (record,) = tabular.parse(iter(lines), "twice.csv")
    assert (record.title, record.year, record.doi) == (
        "Tacrolimus in myositis",
        2019,
        "10.1177/abc",
    )
    assert (record.raw["Notes"], record.raw["Notes (2)"]) == ("first", "second")
    assert list(record.raw) == ["Title", "Notes", "", "(2)", "Notes (2)", "Year", "DOI"]


def test_cnki_refer_gb18030_with_crammed_separators() -> None:
    fmt, encoding, records = read("cnki_refer_gb18030.txt")
    assert (fmt, encoding, len(records)) == ("cnki-refer", "gb18030", 2)
    first = records[0]
    assert first.title == "他克莫司治疗难治性皮肌炎的临床观察"
    assert first.authors == ["葛燕", "周华", "王军"]  # ；and ，in one %A
    assert first.keywords == ["他克莫司", "皮肌炎", "多发性肌炎"]  # %K without a space, ;; and ；
    assert first.abstract == "目的：观察他克莫司的疗效。方法：回顾性分析。"
    assert (first.year, first.volume, first.issue, first.pages) == (2015, "19", "3", "170-174+180")
    assert first.doi == "10.3760/cma.j.issn.1007-7480.2015.03.007"
    assert first.accessions == {"cn_serial": "11-3786/R"}
    assert first.language == "chi"
    assert records[1].publication_types == ["Thesis"]


def test_noteexpress_bare_cr_translations_and_separators() -> None:
    fmt, _, records = read("cnki_noteexpress_cr.net")
    assert fmt == "noteexpress" and len(records) == 2
    first, second = records
    assert first.title == "他克莫司联合糖皮质激素治疗皮肌炎"
    assert first.title_translated == "Tacrolimus combined with glucocorticoids for dermatomyositis"
    assert first.authors == ["张三", "李四", "王五"]
    assert first.authors_translated == ["Zhang S", "Li S", "Wang W"]
    assert first.keywords == ["他克莫司", "皮肌炎", "糖皮质激素"]
    assert first.abstract == "目的:评价疗效。 结果:有效。"
    assert first.raw["Author Address"] == "武汉大学人民医院,湖北武汉430060,湖北省人民医院"
    assert first.raw["Custom Tag"] == "kept in raw"
    assert (first.issue, first.issn) == ("5", "1001-5213")
    assert second.authors == ["Smith A", "Jones B"]
    assert second.abstract == "We describe ten children."
    assert second.language == "eng"


def test_cnki_refworks_lower_case_volume_and_comma_authors() -> None:
    fmt, _, records = read("cnki_refworks.txt")
    assert fmt == "cnki-refworks" and len(records) == 2
    first = records[0]
    assert first.authors == ["颜宏", "石德成", "王静"]
    assert (first.volume, first.issue, first.pages) == ("28", "6", "501-505")
    assert first.abstract == "目的：研究作用。 In 2012 we also measured strength."
    assert first.accessions == {"cnki": "ZMXZ201206005"}
    assert first.raw["AD"] == "东北师范大学!长春130024"
    assert records[1].publication_types == ["Dissertation/Thesis"]


def test_cnki_estudy_year_from_pubtime() -> None:
    fmt, _, records = read("cnki_estudy.txt")
    assert fmt == "cnki-estudy" and len(records) == 2
    first = records[0]
    assert first.year == 2021  # Year empty, PubTime 2021-01-15
    assert first.abstract == "抗合成酶综合征是一种自身免疫病。"  # <正> dropped
    assert first.authors == ["柯洪琴", "陈璿英", "王启斌"]
    assert (first.volume, first.issue, first.pages) == ("36", "1", "45-48")
    assert records[1].year == 2020


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("bad_empty.ris", "is empty"),
        ("bad_binary.ris", "is a binary file"),
        ("bad_unknown.txt", "is not in a format screener can read"),
        ("bad_truncated.ris", "record 2 (line 6) has no closing 'ER  -' line"),
        ("bad_broken.xml", "line 5: broken XML"),
        ("bad_bomb.xml", "line 3 declares an XML entity"),
        ("bad_xxe.xml", "line 2 declares an XML entity"),
        ("bad_encoding.ris", "is not valid UTF-8 or GB18030 text (first bad byte on line 2)"),
    ],
)
def test_bad_input_names_file_and_place(name: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        read(name)
    assert name in caught.value.message
    assert message in caught.value.message


def test_format_override_and_unknown_format() -> None:
    assert read("cochrane_headers.ris", fmt="ris")[0] == "ris"
    with pytest.raises(InputError, match="Unknown format 'bibtex'"):
        by_name("bibtex")
    with pytest.raises(InputError, match="not a MEDLINE field"):
        read("cochrane_headers.ris", fmt="medline")


def test_detection_is_by_content_not_extension(tmp_path: Path) -> None:
    copy = tmp_path / "looks_like.ris"
    copy.write_bytes((DATA / "medline_bom_crlf.nbib").read_bytes())
    source = open_source(copy)
    assert detect(source).name == "medline"


def test_registry_names_are_unique_and_each_sniffs_its_fixture() -> None:
    names = [reader.name for reader in REGISTRY]
    assert len(names) == len(set(names))
    heads = {
        "medline": "PMID- 1\nTI  - x\n",
        "ris": "TY  - JOUR\nTI  - x\nER  - \n",
        "pubmed-xml": '<?xml version="1.0"?>\n<PubmedArticleSet>\n',
        "endnote-xml": "<xml><records><record><ref-type name='J'>17</ref-type>",
        "ovid": "<1. >\nVN  - Ovid Technologies\n",
        "wos": "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\n",
        "noteexpress": "{Reference Type}: Journal Article\n{Title}: x\n",
        "cnki-refer": "%0 Journal Article\n%A 张三\n%T x\n",
        "cnki-refworks": "RT Journal Article\nA1 张三\nT1 x\n",
        "cnki-estudy": "DataType: 1\nTitle-题名: x\n",
        "csv": "title,abstract\nx,y\n",
    }
    assert set(heads) == set(names)
    for name, head in heads.items():
        found = sniff(head)
        assert found is not None and found.name == name


def test_ris_vendor_id_mapping() -> None:
    fmt, encoding, records = read("ris_vendors.ris")
    assert (fmt, encoding, len(records)) == ("ris", "utf-8-sig", 4)
    scopus, wos, endnote, cinahl = records
    assert (scopus.pmid, scopus.accessions) == ("33000001", {"scopus": "2-s2.0-85100000001"})
    assert (
        scopus.raw["N1"]
        == "Export Date: 1 May 2024; Cited By: 3 Correspondence Address: Wilson, L.N."
    )
    assert (wos.pmid, wos.accessions) == (None, {"wos": "WOS:000282053100002"})
    assert (endnote.pmid, endnote.keywords) == ("29000003", ["tacrolimus", "myositis", "lung"])
    assert (cinahl.doi, cinahl.accessions, cinahl.year) == (
        "10.1000/cinahl.4",
        {"ebsco": "170000004"},
        2024,
    )


def test_endnote_xml_styles_and_accessions() -> None:
    fmt, _, records = read("endnote_small.xml")
    assert fmt == "endnote-xml" and len(records) == 2
    first, second = records
    assert first.title == "Tacrolimus in refractory myositis"  # nested <style> flattened
    assert (first.pmid, first.doi, first.pages) == (
        "26150185",
        "10.1007/s10067-015-3001-0",
        "2097-2103",
    )
    assert first.raw["caption"] == "Duplicate"
    assert second.accessions == {"wos": "WOS:000123456700001"}
    assert second.pmid is None


def test_wos_plain_text_with_bom() -> None:
    fmt, encoding, records = read("wos_bom.ciw")
    assert (fmt, encoding, len(records)) == ("wos", "utf-8-sig", 1)
    record = records[0]
    assert record.title == "Tacrolimus in interstitial lung disease"
    assert record.authors == ["Li W", "Dou Z"]
    assert (record.pmid, record.doi, record.pages) == ("32000001", "10.1000/wos.1", "100-108")
    assert record.publication_types == ["Article", "Early Access"]
    assert record.raw["ZZ"] == "an unknown tag"


def test_scopus_csv() -> None:
    source = open_source(DATA / "scopus.csv")
    reader = detect(source)
    assert reader.origin(source.head()) == ("Scopus", "Scopus")
    [record] = list(reader.parse(source.lines(), "scopus.csv"))
    assert record.authors == ["Phillips JC", "Braun R"]
    assert (record.pmid, record.pages) == ("31000001", "711-719")
    assert record.accessions == {"scopus": "2-s2.0-85000000001"}
    assert record.keywords == ["tacrolimus", "myositis", "calcineurin"]


def test_pubmed_xml_article_and_book_article(tmp_path: Path) -> None:
    path = tmp_path / "pubmed.xml"
    path.write_text(
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN"'
        ' "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
        "<PubmedArticleSet>\n<PubmedArticle><MedlineCitation><PMID>26150185</PMID><Article>"
        "<Journal><ISSN>0770-3198</ISSN><JournalIssue><Volume>34</Volume><Issue>12</Issue>"
        "<PubDate><Year>2015</Year></PubDate></JournalIssue><Title>Clinical rheumatology</Title>"
        "<ISOAbbreviation>Clin Rheumatol</ISOAbbreviation></Journal>"
        "<ArticleTitle>Tacrolimus in <i>refractory</i> myositis.</ArticleTitle>"
        "<Pagination><MedlinePgn>2097-103</MedlinePgn></Pagination>"
        '<Abstract><AbstractText Label="OBJECTIVE">To test.</AbstractText>'
        '<AbstractText Label="RESULTS">It worked.</AbstractText></Abstract>'
        "<AuthorList><Author><LastName>Ge</LastName><ForeName>Yongpeng</ForeName>"
        "<Initials>Y</Initials></Author><Author><CollectiveName>Myositis Group</CollectiveName>"
        "</Author></AuthorList><Language>eng</Language><PublicationTypeList>"
        "<PublicationType>Journal Article</PublicationType></PublicationTypeList></Article>"
        "</MedlineCitation><PubmedData><ArticleIdList>"
        '<ArticleId IdType="pubmed">26150185</ArticleId>'
        '<ArticleId IdType="doi">10.1007/S10067-015-3001-0</ArticleId>'
        "</ArticleIdList><ReferenceList><Reference><ArticleIdList>"
        '<ArticleId IdType="doi">10.9999/not-this-one</ArticleId>'
        "</ArticleIdList></Reference></ReferenceList></PubmedData></PubmedArticle>\n"
        "<PubmedBookArticle><BookDocument><PMID>20301301</PMID><Book><BookTitle>GeneReviews"
        "</BookTitle><PubDate><Year>1993</Year></PubDate></Book><ArticleTitle>Dermatomyositis"
        "</ArticleTitle><AuthorList><Author><LastName>Adam</LastName><Initials>MP</Initials>"
        "</Author></AuthorList></BookDocument></PubmedBookArticle>\n</PubmedArticleSet>\n",
        encoding="utf-8",
    )
    source = open_source(path)
    reader = detect(source)
    assert reader.name == "pubmed-xml"
    article, book = list(reader.parse(source.lines(), "pubmed.xml"))
    assert article.title == "Tacrolimus in refractory myositis."
    assert article.abstract == "OBJECTIVE: To test. RESULTS: It worked."
    assert article.authors == ["Ge Y", "Myositis Group"]
    assert (article.doi, article.pmid, article.pages) == (
        "10.1007/s10067-015-3001-0",
        "26150185",
        "2097-2103",
    )
    assert (article.journal, article.journal_abbrev, article.issn) == (
        "Clinical rheumatology",
        "Clin Rheumatol",
        "0770-3198",
    )
    assert (book.pmid, book.title, book.year, book.authors) == (
        "20301301",
        "Dermatomyositis",
        1993,
        ["Adam MP"],
    )


def test_latin1_file_is_refused_not_read_as_chinese(tmp_path: Path) -> None:
    path = tmp_path / "cp1252.ris"
    path.write_bytes("TY  - JOUR\nTI  - Müller myositis in Zürich\nER  - \n".encode("cp1252"))
    with pytest.raises(InputError, match="probably Latin-1/Windows-1252") as caught:
        open_source(path)
    assert str(path) in caught.value.message


def test_utf16_with_bom_is_read(tmp_path: Path) -> None:
    path = tmp_path / "utf16.ris"
    path.write_bytes("TY  - JOUR\r\nTI  - Ünïcode title 他克莫司\r\nER  - \r\n".encode("utf-16"))
    fmt, encoding, records = read_path(path)
    assert (fmt, encoding, [r.title for r in records]) == (
        "ris",
        "utf-16",
        ["Ünïcode title 他克莫司"],
    )


def read_path(path: Path) -> tuple[str, str, list[Record]]:
    source = open_source(path)
    reader = detect(source)
    return reader.name, source.encoding, list(reader.parse(source.lines(), str(path)))


def test_wos_tab_delimited() -> None:
    source = open_source(DATA / "wos_tab.txt")
    reader = detect(source)
    assert reader.name == "csv"
    assert reader.origin(source.head()) == ("Web of Science", "Web of Science")
    first, second = list(reader.parse(source.lines(), "wos_tab.txt"))
    assert first.title == 'Tacrolimus "rescue" in myositis'  # quotes are text, not quoting
    assert first.authors == ["Li W", "Dou Z"]
    assert (first.pmid, first.doi, first.pages, first.year) == (
        "32000002",
        "10.1000/wos.tab",
        "100-108",
        2020,
    )
    assert first.accessions == {"wos": "WOS:000500000000002"}
    assert second.accessions == {"wos": "WOS:000500000000003"}
    assert second.publication_types == ["Review"]


def test_ris_pmid_outside_the_vendor_place(tmp_path: Path) -> None:
    path = tmp_path / "exported.ris"
    path.write_text(
        "TY  - JOUR\nTI  - Scopus-linked record\nAU  - Smith, J\n"
        "UR  - https://www.scopus.com/inward/record.uri?eid=2-s2.0-85000000001\n"
        "AN  - 12345\nM2  - PMID: 12345\nER  - \n"
        "TY  - JOUR\nTI  - Zotero record\nAU  - Doe, A\nM2  - PMID: 67890\nER  - \n"
        "TY  - JOUR\nTI  - Cochrane record\nAU  - Roe, B\nAN  - CN-00000001\nER  - \n",
        encoding="utf-8",
    )
    records = read_path(path)[2]
    assert [r.pmid for r in records] == ["12345", "67890", None]
    assert records[0].accessions == {"scopus": "2-s2.0-85000000001"}


def test_concatenated_ris_exports_with_a_bom_in_the_middle(tmp_path: Path) -> None:
    one = (DATA / "ris_vendors.ris").read_bytes()  # starts with a BOM
    path = tmp_path / "both.ris"
    path.write_bytes(one + one)
    titles = [r.title for r in read_path(path)[2]]
    assert len(titles) == 8
    assert titles[4] == titles[0] == "Scopus record with a PMID in C2"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Smith, J. and Doe, A.", ["Smith J", "Doe A"]),
        ("Liu R., Adler D.G.", ["Liu R", "Adler DG"]),
        ("Liu, R; Adler, DG", ["Liu R", "Adler DG"]),
        ("Smith J, Doe A", ["Smith J", "Doe A"]),
        ("Smith, John", ["Smith J"]),
        ("Ann Anderson, Bo Brandt and Cy Chu", ["Anderson A", "Brandt B", "Chu C"]),
        ("谢昕,王小增", ["谢昕", "王小增"]),
    ],
)
def test_author_cells_of_csv_exports(tmp_path: Path, cell: str, expected: list[str]) -> None:
    path = tmp_path / "authors.csv"
    path.write_text(f'title,authors\nA title,"{cell}"\n', encoding="utf-8")
    assert read_path(path)[2][0].authors == expected


def test_cochrane_record_url_is_not_taken_as_the_papers_doi(tmp_path: Path) -> None:
    text = (
        "Record #1 of 1\nProvider: John Wiley & Sons, Ltd.\n"
        'Content: text/plain; charset="UTF-8"\n\n'
        "TY  -  JOUR\nAN  -  CN-01234567\nTI  -  A trial without a DOI\nAU  -  Smith, J\n"
        "PY  -  2012\nUR  -  https://www.cochranelibrary.com/central/doi/10.1002/central/"
        "CN-01234567/full\nER  -  \n"
    )
    path = tmp_path / "central.ris"
    path.write_text(text, encoding="utf-8")
    source = open_source(path)
    (record,) = list(detect(source).parse(source.lines(), path.name))
    assert record.doi is None
    assert record.accessions["central"] == "CN-01234567"


def test_unique_cleans_and_dedupes_like_item_by_item() -> None:
    """fields.unique takes a shortcut for lists that are already clean; any list gives what
    cleaning item by item gives (white space of every kind, empties, repeats)."""
    import random

    from screener.readers.fields import unique

    def by_item(items: list[str]) -> list[str]:
        out: list[str] = []
        for item in items:
            text = " ".join(item.split())
            if text and text not in out:
                out.append(text)
        return out

    rng = random.Random(3)
    pieces = ["a", "B", "mesh", "*", " ", "  ", "\t", "\xa0", "\u3000", "\n", "", "x y"]
    for _ in range(3000):
        items = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 4))) for _ in range(5)]
        items = items[: rng.randint(0, 5)]
        assert unique(items) == by_item(items), items
        assert unique(iter(items)) == by_item(items), items


@pytest.mark.parametrize(
    ("value", "doi"),
    [
        ("10.1000/ABC.1 [doi]", "10.1000/abc.1"),
        ("10.1000/abc.1[doi]", "10.1000/abc.1[doi"),  # as before: ] goes first
        ("https://doi.org/10.1000/X", "10.1000/x"),
        ("doi: 10.1000/x.", "10.1000/x"),
        ("10.1000/x%2Fy", "10.1000/x/y"),
        ("10.no", None),
    ],
)
def test_doi_normalised(value: str, doi: str | None) -> None:
    from screener import normalize

    assert normalize.doi(value) == doi


@pytest.mark.parametrize(
    ("value", "pmid"),
    [
        ("12345678", "12345678"),
        ("0123", "123"),
        ("000", None),
        ("12345678901", "123456789"),
        ("PMID: 42 [pmid]", "42"),
        ("\u00b23", "3"),
    ],
)
def test_pmid_normalised(value: str, pmid: str | None) -> None:
    from screener import normalize

    assert normalize.pmid(value) == pmid
