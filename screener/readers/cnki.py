"""What the four CNKI export formats share: separators, Chinese fields, one record builder.

Each format module reads its lines with ``tagged``, mapping its own tags onto the canonical
names below for ``build``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from screener import normalize
from screener.errors import InputError
from screener.readers import Origin
from screener.readers.fields import (
    Raw,
    authors,
    clean,
    finish,
    issn,
    language,
    pages,
    to_raw,
    unique,
    values,
)
from screener.record import Record

# Canonical field names used by ``build``.
FIELDS = (
    "type",
    "title",
    "title_translated",
    "authors",
    "authors_translated",
    "journal",
    "year",
    "date",
    "volume",
    "issue",
    "pages",
    "keywords",
    "keywords_translated",
    "abstract",
    "issn",
    "doi",
    "url",
    "language",
    "database",
    "cn",
)


def origin(head: str) -> Origin:
    if "万方" in head or "wanfang" in head.lower():
        return ("Wanfang", "Wanfang Data")
    return ("CNKI", "CNKI")


_CLOSING = frozenset(",;:.!?)]，。；：！？）、")


def _wide(char: str) -> bool:
    """A CJK character or CJK/full-width punctuation: no space is written next to it."""
    return normalize.has_cjk(char) or "\u3000" <= char <= "\u303f" or "\uff00" <= char <= "\uffef"


def join(parts: list[str]) -> str:
    """Continuation lines joined: no space between CJK characters, one otherwise."""
    out = ""
    for part in parts:
        piece = part.strip()
        if not piece:
            continue
        if out and not (_wide(out[-1]) and _wide(piece[0])) and piece[0] not in _CLOSING:
            out += " "
        out += piece
    return out


def names(value_list: list[str]) -> list[str]:
    """Authors from one or many values, split on ``;;`` ``;`` ``；`` ``，`` (and commas)."""
    out: list[str] = []
    for value in value_list:
        out.extend(normalize.split_list(value))
    return out


def pinyin_author(name: str) -> str:
    """A romanised Chinese name as CNKI writes it, surname first: ``Zhang Xiao-ming`` ->
    ``Zhang XM``; ``Surname, Given`` and CJK names go through the usual rule."""
    text = clean(name) or ""
    if not text or "," in text or normalize.has_cjk(text):
        return normalize.author(text) if text else ""
    surname, _, given = text.partition(" ")
    initials = "".join(p[0].upper() for p in re.split(r"[\s\-.]+", given) if p)
    return f"{surname} {initials}".strip()


def build(raw: Raw, mapping: dict[str, tuple[str, ...]]) -> Record:
    """A Record from a CNKI raw record; ``mapping`` gives the tags of each canonical field."""

    def get(field: str) -> list[str]:
        return values(raw, *mapping.get(field, ()))

    def one(field: str) -> str | None:
        found = get(field)
        return clean(found[0]) if found else None

    abstract = one("abstract")
    if abstract:
        abstract = re.sub(r"^(?:Abstract|摘要)\s*\(#br\)", "", abstract)
        abstract = clean(abstract.replace("(#br)", " ").removeprefix("<正>"))
    issue = one("issue")
    if issue and issue.isdigit():
        issue = issue.lstrip("0") or issue
    doi_value = one("doi")
    record = Record(
        title=one("title"),
        title_translated=one("title_translated"),
        abstract=abstract,
        authors=authors(names(get("authors"))),
        authors_translated=[a for a in map(pinyin_author, names(get("authors_translated"))) if a],
        year=normalize.year(one("year")) or normalize.year(one("date")),
        journal=one("journal"),
        volume=one("volume"),
        issue=issue,
        pages=pages(one("pages")),
        doi=normalize.doi(doi_value),
        issn=issn(one("issn")),
        language=language(one("language")),
        publication_types=unique(get("type")),
        keywords=unique(names(get("keywords")) + names(get("keywords_translated"))),
        url=one("url"),
        raw=raw,
    )
    cn = one("cn")
    if cn and re.fullmatch(r"\d{2}-\d{4}/[A-Z0-9]+", cn):
        record.accessions["cn_serial"] = cn
    if record.url:
        match = re.search(r"[?&]filename=([^&]+)", record.url, re.I)
        if match:
            record.accessions["cnki"] = match.group(1)
    return finish(record)


def tagged(
    lines: Iterable[str],
    source: str,
    field: Callable[[str], tuple[str, str] | None],
    *,
    start: str,
    opener: str,
    needs: tuple[str, str],
    neither: str,
    mapping: dict[str, tuple[str, ...]],
) -> Iterator[Record]:
    """The records of a tagged export, each built by ``build`` with ``mapping``.

    ``field`` gives a tagged line's ``(tag, value)``, else None. Text before the first record
    is an InputError naming ``opener`` ("'%0' record"); so is a record holding neither tag of
    ``needs`` (title, author), the message saying it "has neither {neither}.".
    """
    for count, (fields, line) in enumerate(_groups(lines, source, field, start, opener), 1):
        raw = to_raw((tag, join(parts)) for tag, parts in fields)
        if needs[0] not in raw and needs[1] not in raw:
            raise InputError(f"{source}, record {count} (line {line}) has neither {neither}.")
        yield build(raw, mapping)


def _groups(
    lines: Iterable[str],
    source: str,
    field: Callable[[str], tuple[str, str] | None],
    start: str,
    opener: str,
) -> Iterator[tuple[list[tuple[str, list[str]]], int]]:
    """Each record's ``(tag, lines)`` fields and first line number: a ``start`` tag opens a
    record, an untagged line continues the previous field, blank lines are skipped."""
    fields: list[tuple[str, list[str]]] | None = None
    first_line = 0
    for number, line in enumerate(lines, 1):
        text = line.rstrip("\n")
        found = field(text)
        if found and found[0] == start:
            if fields:
                yield fields, first_line
            fields, first_line = [], number
        if not text.strip():
            continue
        if fields is None:
            raise InputError(f"{source}, line {number}: text before the first {opener}.")
        if found:
            fields.append((found[0], [found[1]]))
        elif fields:
            fields[-1][1].append(text)
    if fields:
        yield fields, first_line
