"""Decisions as a CSV file: bulk entry / replay (``screener decide --file``) and export.

Layout (one header row, UTF-8, a BOM is tolerated)::

    key,stage,reviewer,decision,reason,note[,source]

* ``key`` names a record: ``pmid:12345``, ``doi:10.1000/xyz``, ``id:17`` (the record id in this
  review), ``title:<the exact title>`` or ``accession:<id>`` (``CN-00778158``, ``L2029880245``,
  a WoS/Scopus id). It resolves to the *canonical* record: when the matching record is a
  duplicate, its decision goes to the record kept for its group.
* ``stage``: ``title_abstract`` or ``full_text`` (``title-abstract``, ``ta``, ``full-text``,
  ``ft`` are accepted too).
* ``decision``: ``include``, ``exclude``, ``maybe``; at full text also ``not_retrieved`` (the
  full text could not be obtained: writes a ``retrieval`` row with the reason, not a decision)
  and ``retrieved`` (cancels an earlier ``not_retrieved``).
* ``reason``: a number of the stage's reasons in review.toml (``2`` = the second) or text.
  A full-text exclusion needs a reason.
* ``source`` (optional): ``human``, ``import`` (the default), ``consensus`` or ``criteria``.
  Reviewer ``consensus`` implies source ``consensus``.

Replaying is idempotent: a row is skipped when that reviewer's current decision for the record
and stage already equals it (decision, reason and note). Any error (named by file, row and
column; row 1 is the header, so the first data row is row 2) stores nothing from the file.

``write_decisions_csv`` writes the current decisions (and retrieval status) in this layout with
stable keys (pmid, else doi, else accession, else id), so the file replays into a copy of the
review built from the same imports.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import sqlite_utils

from screener.db import Review, insert_rows, now, transaction
from screener.errors import InputError, ProtocolError, ScreenerError
from screener.outputs import safe_cell, unsafe_cell
from screener.readers.source import regular_file
from screener.recordindex import RecordIndex
from screener.screening.protocol import Protocol, load_protocol, reason_text
from screener.screening.verdict import (
    AUTOMATION_SOURCE,
    STAGES,
    current_decisions,
    stage_records,
)

COLUMNS = ("key", "stage", "reviewer", "decision", "reason", "note")
OPTIONAL_COLUMNS = ("source",)
STAGE_ALIASES = {
    "title_abstract": "title_abstract",
    "title-abstract": "title_abstract",
    "ta": "title_abstract",
    "full_text": "full_text",
    "full-text": "full_text",
    "ft": "full_text",
}
DECISION_VALUES = ("include", "exclude", "maybe")
RETRIEVAL_VALUES = ("not_retrieved", "retrieved")
SOURCES = ("human", "import", "consensus", "criteria")


@dataclass(frozen=True)
class PlannedDecision:
    """One decision (or retrieval status) to append, already resolved to a canonical record."""

    record_id: int
    stage: str
    reviewer: str
    decision: str  # include | exclude | maybe | not_retrieved | retrieved
    reason: str | None
    note: str | None
    source: str
    created_at: str | None = None  # None = now


@dataclass
class ApplyResult:
    added: int = 0
    already: int = 0  # the same decision was already current (nothing added)
    kept_newer: int = 0  # merge: the local decision was newer and differed (kept)
    not_at_stage: int = 0  # full-text rows for records not (yet) at full text


def _blank(value: str | None) -> str | None:
    text = (value or "").strip()
    return text or None


def read_decisions_csv(path: Path, protocol: Protocol, index: RecordIndex) -> list[PlannedDecision]:
    """Check and resolve every row of a decisions file; the first problem raises InputError."""
    regular_file(path, "a decisions file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 text (byte {exc.start}).") from exc
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    if not header:
        raise InputError(f"{path} is empty.", hint=f"The header is: {','.join(COLUMNS)}")
    reader.fieldnames = header
    missing = [c for c in COLUMNS if c not in header]
    unknown = [c for c in header if c not in (*COLUMNS, *OPTIONAL_COLUMNS)]
    if missing or unknown:
        what = f"missing column '{missing[0]}'" if missing else f"unknown column '{unknown[0]}'"
        raise InputError(
            f"{path} row 1: {what}.", hint=f"The header is: {','.join(COLUMNS)}[,source]"
        )
    planned = []
    for number, row in enumerate(reader, start=2):
        if not any((v or "").strip() for k, v in row.items() if k is not None):
            continue
        if None in row:
            raise InputError(f"{path} row {number}: more values than columns.")
        row = {k: unsafe_cell(v) if isinstance(v, str) else v for k, v in row.items()}
        planned.append(_plan(path, number, row, protocol, index))
    return planned


def _plan(
    path: Path, number: int, row: dict[str, Any], protocol: Protocol, index: RecordIndex
) -> PlannedDecision:
    def fail(column: str, message: str, hint: str | None = None) -> InputError:
        return InputError(f"{path} row {number}, column '{column}': {message}.", hint=hint)

    key = _blank(row.get("key"))
    if key is None:
        raise fail("key", "the key is empty", "Use pmid:, doi:, id:, title: or accession:.")
    try:
        record_id = index.resolve(key)
    except ScreenerError as exc:
        raise fail("key", exc.message, exc.hint) from None
    stage = STAGE_ALIASES.get((row.get("stage") or "").strip().lower())
    if stage is None:
        raise fail("stage", f"unknown stage '{row.get('stage') or ''}'", _known(STAGES))
    decision = (row.get("decision") or "").strip().lower()
    allowed = (*DECISION_VALUES, *RETRIEVAL_VALUES) if stage == "full_text" else DECISION_VALUES
    if decision not in allowed:
        raise fail("decision", f"unknown decision '{decision}' at {stage}", _known(allowed))
    reviewer = _blank(row.get("reviewer"))
    if reviewer is None and decision not in RETRIEVAL_VALUES:
        raise fail("reviewer", "the reviewer is empty")
    source = (_blank(row.get("source")) or "").lower() or None
    if source is not None and source not in SOURCES:
        raise fail("source", f"unknown source '{source}'", _known(SOURCES))
    if reviewer == "consensus":
        if source not in (None, "consensus"):
            raise fail("source", f"reviewer consensus needs source consensus, not '{source}'")
        source = "consensus"
    try:
        reason = reason_text(protocol, stage, row.get("reason"))
    except ProtocolError as exc:
        raise fail("reason", exc.message.rstrip("."), exc.hint) from None
    if decision == "exclude" and stage == "full_text" and reason is None:
        raise fail("reason", "a full-text exclusion needs a reason", _reasons(protocol, stage))
    return PlannedDecision(
        record_id,
        stage,
        reviewer or "",
        decision,
        reason,
        _blank(row.get("note")),
        source or "import",
    )


def _known(values: Iterable[str]) -> str:
    return "Use one of: " + ", ".join(values) + "."


def _reasons(protocol: Protocol, stage: str) -> str | None:
    reasons = protocol.reasons.get(stage, [])
    if not reasons:
        return None
    return "Reasons: " + "; ".join(f"{i} {r}" for i, r in enumerate(reasons, start=1)) + "."


def _latest_retrieval(db: sqlite_utils.Database) -> dict[int, tuple[str, str | None, str]]:
    latest: dict[int, tuple[str, str | None, str]] = {}
    for rid, status, reason, created in db.execute(
        "select record_id, status, reason, created_at from retrieval order by id"
    ).fetchall():
        latest[rid] = (status, reason, created or "")
    return latest


def apply_decisions(
    db: sqlite_utils.Database, planned: Iterable[PlannedDecision], keep_newer: bool = False
) -> ApplyResult:
    """Append the planned rows that change something, in one transaction.

    A row is skipped when the reviewer's current decision (or the record's retrieval status)
    already equals it. With ``keep_newer`` (merging), a row is also skipped when the local
    current decision differs but was made later (``created_at``).
    """
    result = ApplyResult()
    state: dict[tuple[int, str, str], tuple[str, str | None, str | None, str]] = {}
    for stage in STAGES:
        for rid, by_reviewer in current_decisions(db, stage).items():
            for who, d in by_reviewer.items():
                state[(rid, stage, who)] = (d.decision, d.reason, d.note, d.created_at or "")
    retrieval = _latest_retrieval(db)
    decisions: list[dict[str, Any]] = []
    retrievals: list[dict[str, Any]] = []
    stamp = now()
    for p in planned:
        created = p.created_at or stamp
        if p.decision in RETRIEVAL_VALUES:
            old = retrieval.get(p.record_id)
            new = (p.decision, p.reason)
            if (old is not None and old[:2] == new) or (old is None and p.decision == "retrieved"):
                result.already += 1
                continue
            if keep_newer and old is not None and old[2] > created:
                result.kept_newer += 1
                continue
            retrieval[p.record_id] = (*new, created)
            retrievals.append(
                {
                    "record_id": p.record_id,
                    "status": p.decision,
                    "reason": p.reason,
                    "location": None,
                    "reviewer": p.reviewer or None,
                    "created_at": created,
                }
            )
            result.added += 1
            continue
        slot = (p.record_id, p.stage, p.reviewer)
        mine = state.get(slot)
        if mine is not None and mine[:3] == (p.decision, p.reason, p.note):
            result.already += 1
            continue
        if keep_newer and mine is not None and mine[3] > created:
            result.kept_newer += 1
            continue
        state[slot] = (p.decision, p.reason, p.note, created)
        decisions.append(
            {
                "record_id": p.record_id,
                "stage": p.stage,
                "reviewer": p.reviewer,
                "decision": p.decision,
                "reason": p.reason,
                "note": p.note,
                "source": p.source,
                "created_at": created,
            }
        )
        result.added += 1
    with transaction(db) as conn:
        insert_rows(conn, "decisions", decisions)
        insert_rows(conn, "retrieval", retrievals)
    return result


def decide_from_file(
    review: Review, path: Path, reviewers: Sequence[str] | None = None
) -> ApplyResult:
    """Read, check and apply a decisions file (all or nothing); ``reviewers``: apply only the
    rows of these reviewers (the whole file is still checked)."""
    protocol = load_protocol(review.protocol_path)
    planned = read_decisions_csv(path, protocol, RecordIndex(review.db))
    if reviewers:
        planned = [p for p in planned if p.reviewer in reviewers]
    result = apply_decisions(review.db, planned)
    full_text = {p.record_id for p in planned if p.stage == "full_text"}
    if full_text:
        at_full_text = stage_records(review.db, "full_text", required=protocol.reviewers)
        result.not_at_stage = len(full_text - set(at_full_text))
    return result


def decision_rows(db: sqlite_utils.Database, only: str | None = None) -> list[dict[str, str]]:
    """The current decisions and retrieval status as rows of the decisions-file layout.

    ``only``: that reviewer's decisions alone, with the automation exclusions and the retrieval
    rows (what a reviewer may see of a blinded review).
    """
    index = RecordIndex(db)
    rows: list[dict[str, str]] = []
    for stage in STAGES:
        current = current_decisions(db, stage)
        for rid in sorted(current):
            for who in sorted(current[rid]):
                d = current[rid][who]
                if only is not None and who != only and d.source != AUTOMATION_SOURCE:
                    continue
                rows.append(
                    {
                        "key": index.stable_key(rid),
                        "stage": stage,
                        "reviewer": who,
                        "decision": d.decision,
                        "reason": d.reason or "",
                        "note": d.note or "",
                        "source": d.source,
                    }
                )
    latest = db.execute(
        "select record_id, status, reason, reviewer from retrieval where id in"
        " (select max(id) from retrieval group by record_id) order by record_id"
    ).fetchall()
    for rid, status, reason, who in latest:
        rows.append(
            {
                "key": index.stable_key(rid),
                "stage": "full_text",
                "reviewer": who or "",
                "decision": status,
                "reason": reason or "",
                "note": "",
                "source": "human",
            }
        )
    return rows


def write_decisions_csv(
    review: Review, out: Path | str | IO[str], only: str | None = None, raw: bool = False
) -> int:
    """Write the current decisions as a decisions file (``only``: see :func:`decision_rows`);
    return the number of rows written.

    Formula-leading cells (a note "=..." or "-...") get a quote unless ``raw``; reading the file
    back removes it.
    """
    rows = decision_rows(review.db, only)
    if not raw:
        rows = [{k: safe_cell(v) for k, v in row.items()} for row in rows]
    if isinstance(out, (str, Path)):
        with Path(out).open("w", encoding="utf-8", newline="") as handle:
            _write(handle, rows)
    else:
        _write(out, rows)
    return len(rows)


def _write(handle: IO[str], rows: list[dict[str, str]]) -> None:
    writer = csv.DictWriter(handle, fieldnames=[*COLUMNS, *OPTIONAL_COLUMNS], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
