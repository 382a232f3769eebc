"""Machine-checkable eligibility limits (years, languages, publication types) as automation.

``apply_criteria`` checks every canonical record at title/abstract against ``[limits]`` in
review.toml and records each failure as an ``exclude`` decision with reviewer and source
``criteria`` and a reason such as ``Published before 1980 (limit year_min)``,
``Language: ger (limit languages)`` or ``Publication type: Editorial``.

Rules:

* A record with any current human, imported or consensus decision at title/abstract is never
  touched (a person's decision always wins; the verdict rules say so too).
* Unknown stays unknown: a record without a year is not excluded by a year limit, one without
  a language not by the language limit.
* Idempotent: a record already excluded for the same reason gets nothing new. When the limits
  change, a record that no longer fails gets an ``undo`` row, one that fails for another reason
  gets ``undo`` + the new exclusion.
* ``undo_criteria`` appends ``undo`` rows for every current automation decision; nothing is
  ever deleted.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from screener.db import insert_rows, now, transaction
from screener.screening.protocol import Limits
from screener.screening.verdict import AUTOMATION_SOURCE, current_decisions

STAGE = "title_abstract"
REVIEWER = "criteria"

# Language names and codes that mean the same language (ISO 639-2 B/T codes, 639-1, English name).
LANGUAGE_ALIASES: tuple[tuple[str, ...], ...] = (
    ("eng", "en", "english"),
    ("chi", "zho", "zh", "chinese"),
    ("ger", "deu", "de", "german"),
    ("fre", "fra", "fr", "french"),
    ("spa", "es", "spanish"),
    ("ita", "it", "italian"),
    ("por", "pt", "portuguese"),
    ("jpn", "ja", "japanese"),
    ("kor", "ko", "korean"),
    ("rus", "ru", "russian"),
    ("dut", "nld", "nl", "dutch"),
    ("pol", "pl", "polish"),
    ("tur", "tr", "turkish"),
    ("per", "fas", "fa", "persian"),
    ("ara", "ar", "arabic"),
)


def _language_key(value: str) -> str:
    text = value.strip().casefold()
    for names in LANGUAGE_ALIASES:
        if text in names:
            return names[0]
    return text


def _languages(value: str | None) -> list[str]:
    if not value:
        return []
    return [p.strip() for p in value.replace(",", ";").split(";") if p.strip()]


def failed_limit(limits: Limits, row: dict[str, Any]) -> str | None:
    """The reason a record (a ``records`` row) fails the limits, or None when it passes."""
    year = row.get("year")
    if year is not None:
        if limits.year_min is not None and year < limits.year_min:
            return f"Published before {limits.year_min} (limit year_min)"
        if limits.year_max is not None and year > limits.year_max:
            return f"Published after {limits.year_max} (limit year_max)"
    languages = _languages(row.get("language"))
    if limits.languages and languages:
        allowed = {_language_key(v) for v in limits.languages}
        if not any(_language_key(v) in allowed for v in languages):
            return f"Language: {'; '.join(languages)} (limit languages)"
    if limits.exclude_publication_types:
        types = json.loads(row.get("publication_types") or "[]")
        wanted = {t.casefold(): t for t in limits.exclude_publication_types}
        for kind in types:
            if kind.strip().casefold() in wanted:
                return f"Publication type: {wanted[kind.strip().casefold()]}"
    return None


@dataclass
class CriteriaResult:
    """What a run of ``apply_criteria`` / ``undo_criteria`` did."""

    excluded: Counter[str] = field(default_factory=Counter)  # new exclusions by reason
    already: int = 0  # already excluded for the same reason (nothing added)
    lifted: int = 0  # automation exclusions undone (limits relaxed, or --undo)
    skipped_human: int = 0  # failing records left alone because a person decided them
    total_excluded: int = 0  # current automation exclusions after the run
    checked: int = 0  # canonical records checked


def _append(db: sqlite_utils.Database, rows: list[dict[str, Any]]) -> None:
    with transaction(db) as conn:
        insert_rows(conn, "decisions", rows)


def _row(record_id: int, decision: str, reason: str | None, created: str) -> dict[str, Any]:
    return {
        "record_id": record_id,
        "stage": STAGE,
        "reviewer": REVIEWER,
        "decision": decision,
        "reason": reason,
        "note": None,
        "source": AUTOMATION_SOURCE,
        "created_at": created,
    }


def apply_criteria(db: sqlite_utils.Database, limits: Limits) -> CriteriaResult:
    """Record automation exclusions for the canonical records that fail ``limits``."""
    result = CriteriaResult()
    current = current_decisions(db, STAGE)
    created = now()
    rows: list[dict[str, Any]] = []
    records = db.query(
        "select id, year, language, publication_types from records"
        " where duplicate_of is null order by id"
    )
    for record in records:
        result.checked += 1
        rid = record["id"]
        decided = current.get(rid, {})
        mine = decided.get(REVIEWER)
        others = [d for who, d in decided.items() if who != REVIEWER]
        reason = failed_limit(limits, record)
        if others:
            if reason is not None and mine is None:
                result.skipped_human += 1
            if mine is not None:
                result.total_excluded += 1
            continue
        if mine is not None and mine.decision == "exclude" and mine.reason == reason:
            result.already += 1
            result.total_excluded += 1
            continue
        if mine is not None:
            rows.append(_row(rid, "undo", None, created))
            result.lifted += reason is None
        if reason is not None:
            rows.append(_row(rid, "exclude", reason, created))
            result.excluded[reason] += 1
            result.total_excluded += 1
    _append(db, rows)
    return result


def undo_criteria(db: sqlite_utils.Database) -> CriteriaResult:
    """Cancel every current automation decision with ``undo`` rows (append-only)."""
    result = CriteriaResult()
    created = now()
    rows: list[dict[str, Any]] = []
    stacks: dict[int, int] = Counter()
    for rid, decision in db.execute(
        "select record_id, decision from decisions where stage = ? and reviewer = ? order by id",
        [STAGE, REVIEWER],
    ).fetchall():
        if decision == "undo":
            stacks[rid] = max(0, stacks[rid] - 1)
        else:
            stacks[rid] += 1
    for rid, depth in sorted(stacks.items()):
        if depth:
            rows.extend(_row(rid, "undo", None, created) for _ in range(depth))
            result.lifted += 1
    _append(db, rows)
    return result
