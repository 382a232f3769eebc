"""The bibliographic record as every reader yields it and the database stores it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

# Columns of the ``records`` table that hold JSON lists / dicts.
JSON_LIST_FIELDS = ("authors", "authors_translated", "publication_types", "keywords")
JSON_DICT_FIELDS = ("accessions", "raw")


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
            elif name in JSON_DICT_FIELDS:
                value = json.loads(value) if value else {}
            values[name] = value
        return cls(**values)
