"""What an export holds: the records (or included studies) chosen by stage and decision.

Selection (``select``):

* no stage and no decision: every canonical record (``duplicate_of IS NULL``), one entry each;
* ``--decision included`` (full text, the default stage when a decision is given): the finally
  included studies (``verdict.included``), **one entry per study**: reports sharing a
  ``records.study_id`` are grouped; the main report is the record whose id is the study_id
  (else the earliest included one) and the others are listed as ``reports``;
* ``--stage title-abstract --decision included``: the records passing title/abstract (final
  verdict include or maybe), one entry each; ``excluded`` / ``maybe``: the records whose final
  verdict at that stage is that; ``all``: every record at that stage.

Labels: ``Surname Year`` of the first author (``Oddis 1999``; ``Anon`` / ``n.d.`` when unknown),
with ``a``, ``b``... appended in record order when two entries would share a label.
"""

from __future__ import annotations

import re
import string
from collections import defaultdict
from dataclasses import dataclass, field

import sqlite_utils

from screener.errors import InputError
from screener.normalize import has_cjk, strip_accents
from screener.record import Record
from screener.screening.verdict import included, stage_records, verdicts

STAGE_NAMES = {"title-abstract": "title_abstract", "full-text": "full_text"}
DECISION_NAMES = ("included", "excluded", "maybe", "all")


@dataclass
class Entry:
    """One exported row: a record, or a study with its main record and other reports."""

    record_id: int
    record: Record
    label: str = ""
    database: str | None = None
    study_id: int | None = None
    reports: list[tuple[int, Record]] = field(default_factory=list)


def surname(author: str) -> str:
    """The display surname of a normalised author (``Oddis CV`` -> ``Oddis``)."""
    name = author.strip()
    if not name or has_cjk(name):
        return name
    if "," in name:
        return name.split(",", 1)[0].strip()
    parts = name.split(" ")
    if len(parts) > 1 and parts[-1].replace(".", "").isupper() and len(parts[-1]) <= 4:
        return " ".join(parts[:-1])
    return name


def base_label(record: Record) -> str:
    first = surname(record.authors[0]) if record.authors else ""
    return f"{first or 'Anon'} {record.year if record.year else 'n.d.'}"


def assign_labels(entries: list[Entry]) -> None:
    """Set ``label`` on every entry, disambiguating repeats with a, b, c... in order."""
    groups: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        groups[base_label(entry.record)].append(entry)
    for label, members in groups.items():
        if len(members) == 1:
            members[0].label = label
            continue
        for i, entry in enumerate(members):
            entry.label = label + _suffix(i)


def _suffix(i: int) -> str:
    letters = string.ascii_lowercase
    return letters[i] if i < 26 else letters[i // 26 - 1] + letters[i % 26]


def citation(record: Record, max_authors: int = 6) -> str:
    """A Vancouver-style citation: ``Oddis CV, Sciurba FC. Title. Lancet. 1999;353(9166):1762.``"""
    parts: list[str] = []
    if record.authors:
        names = record.authors[:max_authors]
        more = ", et al" if len(record.authors) > max_authors else ""
        parts.append(", ".join(names) + more + ".")
    if record.title:
        title = record.title.strip()
        parts.append(title if title[-1:] in ".?!" else title + ".")
    source = record.journal_abbrev or record.journal
    where = ""
    if record.year:
        where = str(record.year)
    if record.volume:
        where += f";{record.volume}"
    if record.issue:
        where += f"({record.issue})"
    if record.pages:
        where += f":{record.pages}"
    if source:
        parts.append(source.rstrip(".") + "." + (f" {where}." if where else ""))
    elif where:
        parts.append(where + ".")
    if record.doi:
        parts.append(f"doi:{record.doi}")
    return " ".join(parts)


def _load(
    db: sqlite_utils.Database, ids: list[int]
) -> dict[int, tuple[Record, str | None, int | None]]:
    out: dict[int, tuple[Record, str | None, int | None]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = db.execute(
            "select r.*, s.database as _database from records r"
            f" left join searches s on s.id = r.search_id where r.id in ({marks})",
            chunk,
        )
        columns = [d[0] for d in rows.description]
        for values in rows.fetchall():
            row = dict(zip(columns, values, strict=True))
            out[row["id"]] = (Record.from_row(row), row["_database"], row["study_id"])
    return out


def _entries(db: sqlite_utils.Database, ids: list[int]) -> list[Entry]:
    loaded = _load(db, ids)
    return [
        Entry(rid, loaded[rid][0], database=loaded[rid][1], study_id=loaded[rid][2])
        for rid in ids
        if rid in loaded
    ]


def _studies(db: sqlite_utils.Database, ids: list[int]) -> list[Entry]:
    """Group the included records into studies by ``study_id``."""
    loaded = _load(db, ids)
    groups: dict[int, list[int]] = defaultdict(list)
    for rid in ids:
        study = loaded[rid][2]
        groups[study if study is not None else -rid].append(rid)
    links = [key for key in groups if key > 0]
    members: dict[int, list[int]] = defaultdict(list)
    if links:
        marks = ",".join("?" * len(links))
        for rid, study in db.execute(
            f"select id, study_id from records where duplicate_of is null and study_id in ({marks})"
            " order by id",
            links,
        ).fetchall():
            members[study].append(rid)
    entries: list[Entry] = []
    for key, chosen in groups.items():
        if key < 0:
            rid = chosen[0]
            entries.append(Entry(rid, loaded[rid][0], database=loaded[rid][1]))
            continue
        all_ids = members.get(key) or chosen
        main = key if key in all_ids else chosen[0]
        others = [r for r in all_ids if r != main]
        extra = _load(db, [main, *others])
        entries.append(
            Entry(
                main,
                extra[main][0],
                database=extra[main][1],
                study_id=key,
                reports=[(r, extra[r][0]) for r in others],
            )
        )
    entries.sort(key=lambda e: e.record_id)
    return entries


def select(
    db: sqlite_utils.Database,
    stage: str | None = None,
    decision: str | None = None,
    *,
    required: int = 1,
) -> list[Entry]:
    """The entries to export (see the module docstring); labels assigned. ``required``: the
    protocol's human reviewers per record (a record awaiting reviewers is not final)."""
    if stage is not None and stage not in STAGE_NAMES:
        raise InputError(f"unknown stage {stage!r}; use title-abstract or full-text.")
    if decision is not None and decision not in DECISION_NAMES:
        raise InputError(f"unknown decision {decision!r}; use one of {', '.join(DECISION_NAMES)}.")
    if stage is None and decision is None:
        ids = [
            r[0]
            for r in db.execute(
                "select id from records where duplicate_of is null order by id"
            ).fetchall()
        ]
        entries = _entries(db, ids)
    else:
        stage_name = STAGE_NAMES[stage or "full-text"]
        choice = decision or "all"
        if stage_name == "full_text" and choice == "included":
            entries = _studies(db, included(db, required=required))
        elif choice == "all":
            entries = _entries(db, stage_records(db, stage_name, required=required))
        elif stage_name == "title_abstract" and choice == "included":
            entries = _entries(db, stage_records(db, "full_text", required=required))
        else:
            wanted = {"excluded": "exclude", "maybe": "maybe"}[choice]
            final = verdicts(db, stage_name, required=required)
            entries = _entries(db, sorted(r for r, v in final.items() if v.decision == wanted))
    assign_labels(entries)
    return entries


def accessions_text(accessions: dict[str, str]) -> str:
    """``embase:L123; central:CN-00778158`` (sorted by kind)."""
    return "; ".join(f"{k}:{v}" for k, v in sorted(accessions.items()))


def ascii_key(text: str) -> str:
    """Letters and digits only, accents folded (for BibTeX keys)."""
    return re.sub(r"[^A-Za-z0-9]", "", strip_accents(text))
