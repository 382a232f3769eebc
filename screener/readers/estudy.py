"""CNKI E-Study (知网研学) export: records open with ``DataType: 1``; keys are bilingual
(``Title-题名: ...``, ``Author-作者: a;b;``, ``Summary-摘要: ...``)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from screener.readers import Reader
from screener.readers.cnki import origin, tagged
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
    return tagged(
        lines,
        source,
        _field,
        start="DataType",
        opener="'DataType:' line",
        needs=("Title", "Author"),
        neither="a Title nor an Author",
        mapping=MAPPING,
    )


def _field(text: str) -> tuple[str, str] | None:
    match = _FIELD.match(text)
    return (match.group(1), match.group(2)) if match else None


READER = Reader("cnki-estudy", "CNKI E-Study", sniff, parse, origin)
