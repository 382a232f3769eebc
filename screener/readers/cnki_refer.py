"""CNKI EndNote export (Refer tagged text): ``%0 Journal Article`` ... ``%W CNKI``.

A record runs from one ``%0`` to the next (blank lines may sit inside values); untagged lines
continue the previous field. Tags are ``%`` + one character; the space after it may be missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from screener.errors import InputError
from screener.readers import Reader
from screener.readers.cnki import build, join, origin
from screener.readers.fields import to_raw
from screener.record import Record

_TAG = re.compile(r"^%([0-9A-Za-z@+~?!#$&()*\-^])(?: ?)(.*)$")
MAPPING: dict[str, tuple[str, ...]] = {
    "type": ("%0",),
    "title": ("%T",),
    "authors": ("%A",),
    "journal": ("%J", "%B"),
    "year": ("%D",),
    "date": ("%8",),
    "volume": ("%V",),
    "issue": ("%N",),
    "pages": ("%P",),
    "keywords": ("%K",),
    "abstract": ("%X",),
    "issn": ("%@",),
    "doi": ("%R",),
    "url": ("%U",),
    "language": ("%G",),
    "database": ("%W",),
    "cn": ("%L",),
}


def sniff(head: str) -> bool:
    text = head.lstrip("\ufeff \n")
    return text.startswith("%0 ") and bool(re.search(r"^%[ATJDW] ", text, re.M))


def parse(lines: Iterable[str], source: str) -> Iterator[Record]:
    fields: list[tuple[str, list[str]]] | None = None
    start = 0
    count = 0
    for number, line in enumerate(lines, 1):
        text = line.rstrip("\n")
        match = _TAG.match(text)
        if match and match.group(1) == "0":
            if fields:
                count += 1
                yield _record(fields, source, count, start)
            fields, start = [], number
        if not text.strip():
            continue
        if fields is None:
            raise InputError(f"{source}, line {number}: text before the first '%0' record.")
        if match:
            fields.append((f"%{match.group(1)}", [match.group(2)]))
        elif fields:
            fields[-1][1].append(text)
    if fields:
        count += 1
        yield _record(fields, source, count, start)


def _record(fields: list[tuple[str, list[str]]], source: str, count: int, line: int) -> Record:
    raw = to_raw((tag, join(parts)) for tag, parts in fields)
    if "%T" not in raw and "%A" not in raw:
        raise InputError(
            f"{source}, record {count} (line {line}) has neither a title (%T) nor authors (%A)."
        )
    return build(raw, MAPPING)


READER = Reader("cnki-refer", "CNKI EndNote (Refer)", sniff, parse, origin)
