"""CNKI E-Study (知网研学) export: records open with ``DataType: 1``; keys are bilingual
(``Title-题名: ...``, ``Author-作者: a;b;``, ``Summary-摘要: ...``)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from screener.errors import InputError
from screener.readers import Reader
from screener.readers.cnki import build, join, origin
from screener.readers.fields import to_raw
from screener.record import Record

_FIELD = re.compile(
    r"^(DataType|[A-Za-z]+(?=-[^:：]{1,12}[:：]))(?:-[^:：]{1,12})?\s*[:：]\s?(.*)$"
)
MAPPING: dict[str, tuple[str, ...]] = {
    "type": ("SrcDatabase",),
    "title": ("Title",),
    "authors": ("Author",),
    "journal": ("Source",),
    "year": ("Year",),
    "date": ("PubTime",),
    "volume": ("Roll",),
    "issue": ("Period",),
    "pages": ("Page",),
    "keywords": ("Keyword",),
    "abstract": ("Summary",),
    "issn": ("ISSN",),
    "doi": ("DOI",),
    "url": ("Link",),
    "language": ("Language",),
    "cn": ("CN",),
}


def sniff(head: str) -> bool:
    return bool(re.match(r"DataType\s*[:：]", head.lstrip("\ufeff \n")))


def parse(lines: Iterable[str], source: str) -> Iterator[Record]:
    fields: list[tuple[str, list[str]]] | None = None
    start = 0
    count = 0
    for number, line in enumerate(lines, 1):
        text = line.rstrip("\n")
        match = _FIELD.match(text)
        if match and match.group(1) == "DataType":
            if fields:
                count += 1
                yield _record(fields, source, count, start)
            fields, start = [], number
        if not text.strip():
            continue
        if fields is None:
            raise InputError(f"{source}, line {number}: text before the first 'DataType:' line.")
        if match:
            fields.append((match.group(1), [match.group(2)]))
        elif fields:
            fields[-1][1].append(text)
    if fields:
        count += 1
        yield _record(fields, source, count, start)


def _record(fields: list[tuple[str, list[str]]], source: str, count: int, line: int) -> Record:
    raw = to_raw((name, join(parts)) for name, parts in fields)
    if "Title" not in raw and "Author" not in raw:
        raise InputError(
            f"{source}, record {count} (line {line}) has neither a Title nor an Author."
        )
    return build(raw, MAPPING)


READER = Reader("cnki-estudy", "CNKI E-Study", sniff, parse, origin)
