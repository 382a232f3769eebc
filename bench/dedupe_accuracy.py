"""Accuracy of ``screener dedupe`` on labelled sets, label-blind, record-level scoring.

    .venv/bin/python bench/dedupe_accuracy.py ../shared/benchmarks/dedup/*/

Layouts: bib-dedupe (``records_pre_merged.csv`` + ``merged_record_ids.csv``) and ASySD
(``labelled_test_set.csv``, Windows-1252, gold in column ``source``; when the folder also holds
``merged_record_ids.csv`` its sets are used, ``id_0000001`` = ``record_id`` 1).

Scoring (PROVENANCE.md, as ASySD and bib-dedupe): per gold set the first kept record is a TN,
further kept records are FN, removed ones TP; a set with every record removed counts one FP;
a removed singleton is an FP. Only automatic links count (review-queue pairs are reported
apart: how many, and how many join records of one gold set).
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlite_utils

from screener import normalize
from screener.db import connect
from screener.dedupe import deduplicate, review_queue
from screener.record import Record


@dataclass
class LabelledSet:
    name: str
    records: dict[str, Record]  # gold id -> record
    groups: list[list[str]] | None  # gold duplicate sets (None: labels only)
    labels: dict[str, bool]  # gold id -> should be removed (labels-only sets)


def _na(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return None if value in ("", "NA") else value


def _concatenated_authors(text: str) -> list[str]:
    """``Adeli K.Lewis G. F.`` -> ``["Adeli K", "Lewis GF"]`` (the Diabetes CSV)."""
    names = re.findall(r"[^.]+?(?:\s?[A-Z]\.)+|[^.]+$", text)
    return [normalize.author(n.strip()) for n in names if n.strip()]


def _groups(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8") as handle:
        return [row["merged_ids"].split(";") for row in csv.DictReader(handle)]


def load_set(folder: Path) -> LabelledSet:
    asysd = folder / "labelled_test_set.csv"
    merged = folder / "merged_record_ids.csv"
    records: dict[str, Record] = {}
    labels: dict[str, bool] = {}
    if asysd.exists():
        with asysd.open(encoding="cp1252", newline="") as handle:
            for row in csv.DictReader(handle):
                gold_id = f"id_{int(row['record_id']):07d}"
                records[gold_id] = Record(
                    title=_na(row["title"]),
                    abstract=_na(row["abstract"]),
                    authors=_concatenated_authors(_na(row["author"]) or ""),
                    year=normalize.year(_na(row["year"])),
                    journal=_na(row["journal"]),
                    volume=_na(row["volume"]),
                    issue=_na(row["number"]),
                    pages=normalize.pages(_na(row["pages"])),
                    doi=normalize.doi(_na(row["doi"])),
                    issn=_na(row["isbn"]),
                )
                labels[gold_id] = row["source"].strip().lower() == "duplicate"
        groups = _groups(merged) if merged.exists() else None
        return LabelledSet(folder.name, records, groups, labels)
    with (folder / "records_pre_merged.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            authors = [normalize.author(a) for a in (row.get("author") or "").split(" and ")]
            kind = row.get("ENTRYTYPE") or ""
            records[row["ID"]] = Record(
                title=_na(row.get("title")),
                abstract=_na(row.get("abstract")),
                authors=[a for a in authors if a],
                year=normalize.year(_na(row.get("year"))),
                journal=_na(row.get("journal")) or _na(row.get("booktitle")),
                volume=_na(row.get("volume")),
                issue=_na(row.get("number")) or _na(row.get("issue")),
                pages=normalize.pages(_na(row.get("pages"))),
                doi=normalize.doi(_na(row.get("doi"))),
                publication_types=[kind] if kind else [],
            )
    return LabelledSet(folder.name, records, _groups(merged), labels)


def run_set(data: LabelledSet) -> tuple[dict[str, int], float, dict[str, int]]:
    db: sqlite_utils.Database = connect(":memory:")
    db["searches"].insert(  # type: ignore[union-attr]
        {
            "id": 1,
            "database": "bench",
            "round": 1,
            "file_name": data.name,
            "sha256": data.name,
            "format": "csv",
            "n_records": len(data.records),
        }
    )
    ids: dict[str, int] = {}
    for position, (gold_id, rec) in enumerate(data.records.items(), 1):
        row = rec.to_row() | {"search_id": 1, "position": position}
        ids[gold_id] = int(db["records"].insert(row).last_pk)  # type: ignore[union-attr]
    start = time.perf_counter()
    deduplicate(db)
    seconds = time.perf_counter() - start
    removed = {
        rid for (rid,) in db.execute("select id from records where duplicate_of is not null")
    }
    counts = {"TP": 0, "FP": 0, "FN": 0, "TN": 0}
    gold_of: dict[int, int] = {}
    if data.groups is not None:
        grouped: set[str] = set()
        for number, group in enumerate(data.groups):
            members = [ids[g] for g in group if g in ids]
            grouped.update(group)
            for m in members:
                gold_of[m] = number
            kept = [m for m in members if m not in removed]
            counts["TP"] += len(members) - len(kept)
            if kept:
                counts["TN"] += 1
                counts["FN"] += len(kept) - 1
            else:
                counts["TP"] -= 1
                counts["FP"] += 1
        for gold_id, rid in ids.items():
            if gold_id not in grouped:
                counts["FP" if rid in removed else "TN"] += 1
    else:
        for gold_id, rid in ids.items():
            dup = data.labels[gold_id]
            key = ("TP" if dup else "FP") if rid in removed else ("FN" if dup else "TN")
            counts[key] += 1
    queue = {"review": 0, "review_true": 0}
    for pair in review_queue(db):
        a, b = pair.record_a, pair.record_b
        queue["review"] += 1
        if a in gold_of and gold_of.get(a) == gold_of.get(b):
            queue["review_true"] += 1
    return counts, seconds, queue


def _ratio(x: int, y: int) -> float:
    return x / y if y else float("nan")


def line(name: str, n: int, c: dict[str, int], seconds: float, queue: dict[str, int]) -> str:
    sens = _ratio(c["TP"], c["TP"] + c["FN"])
    spec = _ratio(c["TN"], c["TN"] + c["FP"])
    prec = _ratio(c["TP"], c["TP"] + c["FP"])
    return (
        f"{name:<24} {n:>7} {c['TP']:>6} {c['FP']:>4} {c['FN']:>5} {c['TN']:>6} "
        f"{sens:>11.4f} {spec:>11.5f} {prec:>9.4f} {seconds:>7.2f}"
        f"   review {queue['review']} (true {queue['review_true']}, "
        f"{100 * queue['review'] / max(n, 1):.2f}% of records)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folders", nargs="+", type=Path)
    args = parser.parse_args(argv)
    print(
        f"{'set':<24} {'records':>7} {'TP':>6} {'FP':>4} {'FN':>5} {'TN':>6} "
        f"{'sensitivity':>11} {'specificity':>11} {'precision':>9} {'seconds':>7}"
    )
    total = {"TP": 0, "FP": 0, "FN": 0, "TN": 0}
    total_queue = {"review": 0, "review_true": 0}
    total_n, total_s = 0, 0.0
    for folder in args.folders:
        if (
            not (folder / "labelled_test_set.csv").exists()
            and not (folder / "records_pre_merged.csv").exists()
        ):
            continue
        data = load_set(folder)
        counts, seconds, queue = run_set(data)
        print(line(data.name, len(data.records), counts, seconds, queue))
        for key in total:
            total[key] += counts[key]
        for key in total_queue:
            total_queue[key] += queue[key]
        total_n += len(data.records)
        total_s += seconds
    print(line("pooled", total_n, total, total_s, total_queue))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
