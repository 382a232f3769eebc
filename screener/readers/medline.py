"""PubMed MEDLINE text (.nbib "Citation manager" / .txt "PubMed format"), and ERIC's variant.

Grammar: a tag in columns 1-4 (space-padded), ``-``, a space, the value; continuation lines
start with spaces; records are separated by blank lines. Repeated tags stay lists in ``raw``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import islice

from screener import normalize
from screener.errors import InputError
from screener.readers import Origin, Reader
from screener.readers.fields import (
    Raw,
    authors,
    finish,
    issn,
    language,
    unique,
    values,
)
from screener.record import Record

_TAG = re.compile(r"([A-Z][A-Z0-9]{1,3}) *- ?")
# A field's first line: a tag as _TAG reads it, and a hyphen in column 5; split() on it gives
# ["", tag, value, tag, value, ...] for "\n" + a record's text.
_FIELD = re.compile(r"\n(?=.{4}-)([A-Z][A-Z0-9]{1,3}) *- ?")
# A record: a run of lines holding something other than white space, each ending in "\n".
_RECORD = re.compile(r"(?:[^\n]*\S[^\n]*\n)+")
_CHUNK_LINES = 20_000
_SO_DOI = re.compile(r"doi:\s*(10\.\S+?)\.?(?:\s|$)")


def sniff(head: str) -> bool:
    text = head.lstrip("\ufeff \n")
    return text.startswith("PMID-") or bool(re.match(r"OWN - ", text))


def origin(head: str) -> Origin:
    if re.search(r"^OWN - ERIC", head, re.M) and not re.search(r"^PMID-", head, re.M):
        return ("ERIC", None)
    return ("PubMed", "PubMed")


def parse(lines: Iterable[str], source: str) -> Iterator[Record]:
    return _parse(lines, _CHUNK_LINES, source)


def parse_blocks(blocks: Iterable[str], source: str) -> Iterator[Record]:
    """:func:`parse` given the text in pieces that end at line ends (``SourceFile.blocks``)."""
    return _parse(blocks, 1, source)


def _parse(pieces: Iterable[str], per_chunk: int, source: str) -> Iterator[Record]:
    # Hot loop (100k-record files): text comes in chunks (lines joined in C, or pieces of a
    # megabyte), one regex finds the records (runs of non-blank lines) in a chunk and another
    # splits a record into fields, so Python only touches each record and field, never a line.
    pieces = iter(pieces)
    count = 0
    line = 1  # the line number of text[0]
    closed = True  # every record so far ends with the SO line PubMed writes last
    held: tuple[Raw, int, int] | None = None  # the latest record: (raw, number, line)
    carry = ""  # a record that may go on in the next chunk
    while True:
        chunk = "".join(islice(pieces, per_chunk))
        last = not chunk
        if chunk and chunk[-1] != "\n":
            chunk += "\n"  # only the file's last line may lack its line end
        text = carry + chunk
        done = 0  # where text was counted up to
        end = 0  # where the last complete record ended
        for match in _RECORD.finditer(text):
            begin, end = match.span()
            if end == len(text) and not last:
                end = begin  # it may go on: wait for the next chunk
                break
            line += text.count("\n", done, begin)  # the blank lines before the record
            done = end
            count += 1
            raw, lines = _fields(match.group(), source, line)
            if held is not None:  # not the last record: yield it
                closed = closed and "SO" in held[0]
                yield build(held[0], source, held[1], held[2])
            held = (raw, count, line)
            line += lines
        if last:
            if held is not None:
                _check_last(held, closed, source)
                yield build(held[0], source, held[1], held[2])
            return
        line += text.count("\n", done, end)
        carry = text[end:]


def _check_last(held: tuple[Raw, int, int], closed: bool, source: str) -> None:
    """Refuse a file cut inside its last record (it lacks the SO line every other one has)."""
    raw, count, start = held
    if closed and count > 1 and "SO" not in raw:
        raise InputError(
            f"{source}, record {count} (line {start}, PMID {_one(raw, 'PMID') or '?'}) ends "
            "without the SO line that closes every other record: the file was cut short "
            "(records after it are missing too), so nothing was imported.",
            hint="Download the export again; the search's record count must be complete.",
        )


def _fields(text: str, source: str, start: int) -> tuple[Raw, int]:
    """One record's lines -> (raw, how many lines it has); continuation lines are joined with
    one space. The lines are counted from the fields (counting line ends in C would cost as
    much as the rest of the record's reading): one per field, one per PubMed wrap, and the odd
    lines that are neither (their line ends stay in the values)."""
    if text.startswith("TY  -"):
        raise InputError(
            f"{source}, line {start}: a RIS record ('TY  - ') among MEDLINE records: "
            "this file mixes formats.",
            hint="Import each export as its own file (one search, one format per file).",
        )
    if text[4:5] != "-" or not _TAG.match(text):
        first_line = text.split("\n", 1)[0]
        if first_line[:1].isspace():
            raise InputError(f"{source}, line {start}: an indented line before any MEDLINE field.")
        raise InputError(
            f"{source}, line {start}: {first_line.strip()[:40]!r} is not a MEDLINE field "
            "(expected a tag such as 'PMID- ')."
        )
    # PubMed's continuation lines start with 6 spaces: merge those in C; a line is a new field
    # when a tag ends in its column 5 (``_FIELD``), any other line continues the value.
    merged = text.replace("\n      ", " ")
    parts = _FIELD.split("\n" + merged)
    # the record ends with a line end, which the last value keeps: lines = fields + wraps +
    # the line ends left in the values - that last one
    lines = len(parts) // 2 + (len(text) - len(merged)) // 6 - 1
    raw: Raw = {}
    get = raw.get
    for tag, value in zip(parts[1::2], parts[2::2], strict=True):
        if "\n" in value:
            lines += value.count("\n")
            value = value.strip()
            if "\n" in value:  # a line that is neither a field nor one of PubMed's wraps
                value = " ".join([p for p in (p.strip() for p in value.split("\n")) if p])
        else:
            value = value.strip()
        if "  " in value:
            value = " ".join(value.split())
        existing = get(tag)
        if existing is None:
            raw[tag] = value
        elif isinstance(existing, str):
            raw[tag] = [existing, value]
        else:
            existing.append(value)
    return raw, lines


def _doi(raw: Raw) -> str | None:
    for tag in ("AID", "LID"):
        value = raw.get(tag)
        for item in () if value is None else (value,) if type(value) is str else value:
            text = item.strip()
            if text.endswith("[doi]"):
                found = normalize.doi(text[:-5])
                if found:
                    return found
    for value in values(raw, "SO"):
        match = _SO_DOI.search(value)
        if match:
            return normalize.doi(match.group(1))
    return None


def _one(raw: Raw, tag: str) -> str | None:
    """The (first) value of a tag; the parser already collapsed its whitespace."""
    value = raw.get(tag)
    if not value:
        return None
    return (value if type(value) is str else value[0]) or None


def _all(raw: Raw, tag: str) -> list[str]:
    value = raw.get(tag)
    if not value:
        return []
    return [value] if type(value) is str else list(filter(None, value))


def build(raw: Raw, source: str, count: int, line: int) -> Record:
    if "PMID" not in raw and "TI" not in raw and "BTI" not in raw:
        raise InputError(
            f"{source}, record {count} (line {line}) has neither a PMID nor a title: "
            "the file looks truncated or is not MEDLINE text."
        )
    # Hot path (once per record): single values read inline (what _one does), lists via _all.
    get = raw.get
    # AU is PubMed's own "Surname AB" form (what normalize.author makes of FAU): use it as is.
    names = _all(raw, "AU") or authors(_all(raw, "FAU"))
    if "CN" in raw:
        names += _all(raw, "CN")
    keywords = _all(raw, "MH")
    if "*" in "".join(keywords):  # major topics are starred: *Myositis
        keywords = [k.lstrip("*") for k in keywords]
    if "OT" in raw:
        keywords += _all(raw, "OT")
    one: dict[str, str] = {}
    for tag in _SINGLE:
        value = get(tag)
        if value:
            value = value if type(value) is str else value[0]
            if value:
                one[tag] = value
    first = one.get
    pmc = first("PMC")
    record = Record(
        title=first("TI") or first("BTI"),
        abstract=first("AB"),
        authors=names,
        year=normalize.year(first("DP")),
        journal=first("JT"),
        journal_abbrev=first("TA"),
        volume=first("VI"),
        issue=first("IP"),
        pages=normalize.pages(first("PG")),
        doi=_doi(raw),
        pmid=first("PMID"),
        pmcid=pmc.split()[0] if pmc else None,
        issn=issn(first("IS")),
        language=language(first("LA")),
        publication_types=unique(_all(raw, "PT")),
        keywords=unique(keywords),
        raw=raw,
    )
    if first("OWN") == "ERIC":
        eric = first("OID")
        if eric:
            record.accessions["eric"] = eric
    return finish(record)


# The tags build() reads one value of (the first when repeated).
_SINGLE: tuple[str, ...] = ("TI", "BTI", "AB", "DP", "JT", "TA", "VI", "IP", "PG", "PMID", "PMC")
_SINGLE += ("IS", "LA", "OWN", "OID")


READER = Reader("medline", "PubMed MEDLINE text", sniff, parse, origin, parse_blocks)
