"""NoteExpress (.net) as exported by CNKI and Wanfang: ``{Reference Type}: Journal Article``.

Fields are ``{Name}: value``; other lines continue the previous field. ``(#br)`` is a line
break; list separators are ``;`` (Chinese records) and ``;;`` (both).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from screener.errors import InputError
from screener.readers import Reader
from screener.readers.cnki import build, join, origin
from screener.readers.fields import to_raw
from screener.record import Record

_FIELD = re.compile(r"^\{([^{}]{1,40})\}:\s?(.*)$")
MAPPING: dict[str, tuple[str, ...]] = {
    "type": ("Reference Type",),
    "title": ("Title",),
    "title_translated": ("Translated Title",),
    "authors": ("Author",),
    "authors_translated": ("Translated Author",),
    "journal": ("Journal", "Secondary Title"),
    "year": ("Year",),
    "date": ("Date",),
    "volume": ("Volume",),
    "issue": ("Issue",),
    "pages": ("Pages",),
    "keywords": ("Keywords",),
    "keywords_translated": ("Translated Keywords",),
    "abstract": ("Abstract",),
    "issn": ("ISBN/ISSN",),
    "doi": ("DOI",),
    "url": ("URL",),
    "language": ("Language",),
    "database": ("Database Provider",),
    "cn": ("Notes",),
}


def sniff(head: str) -> bool:
    return head.lstrip("\ufeff \n").startswith("{Reference Type}:")


def parse(lines: Iterable[str], source: str) -> Iterator[Record]:
    fields: list[tuple[str, list[str]]] | None = None
    start = 0
    count = 0
    for number, line in enumerate(lines, 1):
        text = line.rstrip("\n")
        match = _FIELD.match(text)
        if match and match.group(1) == "Reference Type":
            if fields:
                count += 1
                yield _record(fields, source, count, start)
            fields, start = [], number
        if not text.strip():
            continue
        if fields is None:
            raise InputError(
                f"{source}, line {number}: text before the first '{{Reference Type}}' field."
            )
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
            f"{source}, record {count} (line {line}) has neither a {{Title}} nor an {{Author}}."
        )
    return build(raw, MAPPING)


READER = Reader("noteexpress", "NoteExpress (CNKI/Wanfang)", sniff, parse, origin)
