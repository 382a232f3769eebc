"""CNKI RefWorks export: ``RT Journal Article`` ... ``DS CNKI`` (lower-case ``vo`` for volume).

Tags are two characters and a space, from a known set (so an abstract line beginning with
"In 2020 ..." is not mistaken for a tag); other lines continue the previous field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from screener.errors import InputError
from screener.readers import Reader
from screener.readers.cnki import build, join, origin
from screener.readers.fields import to_raw
from screener.record import Record

TAGS = frozenset(
    [
        "RT",
        "SR",
        "A1",
        "A2",
        "A3",
        "A4",
        "A5",
        "A6",
        "AD",
        "T1",
        "T2",
        "T3",
        "ST",
        "OT",
        "JF",
        "JO",
        "YR",
        "FD",
        "VO",
        "IS",
        "SP",
        "OP",
        "K1",
        "AB",
        "NO",
        "SN",
        "DS",
        "LK",
        "DO",
        "CL",
        "DB",
        "PB",
        "PP",
        "ED",
        "UL",
        "LA",
        "WT",
        "WV",
        "ID",
        "U1",
        "U2",
        "U3",
        "U4",
        "U5",
        "AV",
        "CN",
        "IP",
        "RD",
        "SF",
    ]
)
MAPPING: dict[str, tuple[str, ...]] = {
    "type": ("RT",),
    "title": ("T1",),
    "title_translated": ("OT", "T2"),
    "authors": ("A1",),
    "journal": ("JF", "JO"),
    "year": ("YR",),
    "date": ("FD",),
    "volume": ("VO",),
    "issue": ("IS",),
    "pages": ("OP", "SP"),
    "keywords": ("K1",),
    "abstract": ("AB",),
    "issn": ("SN",),
    "doi": ("DO",),
    "url": ("LK", "UL"),
    "language": ("LA",),
    "database": ("DS",),
    "cn": ("CN", "CL"),
}
_TAG = re.compile(r"^([A-Za-z][A-Za-z0-9]) (.*)$|^([A-Za-z][A-Za-z0-9])$")


def sniff(head: str) -> bool:
    text = head.lstrip("\ufeff \n")
    return text.startswith("RT ") and bool(re.search(r"^(?:A1|T1|DS) ", text, re.M))


def parse(lines: Iterable[str], source: str) -> Iterator[Record]:
    fields: list[tuple[str, list[str]]] | None = None
    start = 0
    count = 0
    for number, line in enumerate(lines, 1):
        text = line.rstrip("\n")
        match = _TAG.match(text)
        tag = (match.group(1) or match.group(3)).upper() if match else None
        if tag not in TAGS:
            tag = None
        if tag == "RT":
            if fields:
                count += 1
                yield _record(fields, source, count, start)
            fields, start = [], number
        if not text.strip():
            continue
        if fields is None:
            raise InputError(f"{source}, line {number}: text before the first 'RT' record.")
        if tag and match:
            fields.append((tag, [match.group(2) or ""]))
        elif fields:
            fields[-1][1].append(text)
    if fields:
        count += 1
        yield _record(fields, source, count, start)


def _record(fields: list[tuple[str, list[str]]], source: str, count: int, line: int) -> Record:
    raw = to_raw((tag, join(parts)) for tag, parts in fields)
    if "T1" not in raw and "A1" not in raw:
        raise InputError(
            f"{source}, record {count} (line {line}) has neither a title (T1) nor authors (A1)."
        )
    return build(raw, MAPPING)


READER = Reader("cnki-refworks", "CNKI RefWorks", sniff, parse, origin)
