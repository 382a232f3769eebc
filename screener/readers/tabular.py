"""CSV exports: Cochrane CENTRAL, Embase.com (with its query preamble), Scopus, and generic
ASReview-style tables (title, abstract, authors, keywords, doi, label_included, ...).

The header row is found, not assumed (Embase puts a ``"SEARCH QUERY"`` preamble first). Each
flavour is a column map declared below; every column, label columns included, stays in ``raw``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, islice

from screener import normalize
from screener.errors import InputError
from screener.readers import Origin, Reader
from screener.readers.fields import (
    authors,
    clean,
    finish,
    issn,
    language,
    pages,
    split_authors,
    unique,
)
from screener.record import Record

FIELD_LIMIT = 1 << 24  # abstracts and reference lists can exceed csv's 128 KiB default

_TITLES = {"title", "article title", "document title", "primary_title", "ti", "titles"}


@dataclass(frozen=True)
class Flavour:
    name: str
    database: str | None
    interface: str | None
    marker: str  # a lower-cased column only this flavour has ("" = generic)
    columns: dict[str, tuple[str, ...]]  # field -> candidate columns (lower-cased)


_GENERIC = {
    "title": ("title", "article title", "document title", "primary_title", "ti"),
    "abstract": ("abstract", "notes_abstract", "ab", "abstract note"),
    "authors": ("authors", "author", "author(s)", "author names", "au", "first_authors"),
    "year": ("year", "publication year", "py", "pubyear", "date"),
    "journal": ("journal", "source title", "secondary_title", "journal/book", "so", "source"),
    "journal_abbrev": ("journal_abbrev", "abbreviated source title", "j9", "ji"),
    "volume": ("volume", "vl"),
    "issue": ("issue", "number", "is"),
    "pages": ("pages", "page", "pg"),
    "page_start": ("page start", "start page", "first page", "bp"),
    "page_end": ("page end", "end page", "last page", "ep"),
    "doi": ("doi", "di"),
    "pmid": ("pmid", "pubmed id", "medline pmid", "pm"),
    "issn": ("issn", "sn", "isbn/issn"),
    "language": ("language", "language of original document", "language of article", "la"),
    "types": ("publication type", "document type", "type_of_reference", "dt", "publication_type"),
    "keywords": ("keywords", "author keywords", "index keywords", "de", "mesh terms"),
    "url": ("url", "link", "urls"),
}

FLAVOURS = (
    Flavour(
        "cochrane",
        "CENTRAL",
        "Cochrane Library",
        "central id",
        {
            **_GENERIC,
            "authors": ("author(s)",),
            "journal": ("source",),
            "accession": ("central id",),
        },
    ),
    Flavour(
        "embase",
        "Embase",
        "Embase.com",
        "author names",
        {
            **_GENERIC,
            "authors": ("author names",),
            "journal": ("source title",),
            "citation": ("source",),
            "accession": ("embase accession id",),
            "keywords": (
                "emtree drug index terms (major focus)",
                "emtree medical index terms (major focus)",
                "emtree drug index terms",
                "emtree medical index terms",
                "keywords",
                "author keywords",
            ),
            "url": ("embase link", "open url link"),
        },
    ),
    Flavour(
        "scopus",
        "Scopus",
        "Scopus",
        "eid",
        {**_GENERIC, "journal": ("source title",), "accession": ("eid",)},
    ),
    Flavour(
        "wos",
        "Web of Science",
        "Web of Science",
        "ut",
        {**_GENERIC, "authors": ("af", "au"), "journal": ("so",), "accession": ("ut",)},
    ),
    Flavour("generic", None, None, "", _GENERIC),
)

# Embase: "Endoscopic Ultrasound (2014) 3:3 (152-160). Date of Publication: 2014"
_EMBASE_SOURCE = re.compile(
    r"^(?P<journal>.+?)\s+\((?P<year>\d{4})\)\s*(?P<volume>[^:\s(]+)?(?::(?P<issue>[^\s(]+))?"
    r"\s*(?:\((?P<pages>[^)]*)\))?"
)
_ACCESSION_KEYS = {"cochrane": "central", "embase": "embase", "scopus": "scopus", "wos": "wos"}


def _delimiter(lines: list[str]) -> str:
    """Tab for tab-delimited exports (WoS "Tab delimited file"), else comma."""
    for line in lines:
        cells = line.rstrip("\n").split("\t")
        if len(cells) >= 2 and any(c.strip().strip('"').lower() in _TITLES for c in cells):
            return "\t"
    return ","


def _header_index(rows: list[list[str]]) -> int | None:
    for index, row in enumerate(rows):
        if any(cell.strip().lower() in _TITLES for cell in row):
            return index
    return None


def sniff(head: str) -> bool:
    lines = [line for line in head.lstrip("\ufeff").splitlines()[:12] if line.strip()]
    if not lines:
        return False
    try:
        rows = list(csv.reader(lines, delimiter=_delimiter(lines)))
    except csv.Error:
        return False
    index = _header_index(rows)
    return index is not None and len(rows[index]) >= 2


def _flavour(header: list[str]) -> Flavour:
    lowered = {h.strip().lower() for h in header}
    for flavour in FLAVOURS:
        if flavour.marker and flavour.marker in lowered:
            return flavour
    return FLAVOURS[-1]


def origin(head: str) -> Origin:
    lines = [line for line in head.lstrip("\ufeff").splitlines()[:12] if line.strip()]
    try:
        rows = list(csv.reader(lines, delimiter=_delimiter(lines)))
    except csv.Error:
        return (None, None)
    index = _header_index(rows)
    if index is None:
        return (None, None)
    flavour = _flavour(rows[index])
    return (flavour.database, flavour.interface)


def parse(lines: Iterable[str], source: str) -> Iterator[Record]:
    if csv.field_size_limit() < FIELD_LIMIT:
        csv.field_size_limit(FIELD_LIMIT)
    stream = iter(lines)
    start = list(islice(stream, 50))
    delimiter = _delimiter(start)
    rows = chain(start, stream)
    if delimiter == "\t":  # WoS tab-delimited exports never quote: a " is text
        reader = csv.reader(rows, delimiter="\t", quoting=csv.QUOTE_NONE)
    else:
        reader = csv.reader(rows)
    quoted = delimiter != "\t"
    header: list[str] | None = None
    count = 0
    ended = 0  # the physical line the previous row ended on
    try:
        for row in reader:
            began, ended = ended + 1, reader.line_num
            if header is None:
                if reader.line_num > 50:
                    break
                if _header_index([row]) == 0:
                    header = _unique_names([h.strip().lstrip("\ufeff") for h in row])
                    flavour = _flavour(header)
                    where = {h.lower(): i for i, h in reversed(list(enumerate(header)))}
                continue
            if not any(cell.strip() for cell in row):
                continue
            count += 1
            if len(row) != len(header):
                _check_width(row, len(header), source, began, ended, quoted)
            raw = {name: (row[i] if i < len(row) else "") for i, name in enumerate(header)}
            yield build(raw, flavour, where)
    except csv.Error as exc:
        raise InputError(f"{source}, line {reader.line_num}: broken CSV ({exc}).") from None
    if header is None:
        raise InputError(f"{source} has no header row with a Title column in its first 50 lines.")


def _unique_names(header: list[str]) -> list[str]:
    """The header with a repeated name numbered ("Notes", "Notes (2)"), so that no column's
    cells are lost and every name keeps its column's place."""
    seen: dict[str, int] = {}
    names = []
    for name in header:
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name} ({seen[name]})".strip())
    return names


def _check_width(
    row: list[str], width: int, source: str, began: int, ended: int, quoted: bool
) -> None:
    """A row with more or fewer cells than the header: fine when the extra cells are empty
    (exports that end every row with a delimiter) or it is simply short; an error when a quote
    is unbalanced (the row swallowed the lines after it, or a cell holds a stray quote) or the
    extra cells hold text (they would be lost)."""
    where = f"line {began}" if began == ended else f"lines {began}-{ended}"
    if quoted and (began != ended or any('"' in cell for cell in row)):
        raise InputError(
            f"{source}, {where}: a quote is unbalanced (this row has {len(row)} cells where the "
            f"header has {width}), so the rows after it would be read as one cell.",
            hint='Fix the quote in the file (a " inside a cell is written "").',
        )
    extra = [cell.strip() for cell in row[width:] if cell.strip()]
    if extra:
        raise InputError(
            f"{source}, {where}: the row has {len(row)} cells but the header has {width}, and "
            f"the extra cells hold text ({extra[0][:40]!r}) that belongs to no column.",
            hint="Check that the header names every column of the export.",
        )


def build(raw: dict[str, str], flavour: Flavour, where: dict[str, int]) -> Record:
    names = list(raw)

    def cells(field: str) -> list[str]:
        found = []
        for column in flavour.columns.get(field, ()):
            index = where.get(column)
            if index is not None:
                value = clean(raw[names[index]])
                if value:
                    found.append(value)
        return found

    def one(field: str) -> str | None:
        found = cells(field)
        return found[0] if found else None

    journal, year, volume, issue, page = (
        one("journal"),
        one("year"),
        one("volume"),
        one("issue"),
        one("pages"),
    )
    citation = one("citation")
    match = _EMBASE_SOURCE.match(citation) if citation else None
    if match:
        journal = journal or match.group("journal")
        year = year or match.group("year")
        volume = volume or match.group("volume")
        issue = issue or match.group("issue")
        page = page or match.group("pages")
    doi = normalize.doi(one("doi"))
    if not doi:
        for url in cells("url"):
            found = re.search(r"doi[:=/]\s*(10\.[^&\s]+)", url.replace("%2F", "/"))
            if found:
                doi = normalize.doi(found.group(1))
                break
    keywords = [k for cell in cells("keywords") for k in re.split(r"[;,]\s*", cell)]
    record = Record(
        title=one("title"),
        abstract=one("abstract"),
        authors=authors(split_authors(one("authors"))),
        year=normalize.year(year),
        journal=journal,
        journal_abbrev=one("journal_abbrev"),
        volume=volume,
        issue=issue,
        pages=pages(page or one("page_start"), one("page_end") if not page else None),
        doi=doi,
        pmid=next((p for p in map(normalize.pmid, cells("pmid")) if p), None),
        issn=issn(one("issn")),
        language=language(one("language")),
        publication_types=unique(t for cell in cells("types") for t in cell.split(";")),
        keywords=unique(re.sub(r"\s*\([^)]*\)$", "", k) for k in keywords),
        url=one("url"),
        raw=dict(raw),
    )
    accession = one("accession")
    if accession and flavour.name in _ACCESSION_KEYS:
        record.accessions[_ACCESSION_KEYS[flavour.name]] = accession
    if flavour.name == "cochrane":
        for column, key in (("embase id", "embase_xref"), ("ctgov id", "ctgov")):
            index = where.get(column)
            value = clean(raw[names[index]]) if index is not None else None
            if value:
                record.accessions[key] = value
        if record.pmid:
            record.accessions["pubmed_xref"] = record.pmid
    return finish(record)


READER = Reader("csv", "CSV table", sniff, parse, origin)
