"""EndNote XML (``<xml><records><record>``): EndNote's and Covidence's exchange format."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from screener import normalize
from screener.readers import Origin, Reader
from screener.readers.fields import (
    accession_kind,
    authors,
    clean,
    digits,
    finish,
    issn,
    language,
    pages,
    split_authors,
    unique,
)
from screener.readers.xmlsafe import elements, text
from screener.record import Record

_FIELDS = (
    "rec-number",
    "ref-type",
    "titles/title",
    "titles/secondary-title",
    "titles/alt-title",
    "titles/translated-title",
    "periodical/full-title",
    "periodical/abbr-1",
    "pages",
    "volume",
    "number",
    "dates/year",
    "dates/pub-dates/date",
    "isbn",
    "accession-num",
    "electronic-resource-num",
    "abstract",
    "language",
    "remote-database-name",
    "remote-database-provider",
    "work-type",
    "label",
    "caption",
    "notes",
    "custom1",
    "custom2",
    "custom3",
    "auth-address",
)


def sniff(head: str) -> bool:
    start = head[:3000]
    return "<records>" in start and "<record>" in start and "<ref-type" in head


def origin(head: str) -> Origin:
    return (None, None)  # a reference-manager library: its records come from many databases


def parse(lines: Iterable[str], source: str) -> Iterator[Record]:
    for element in elements(lines, source, ("record",)):
        yield build(element)


def _all(element: Any, path: str) -> list[str]:
    return [t for t in (text(n) for n in element.iterfind(path)) if t]


def build(element: Any) -> Record:
    raw: dict[str, Any] = {}
    for path in _FIELDS:
        found = _all(element, path)
        if found:
            raw[path] = found[0] if len(found) == 1 else found
    names = _all(element, "contributors/authors/author")
    raw["authors"] = names
    keywords = _all(element, "keywords/keyword")
    if keywords:
        raw["keywords"] = keywords
    urls = _all(element, "urls//url")
    if urls:
        raw["urls"] = urls
    ref_type = element.find("ref-type")

    def one(path: str) -> str | None:
        value = raw.get(path)
        return clean(value if isinstance(value, str) else value[0] if value else None)

    accession = one("accession-num")
    provider = " ".join(
        filter(None, (one("remote-database-name"), one("remote-database-provider")))
    )
    record = Record(
        title=one("titles/title"),
        title_translated=one("titles/translated-title"),
        abstract=one("abstract"),
        authors=authors(a for n in names for a in (split_authors(n) if ";" in n else [n])),
        year=normalize.year(one("dates/year") or one("dates/pub-dates/date")),
        journal=one("periodical/full-title") or one("titles/secondary-title"),
        journal_abbrev=one("periodical/abbr-1") or one("titles/alt-title"),
        volume=one("volume"),
        issue=one("number"),
        pages=pages(one("pages")),
        doi=normalize.doi(one("electronic-resource-num")),
        issn=issn(one("isbn")),
        language=language(one("language")),
        publication_types=unique(
            filter(None, [ref_type.get("name") if ref_type is not None else None, one("work-type")])
        ),
        keywords=unique(k.lstrip("*") for k in keywords),
        url=urls[0] if urls else None,
        raw=raw,
    )
    kind = accession_kind(accession)
    if accession and kind:
        record.accessions[kind] = accession
    elif accession:
        lowered = provider.lower()
        if digits(accession) and (not lowered or re.search(r"nlm|pubmed|medline", lowered)):
            record.pmid = accession
        elif re.fullmatch(r"L?\d{6,}", accession) and "embase" in lowered:
            record.accessions["embase"] = accession if accession[0] == "L" else f"L{accession}"
        else:
            record.accessions["endnote_accession"] = accession
    return finish(record)


READER = Reader("endnote-xml", "EndNote XML", sniff, parse, origin)
