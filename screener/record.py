"""The bibliographic record as every reader yields it and the database stores it.

The raw record (every field as read, for audit and re-export) is stored as JSON in
``records.raw``, without repeating the title and abstract: a raw field whose value is the
record's title or abstract is kept in place as ``null`` and named in a header, so the stored
text is ``[{"TI": "title", "AB": "abstract"}, {"PMID": "1", "TI": null, "AB": null, ...}]``.
Older reviews hold the whole record as a JSON object. Read it, either way, with
:func:`raw_fields`, never by parsing the column.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Columns of the ``records`` table that hold JSON lists / dicts.
JSON_LIST_FIELDS = ("authors", "authors_translated", "publication_types", "keywords")
JSON_DICT_FIELDS = ("accessions", "raw")
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


def pack_raw(
    raw: dict[str, Any], title: str | None, abstract: str | None, encode: Any = _ENCODE
) -> str:
    """The raw record as stored in ``records.raw`` (see the module docstring)."""
    if not raw:
        return "{}"
    refs: dict[str, str] = {}
    if title or abstract:
        for key, value in raw.items():
            if abstract and value == abstract:
                refs[key] = "abstract"
            elif title and value == title:
                refs[key] = "title"
    if not refs:
        return str(encode(raw))
    slim = raw.copy()
    for key in refs:
        slim[key] = None
    return str(encode([refs, slim]))


def raw_fields(row: Mapping[str, Any]) -> dict[str, Any]:
    """The raw record of a ``records`` row (a mapping with its ``raw``, ``title`` and
    ``abstract`` columns), whole and in the export's field order; ``{}`` when there is none."""
    stored = row["raw"]
    if not stored:
        return {}
    value = json.loads(stored)
    if isinstance(value, dict):  # the whole record (reviews written before slimming)
        return value
    refs, fields = value
    for key, column in refs.items():
        fields[key] = row[column]
    return dict(fields)


@dataclass(slots=True)
class Record:
    """One exported record, normalised. Unknown values stay ``None`` (never guessed)."""

    title: str | None = None
    title_translated: str | None = None
    abstract: str | None = None
    authors: list[str] = field(default_factory=list)  # "Surname AB" or a full CJK name
    authors_translated: list[str] = field(default_factory=list)
    year: int | None = None
    journal: str | None = None
    journal_abbrev: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None  # expanded: "1493-1498"
    doi: str | None = None  # normalised: lower-case, no URL prefix
    pmid: str | None = None
    pmcid: str | None = None
    # other ids by kind: {"embase": "L2029880245", "central": "CN-00778158", "wos": ...,
    # "scopus": "2-s2.0-...", "cnki": ..., "pui": ..., "pubmed_xref": "21314913"}
    accessions: dict[str, str] = field(default_factory=dict)
    issn: str | None = None
    language: str | None = None  # ISO 639-2 style: "eng", "chi", ...
    publication_types: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    url: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)  # the parsed record as read, for audit

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Record:
        """Rebuild a record from a ``records`` row (extra columns ignored)."""
        values: dict[str, Any] = {}
        for name in cls.__dataclass_fields__:
            value = row.get(name)
            if name in JSON_LIST_FIELDS:
                value = json.loads(value) if value else []
            elif name == "raw":
                value = raw_fields(row)
            elif name in JSON_DICT_FIELDS:
                value = json.loads(value) if value else {}
            values[name] = value
        return cls(**values)
