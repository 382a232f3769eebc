"""CNKI EndNote export (Refer tagged text): ``%0 Journal Article`` ... ``%W CNKI``.

A record runs from one ``%0`` to the next (blank lines may sit inside values); untagged lines
continue the previous field. Tags are ``%`` + one character; the space after it may be missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from screener.readers import Reader
from screener.readers.cnki import origin, tagged
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
    return tagged(
        lines,
        source,
        _field,
        start="%0",
        opener="'%0' record",
        needs=("%T", "%A"),
        neither="a title (%T) nor authors (%A)",
        mapping=MAPPING,
    )


def _field(text: str) -> tuple[str, str] | None:
    match = _TAG.match(text)
    return (f"%{match.group(1)}", match.group(2)) if match else None


READER = Reader("cnki-refer", "CNKI EndNote (Refer)", sniff, parse, origin)
