"""CNKI RefWorks export: ``RT Journal Article`` ... ``DS CNKI`` (lower-case ``vo`` for volume).

Tags are two characters and a space, from a known set (so an abstract line beginning with
"In 2020 ..." is not mistaken for a tag); other lines continue the previous field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from screener.readers import Reader
from screener.readers.cnki import origin, tagged
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
    return tagged(
        lines,
        source,
        _field,
        start="RT",
        opener="'RT' record",
        needs=("T1", "A1"),
        neither="a title (T1) nor authors (A1)",
        mapping=MAPPING,
    )


def _field(text: str) -> tuple[str, str] | None:
    """A known tag (upper-cased: CNKI writes ``vo``) and its value; None for other lines."""
    match = _TAG.match(text)
    if not match:
        return None
    tag = (match.group(1) or match.group(3)).upper()
    return (tag, match.group(2) or "") if tag in TAGS else None


READER = Reader("cnki-refworks", "CNKI RefWorks", sniff, parse, origin)
