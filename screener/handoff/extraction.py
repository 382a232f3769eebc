"""The data-extraction sheet: its layout, and reading it back for pooling.

Layout (written by ``screener export --format extraction``, read by ``screener pool``): a CSV
with one row per study, a ``study`` column (its label, e.g. ``Oddis 1999``), and for each outcome
a pair of columns ``<outcome>_events`` and ``<outcome>_total``. Other columns (``citation``,
``design``, ``country``, ``n``, ``follow_up``, ``record_ids`` ...) are kept and ignored here.

Reading rules:

* UTF-8 with or without a BOM; a header without commas but with semicolons is read as
  ``;``-separated (Excel's CSV in many locales). Rows whose cells are all empty are skipped.
* A cell left empty is *missing*: the study is left out of that outcome, never counted as 0.
  Both cells of a pair must be filled or both empty.
* Numbers are whole and 0 <= events <= total, total >= 1. Anything else is an InputError naming
  the file, the row (as a spreadsheet numbers it: the header is row 1) and the column.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from screener.errors import InputError
from screener.readers.source import regular_file

STUDY = "study"
EVENTS_SUFFIX = "_events"
TOTAL_SUFFIX = "_total"
DESIGN_COLUMNS = ("design", "country", "n", "follow_up")


@dataclass(frozen=True)
class Count:
    """One study's events and total for one outcome."""

    study: str
    events: int
    total: int
    row: int  # spreadsheet row (header = 1)


def outcome_columns(outcome: str) -> tuple[str, str]:
    return outcome + EVENTS_SUFFIX, outcome + TOTAL_SUFFIX


def _read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    if path.exists():
        regular_file(path, "an extraction sheet")  # a FIFO would block the read for ever
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file.") from exc
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: not UTF-8 text (byte {exc.start}).",
            hint="Save the sheet as 'CSV UTF-8' from Excel or LibreOffice.",
        ) from exc
    if "\x00" in text:
        raise InputError(f"{path}: a binary file, not a CSV sheet.")
    first = text.split("\n", 1)[0]
    delimiter = ";" if "," not in first and ";" in first else ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not rows:
        raise InputError(f"{path}: the sheet is empty (no header row).")
    header = [cell.strip() for cell in rows[0]]
    return header, rows[1:]


def _whole(path: Path, row: int, column: str, cell: str) -> int:
    try:
        value = float(cell)
    except ValueError:
        raise InputError(f"{path}, row {row}, column {column}: {cell!r} is not a number.") from None
    if not value.is_integer():
        raise InputError(f"{path}, row {row}, column {column}: {cell!r} is not a whole number.")
    if value < 0:
        raise InputError(f"{path}, row {row}, column {column}: {cell!r} is negative.")
    return int(value)


def read_sheet(path: Path) -> dict[str, list[Count]]:
    """outcome -> the studies reporting it, in sheet order (see the module docstring)."""
    header, rows = _read_rows(path)
    lower = [name.lower() for name in header]
    if STUDY not in lower:
        raise InputError(
            f"{path}: no '{STUDY}' column in the header row.",
            hint="The first row must name the columns: study, <outcome>_events, <outcome>_total.",
        )
    study_col = lower.index(STUDY)
    position = {name: i for i, name in enumerate(lower)}
    pairs: dict[str, tuple[int, int]] = {}  # outcome -> (events column, total column)
    for name in header:
        low = name.lower()
        for suffix, partner in ((EVENTS_SUFFIX, TOTAL_SUFFIX), (TOTAL_SUFFIX, EVENTS_SUFFIX)):
            if low.endswith(suffix) and len(low) > len(suffix):
                stem = name[: -len(suffix)]
                other = low[: -len(suffix)] + partner
                if other not in position:
                    raise InputError(
                        f"{path}: column {name} has no partner column {stem + partner}.",
                        hint="Each outcome needs both <outcome>_events and <outcome>_total.",
                    )
                if suffix == EVENTS_SUFFIX:
                    pairs[stem] = (position[low], position[other])
    if not pairs:
        raise InputError(
            f"{path}: no outcome columns (pairs <outcome>_events, <outcome>_total).",
            hint="Name the outcomes in review.toml [outcomes] and export the sheet again.",
        )
    result: dict[str, list[Count]] = {name: [] for name in pairs}
    for offset, raw in enumerate(rows):
        row = offset + 2
        cells = [cell.strip() for cell in raw] + [""] * (len(header) - len(raw))
        if not any(cells):
            continue
        study = cells[study_col]
        for outcome, (ev_col, tot_col) in pairs.items():
            ev_name, tot_name = header[ev_col], header[tot_col]
            ev_cell, tot_cell = cells[ev_col], cells[tot_col]
            if not ev_cell and not tot_cell:
                continue
            if not ev_cell or not tot_cell:
                empty, filled = (ev_name, tot_name) if not ev_cell else (tot_name, ev_name)
                raise InputError(
                    f"{path}, row {row}, column {empty}: empty while {filled} is filled.",
                    hint="Fill both cells of the pair, or leave both empty for missing data.",
                )
            if not study:
                raise InputError(f"{path}, row {row}, column {header[study_col]}: no study label.")
            events = _whole(path, row, ev_name, ev_cell)
            total = _whole(path, row, tot_name, tot_cell)
            if total == 0:
                raise InputError(f"{path}, row {row}, column {tot_name}: the total is 0.")
            if events > total:
                raise InputError(
                    f"{path}, row {row}, column {ev_name}: {events} events exceed the total"
                    f" of {total}."
                )
            result[outcome].append(Count(study, events, total, row))
    return result
