"""Property: whatever text a reader is fed (random, or a real export mangled line by line),
it yields Records or raises a ScreenerError subclass, never anything else."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screener.errors import ScreenerError
from screener.readers.detect import REGISTRY, detect
from screener.readers.source import open_source

DATA = Path(__file__).parent / "data" / "readers"
SEEDS = {
    "medline": DATA / "medline_bom_crlf.nbib",
    "ris": DATA / "cochrane_headers.ris",
    "ovid": DATA / "ovid_native_spaces.txt",
    "csv": DATA / "embase_preamble.csv",
    "cnki-refer": DATA / "cnki_refer_gb18030.txt",
    "cnki-refworks": DATA / "cnki_refworks.txt",
    "noteexpress": DATA / "cnki_noteexpress_cr.net",
    "cnki-estudy": DATA / "cnki_estudy.txt",
}
INLINE = {
    "pubmed-xml": (
        '<?xml version="1.0"?>\n<PubmedArticleSet>\n<PubmedArticle>\n<MedlineCitation>\n'
        "<PMID>12</PMID>\n<Article>\n<Journal><JournalIssue><PubDate><Year>2001</Year>"
        "</PubDate></JournalIssue><Title>J</Title></Journal>\n"
        "<ArticleTitle>A <i>title</i></ArticleTitle>\n<AuthorList><Author><LastName>Li"
        "</LastName><Initials>M</Initials></Author></AuthorList>\n</Article>\n"
        '</MedlineCitation>\n<PubmedData><ArticleIdList><ArticleId IdType="doi">10.1/x'
        "</ArticleId></ArticleIdList></PubmedData>\n</PubmedArticle>\n</PubmedArticleSet>\n"
    ),
    "endnote-xml": (
        '<?xml version="1.0"?>\n<xml><records><record><ref-type name="Journal Article">17'
        "</ref-type>\n<contributors><authors><author>Li, M.</author></authors></contributors>\n"
        "<titles><title>T</title></titles><accession-num>123</accession-num>\n"
        "<dates><year>2001</year></dates></record></records></xml>\n"
    ),
    "wos": (
        "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nAU Li, W\n   Dou, Z\n"
        "TI A title\n   continued\nPY 2020\nDI 10.1/x\nUT WOS:0001\nER\n\nEF\n"
    ),
}


def seed_lines(name: str) -> list[str]:
    if name in INLINE:
        return INLINE[name].splitlines(keepends=True)
    source = open_source(SEEDS[name])
    return list(source.lines())


READER_NAMES = sorted(r.name for r in REGISTRY)
LINE = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


@st.composite
def mangled(draw: st.DrawFn) -> tuple[str, list[str]]:
    name = draw(st.sampled_from(READER_NAMES))
    lines = seed_lines(name)
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["drop", "dup", "insert", "cut", "swap"]))
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "insert":
            lines.insert(i, draw(LINE) + "\n")
        elif op == "cut":
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
        else:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
    if draw(st.booleans()):
        lines = lines[: draw(st.integers(0, len(lines)))]  # truncated export
    return name, lines


def consume(name: str, lines: list[str]) -> None:
    reader = next(r for r in REGISTRY if r.name == name)
    try:
        for record in reader.parse(iter(lines), "mangled.txt"):
            assert isinstance(record.raw, dict)
    except ScreenerError:
        pass


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mangled())
def test_mangled_exports_raise_only_screener_errors(case: tuple[str, list[str]]) -> None:
    consume(*case)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(READER_NAMES), st.lists(LINE, max_size=12))
def test_random_text_raises_only_screener_errors(name: str, lines: list[str]) -> None:
    consume(name, [line + "\n" for line in lines])


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=300))
def test_random_bytes_through_the_whole_reading_path(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "random.bin"
    path.write_bytes(data)
    try:
        source = open_source(path)
        reader = detect(source)
        for _ in reader.parse(source.lines(), str(path)):
            pass
    except ScreenerError:
        pass
