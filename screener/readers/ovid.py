"""Ovid native tagged text (Citavi .ovd / EndNote .cgi "Complete Reference" exports).

Records start at ``<n. >``; fields are ``XX  - value`` (tags of 2-5 characters, sometimes with
leading spaces), continuation lines are indented. ``SO`` is a free-text citation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from screener import normalize
from screener.errors import InputError
from screener.readers import Origin, Reader
from screener.readers.fields import (
    Raw,
    authors,
    finish,
    first,
    issn,
    language,
    to_raw,
    unique,
    values,
)
from screener.readers.ris_sources import _database_name
from screener.record import Record

_HEAD = re.compile(r"^\s*<\d+\.\s*>\s*$")
_TAG = re.compile(r"^\s{0,8}([A-Z][A-Z0-9]{1,4})\s{1,3}-(?:\s(.*)|$)")
# "Forest Ecology & Management. 201(2-3):327-334, November 15, 2004."
_SO = re.compile(
    r"^(?P<journal>.+?)\.\s+(?P<volume>[\w-]+)?\s*(?:\((?P<issue>[^)]*)\))?\s*"
    r"(?::\s*(?P<pages>[\w+\-–]+))?"
)


def sniff(head: str) -> bool:
    lines = [line for line in head.lstrip("\ufeff").splitlines() if line.strip()][:3]
    return bool(lines) and bool(_HEAD.match(lines[0])) and any("VN" in x for x in lines[1:])


def origin(head: str) -> Origin:
    match = re.search(r"^\s*DB\s+-\s?(.+)$", head, re.M)
    return (_database_name(match.group(1).strip()) if match else None, "Ovid")


def parse(lines: Iterable[str], source: str) -> Iterator[Record]:
    pairs: list[tuple[str, str]] | None = None
    start = 0
    count = 0
    for number, line in enumerate(lines, 1):
        text = line.rstrip()
        if _HEAD.match(text):
            if pairs:
                count += 1
                yield build(to_raw(pairs), source, count, start)
            pairs, start = [], number
            continue
        if not text.strip():
            continue
        if pairs is None:
            raise InputError(f"{source}, line {number}: text before the first '<1. >' record head.")
        match = _TAG.match(text)
        if match:
            pairs.append((match.group(1), (match.group(2) or "").strip()))
        elif pairs:
            tag, value = pairs[-1]
            pairs[-1] = (tag, f"{value} {text.strip()}".strip())
    if pairs:
        count += 1
        yield build(to_raw(pairs), source, count, start)


def build(raw: Raw, source: str, count: int, line: int) -> Record:
    if not values(raw, "TI", "AU", "AB"):
        raise InputError(
            f"{source}, record {count} (line {line}) has no title, authors or abstract: "
            "the file looks truncated."
        )
    citation = first(raw, "SO") or ""
    match = _SO.match(citation)
    database = (_database_name(first(raw, "DB")) or "").lower()
    accession = first(raw, "UI", "AN")
    record = Record(
        title=first(raw, "TI"),
        abstract=first(raw, "AB"),
        authors=authors(values(raw, "AU")),
        year=normalize.year(first(raw, "YR", "DP", "YP") or citation),
        journal=first(raw, "JN", "JT") or (match.group("journal") if match else None),
        journal_abbrev=first(raw, "JA"),
        volume=first(raw, "VO", "VI") or (match.group("volume") if match else None),
        issue=first(raw, "IP") or (match.group("issue") if match else None),
        pages=normalize.pages(first(raw, "PG") or (match.group("pages") if match else None)),
        doi=next((d for d in map(normalize.doi, values(raw, "DO", "DI")) if d), None),
        issn=issn(first(raw, "IS")),
        language=language(first(raw, "LG", "LA")),
        publication_types=unique(values(raw, "PT")),
        keywords=unique(k.lstrip("*") for k in values(raw, "MH", "KW", "ST", "ID")),
        url=first(raw, "XL", "UR"),
        raw=raw,
    )
    pmid = first(raw, "PM")
    if pmid and pmid.isdigit():
        record.pmid = pmid
    if accession:
        if database.startswith("embase"):
            record.accessions["embase"] = accession if accession[0] == "L" else f"L{accession}"
        elif database.startswith("medline") and accession.isdigit():
            record.pmid = record.pmid or accession
        else:
            record.accessions["ovid"] = accession
    return finish(record)


READER = Reader("ovid", "Ovid tagged text", sniff, parse, origin)
