"""A PRISMA2020-template CSV read back into the JSON field structure, for tests only.

The library writes this layout (screener.prisma.fields.write_csv); reading it back is the tests'
own work, so a round trip checks the writer against an independent reader.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from screener.prisma.fields import BREAKDOWNS, LABELS, LAYOUT_2020, REASONS


def parse_breakdown(text: str) -> dict[str, int | None]:
    """ "Name, 12; Other, 3" -> {"Name": 12, "Other": 3}; a non-number count gives None."""
    out: dict[str, int | None] = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        name, _, count = part.strip().rpartition(",")
        count = count.strip().replace(",", "")
        out[name.strip()] = int(count) if count.isdigit() else None
    return out


def read_csv(path: Path) -> dict[str, Any]:
    """Load a CSV in the PRISMA2020 template layout back into the JSON field structure.

    Only the ``data`` and ``n`` columns carry values; unknown keys are an InputError.
    """
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("data", "n") if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"{path}: not a PRISMA2020 template CSV (no column {missing[0]!r}).")
    known = {key for key, *_ in LAYOUT_2020 if key is not None}
    out: dict[str, Any] = {}
    for line, row in enumerate(reader, start=2):
        key, n = (row.get("data") or "NA").strip(), (row.get("n") or "").strip()
        if key == "NA" or key in LABELS:
            continue
        if key not in known:
            raise ValueError(f"{path}, line {line}: unknown data key {key!r}.")
        if key in BREAKDOWNS:
            out[key] = {} if n == "0" else parse_breakdown(n)
        elif key in REASONS:
            if n.replace(",", "").isdigit():
                out[key], out[REASONS[key]] = int(n.replace(",", "")), {}
            else:
                reasons = parse_breakdown(n)
                out[REASONS[key]] = reasons
                counts = list(reasons.values())
                out[key] = None if None in counts else sum(c for c in counts if c is not None)
        else:
            digits = n.replace(",", "")
            out[key] = int(digits) if digits.isdigit() else None
    return out
