"""NoteExpress (.net) as exported by CNKI and Wanfang: ``{Reference Type}: Journal Article``.

Fields are ``{Name}: value``; other lines continue the previous field. ``(#br)`` is a line
break; list separators are ``;`` (Chinese records) and ``;;`` (both).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from screener.readers import Reader
from screener.readers.cnki import origin, tagged
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
    return tagged(
        lines,
        source,
        _field,
        start="Reference Type",
        opener="'{Reference Type}' field",
        needs=("Title", "Author"),
        neither="a {Title} nor an {Author}",
        mapping=MAPPING,
    )


def _field(text: str) -> tuple[str, str] | None:
    match = _FIELD.match(text)
    return (match.group(1), match.group(2)) if match else None


READER = Reader("noteexpress", "NoteExpress (CNKI/Wanfang)", sniff, parse, origin)
