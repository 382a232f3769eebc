"""Web of Science plain text / .ciw: ``FN``, ``VR``, then ``PT``...``ER`` records, ``EF``.

Tag = two characters and a space; continuation lines are indented three spaces and are one
item each for the list tags (``AU``, ``AF``, ``CR``, ``C1``...), else part of the same text.
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
    pages,
    to_raw,
    unique,
    values,
)
from screener.record import Record

_TAG = re.compile(r"^([A-Z][A-Z0-9]) (.*)$|^([A-Z][A-Z0-9])$")
_LIST_TAGS = {"AU", "AF", "CR", "C1", "BA", "BF", "ED", "CA", "GP", "C3", "RI", "OI"}


def sniff(head: str) -> bool:
    text = head.lstrip("\ufeff \n")
    return (text.startswith("FN ") and bool(re.search(r"^VR \d", text, re.M))) or (
        text.startswith("PT ") and bool(re.search(r"^UT WOS:", text, re.M))
    )


def origin(head: str) -> Origin:
    return ("Web of Science", "Web of Science")


def parse(lines: Iterable[str], source: str) -> Iterator[Record]:
    pairs: list[tuple[str, str]] | None = None
    start = 0
    count = 0
    for number, line in enumerate(lines, 1):
        text = line.rstrip("\n").rstrip()
        if not text.strip():
            continue
        match = _TAG.match(text) if not text[0].isspace() else None
        if match:
            tag = match.group(1) or match.group(3)
            value = (match.group(2) or "").strip()
            if tag in ("FN", "VR", "EF") and pairs is None:
                continue
            if tag == "PT" and pairs is not None:
                raise InputError(
                    f"{source}, record {count + 1} (line {start}) is not closed by 'ER' "
                    f"before the next record starts on line {number}."
                )
            if tag == "PT":
                pairs, start = [], number
            if pairs is None:
                raise InputError(f"{source}, line {number}: field {tag} outside a record.")
            if tag == "ER":
                count += 1
                yield build(to_raw(pairs), source, count, start)
                pairs = None
                continue
            pairs.append((tag, value))
        elif pairs:
            tag, value = pairs[-1]
            if tag in _LIST_TAGS:
                pairs.append((tag, text.strip()))
            else:
                pairs[-1] = (tag, f"{value} {text.strip()}".strip())
    if pairs is not None:
        raise InputError(
            f"{source}, record {count + 1} (line {start}) has no closing 'ER' line: "
            "the file looks truncated."
        )


def _split(raw: Raw, *tags: str) -> list[str]:
    return [p.strip() for v in values(raw, *tags) for p in v.split(";") if p.strip()]


def build(raw: Raw, source: str, count: int, line: int) -> Record:
    ut = first(raw, "UT")
    record = Record(
        title=first(raw, "TI"),
        abstract=first(raw, "AB"),
        authors=authors(values(raw, "AF") or values(raw, "AU")),
        year=normalize.year(first(raw, "PY", "PD", "EA")),
        journal=first(raw, "SO"),
        journal_abbrev=first(raw, "JI", "J9"),
        volume=first(raw, "VL"),
        issue=first(raw, "IS"),
        pages=pages(first(raw, "BP"), first(raw, "EP")) or first(raw, "AR"),
        doi=normalize.doi(first(raw, "DI")),
        pmid=first(raw, "PM"),
        issn=issn(first(raw, "SN", "EI")),
        language=language(first(raw, "LA")),
        publication_types=unique(_split(raw, "DT")),
        keywords=unique(_split(raw, "DE", "ID")),
        raw=raw,
    )
    if ut and ut.upper().startswith("WOS:"):
        record.accessions["wos"] = ut
    elif ut and ut.upper().startswith("MEDLINE:"):
        record.pmid = record.pmid or ut.split(":", 1)[1]
    return finish(record)


READER = Reader("wos", "Web of Science plain text", sniff, parse, origin)
