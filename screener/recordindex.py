"""Find records by stable keys (PMID, DOI, accession, title) rather than by their ids.

Ids are local to one review database; two copies of a review built from the same imports may
number records differently. Keys written by people (``pmid:123``) and records of another copy
of the review are matched here, always to the *canonical* record of a duplicate group.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import sqlite_utils

from screener import normalize
from screener.errors import DataError

KEY_KINDS = ("pmid", "doi", "id", "title", "accession")


class RecordIndex:
    """Look-ups from keys to canonical record ids, built once from a review database."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.rows: dict[int, dict[str, Any]] = {}
        parent: dict[int, int | None] = {}
        for row in db.query(
            "select id, title, year, doi, pmid, accessions, duplicate_of from records"
        ):
            self.rows[row["id"]] = row
            parent[row["id"]] = row["duplicate_of"]
        self.canonical: dict[int, int] = {rid: self._root(rid, parent) for rid in parent}
        self.members: dict[int, list[int]] = defaultdict(list)
        self.by: dict[str, dict[Any, set[int]]] = {
            k: defaultdict(set)
            for k in ("pmid", "doi", "accession", "title", "title_year", "exact_title")
        }
        for rid, row in self.rows.items():
            root = self.canonical[rid]
            self.members[root].append(rid)
            for kind, value in self._keys(row):
                self.by[kind][value].add(root)
            if row["title"]:
                self.by["exact_title"][row["title"].strip()].add(root)

    @staticmethod
    def _root(rid: int, parent: dict[int, int | None]) -> int:
        seen = {rid}
        while (up := parent.get(rid)) is not None and up not in seen:
            seen.add(up)
            rid = up
        return rid

    @staticmethod
    def _keys(row: dict[str, Any]) -> list[tuple[str, Any]]:
        keys: list[tuple[str, Any]] = []
        if pmid := normalize.pmid(row.get("pmid")):
            keys.append(("pmid", pmid))
        if doi := normalize.doi(row.get("doi")):
            keys.append(("doi", doi))
        accessions = row.get("accessions")
        ids = json.loads(accessions) if isinstance(accessions, str) and accessions else {}
        for kind, value in ids.items():
            if value:
                keys.append(("accession", str(value).strip().casefold()))
                if kind == "pubmed_xref" and (xref := normalize.pmid(str(value))):
                    keys.append(("pmid", xref))
        if title := normalize.title_key(row.get("title")):
            keys.append(("title", title))
            if row.get("year") is not None:
                keys.append(("title_year", (title, row["year"])))
        return keys

    def _one(self, found: set[int], what: str) -> int:
        if not found:
            raise DataError(f"no record has {what}")
        if len(found) > 1:
            ids = ", ".join(str(i) for i in sorted(found))
            raise DataError(
                f"{what} matches {len(found)} different records (ids {ids})",
                hint="Use id:N to name one record.",
            )
        return next(iter(found))

    def resolve(self, key: str) -> int:
        """``pmid:123`` / ``doi:..`` / ``id:N`` / ``title:..`` / ``accession:..`` -> canonical id.

        Raises DataError (message without a final full stop) when it matches no record or
        several different canonical records.
        """
        kind, sep, value = key.partition(":")
        kind = kind.strip().lower()
        value = value.strip()
        if not sep or kind not in KEY_KINDS or not value:
            raise DataError(
                f"'{key}' is not a record key",
                hint="Use pmid:NNN, doi:10..., id:N, title:<exact title> or accession:<id>.",
            )
        if kind == "id":
            if not value.isdigit() or int(value) not in self.rows:
                raise DataError(f"no record has id {value}")
            return self.canonical[int(value)]
        if kind == "pmid":
            return self._one(self.by["pmid"].get(normalize.pmid(value), set()), f"PMID {value}")
        if kind == "doi":
            return self._one(self.by["doi"].get(normalize.doi(value), set()), f"DOI {value}")
        if kind == "accession":
            return self._one(
                self.by["accession"].get(value.casefold(), set()), f"accession {value}"
            )
        exact = self.by["exact_title"].get(value, set())
        if exact:
            return self._one(exact, f"the title '{value}'")
        return self._one(
            self.by["title"].get(normalize.title_key(value), set()), f"the title '{value}'"
        )

    def match(self, row: dict[str, Any]) -> int | None:
        """The canonical record matching another review's record row, or None.

        Tried in order: PMID, DOI, accession numbers, normalised title + year; the first kind
        that points at exactly one canonical record wins.
        """
        keys = self._keys(row)
        for kind in ("pmid", "doi", "accession", "title_year"):
            found: set[int] = set()
            for k, value in keys:
                if k == kind:
                    found |= self.by[kind].get(value, set())
            if len(found) == 1:
                return next(iter(found))
        return None

    def stable_key(self, record_id: int) -> str:
        """A key that finds this record in any copy of the review: pmid, doi, accession, id."""
        root = self.canonical.get(record_id, record_id)
        group = sorted(self.members.get(root, [record_id]), key=lambda r: (r != root, r))
        for kind in ("pmid", "doi", "accession"):
            for rid in group:
                for k, value in self._keys(self.rows[rid]):
                    if k == kind and self.by[kind][value] == {root}:
                        shown = value if kind != "accession" else self._accession(rid, value)
                        return f"{kind}:{shown}"
        return f"id:{record_id}"

    def _accession(self, rid: int, folded: str) -> str:
        ids = json.loads(self.rows[rid].get("accessions") or "{}")
        for value in ids.values():
            if str(value).strip().casefold() == folded:
                return str(value).strip()
        return folded
