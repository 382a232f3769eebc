"""Accuracy of ``screener dedupe`` on labelled sets, label-blind, with leave-one-set-out fits.

    .venv/bin/python bench/dedupe_accuracy.py ../shared/benchmarks/dedup/*/ \
        ../shared/samples/endnote_xml/iebh_tafenoquine.xml --synthetic 600
    .venv/bin/python bench/dedupe_accuracy.py ../shared/benchmarks/dedup/*/ --fit

Layouts: bib-dedupe (``records_pre_merged.csv`` + ``merged_record_ids.csv``), ASySD
(``labelled_test_set.csv``, Windows-1252, gold in column ``source``; when the folder also holds
``merged_record_ids.csv`` its sets are used, ``id_0000001`` = ``record_id`` 1), and EndNote XML
(a folder holding one ``.xml``, or the file) whose records flagged ``Duplicate`` in
``<caption>`` are the members of duplicate sets (IEBH), read by the project's own reader.

Scoring (PROVENANCE.md, as ASySD and bib-dedupe): per gold set the first kept record is a TN,
further kept records are FN, removed ones TP; a set with every record removed counts one FP;
a removed singleton is an FP. Flag sets are scored as flags (set membership): a record in a
duplicate group of the run is positive, a flagged record should be. Only automatic links
count; the review queue is reported apart (pairs still in two groups, and how many of them join
records of one gold set; on flag sets: two flagged records).

The score's coefficients (``screener.dedupe.model.MODEL``) are fitted by ``--fit`` on the
candidate pairs of the sets with duplicate groups. ``leave-one-set-out`` lines rerun each of
those sets with a model fitted on the other sets only; flag sets and the synthetic set never
take part in a fit, so their figures are held-out figures as they stand.

``--synthetic N`` adds a set generated from N real works of the group sets (one record each):
each gets a copy damaged the ways real exports are (see ``synthetic_set``), and some get a
hard negative (another abstract on the same page whose title starts like theirs).
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlite_utils

from screener import normalize
from screener.db import connect
from screener.dedupe import deduplicate, review_queue
from screener.dedupe.blocking import candidate_pairs
from screener.dedupe.model import FEATURES, MODEL, Model, vector
from screener.dedupe.rules import constraint
from screener.dedupe.scoring import compare
from screener.dedupe.store import load
from screener.dedupe.titles import clean_title
from screener.readers.endnote_xml import parse as parse_endnote_xml
from screener.record import Record
from screener.searches import store_records


@dataclass
class LabelledSet:
    name: str
    records: dict[str, Record]  # gold id -> record
    groups: list[list[str]] | None  # gold duplicate sets (None: labels or flags only)
    labels: dict[str, bool] = field(default_factory=dict)  # gold id -> should be removed
    flags: dict[str, bool] = field(default_factory=dict)  # gold id -> member of a set


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


def load_xml(path: Path) -> LabelledSet:
    """EndNote XML with ``Duplicate`` captions (IEBH), through the project's reader."""
    with path.open(encoding="utf-8") as handle:
        records = list(parse_endnote_xml(handle, str(path)))
    data = LabelledSet(path.stem, {}, None)
    for number, rec in enumerate(records, 1):
        gold_id = f"r{number}"
        data.records[gold_id] = rec
        data.flags[gold_id] = str(rec.raw.get("caption") or "").strip().lower() == "duplicate"
    return data


def load_set(folder: Path) -> LabelledSet:
    if folder.suffix == ".xml":
        return load_xml(folder)
    xml = sorted(folder.glob("*.xml"))
    if xml:
        return replace(load_xml(xml[0]), name=folder.name)
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


def _review(data: LabelledSet) -> tuple[sqlite_utils.Database, dict[str, int]]:
    """The set's records in a new in-memory review (one search); gold id -> record id."""
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
    with db.conn:
        store_records(db.conn, data.records.values(), 1)
    # an empty table numbers the records 1, 2, ... in insertion order
    ids = {gold_id: position for position, gold_id in enumerate(data.records, 1)}
    return db, ids


def _score(
    data: LabelledSet, ids: dict[str, int], removed: set[int], grouped: set[int]
) -> tuple[dict[str, int], dict[int, int]]:
    """Record-level confusion counts (see the module docstring); record id -> gold set."""
    counts = {"TP": 0, "FP": 0, "FN": 0, "TN": 0}
    gold_of: dict[int, int] = {}
    if data.groups is not None:
        in_sets: set[str] = set()
        for number, group in enumerate(data.groups):
            members = [ids[g] for g in group if g in ids]
            in_sets.update(group)
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
            if gold_id not in in_sets:
                counts["FP" if rid in removed else "TN"] += 1
    elif data.flags:
        for gold_id, rid in ids.items():
            flagged, found = data.flags[gold_id], rid in grouped
            counts[("TP" if flagged else "FP") if found else ("FN" if flagged else "TN")] += 1
            if flagged:
                gold_of[rid] = 0  # one pseudo-set: any two flagged records
    else:
        for gold_id, rid in ids.items():
            dup = data.labels[gold_id]
            key = ("TP" if dup else "FP") if rid in removed else ("FN" if dup else "TN")
            counts[key] += 1
    return counts, gold_of


def run_set(
    data: LabelledSet, model: Model = MODEL
) -> tuple[dict[str, int], float, dict[str, int]]:
    db, ids = _review(data)
    start = time.perf_counter()
    deduplicate(db, model=model)
    seconds = time.perf_counter() - start
    links = list(db.execute("select id, duplicate_of from records where duplicate_of is not null"))
    removed = {rid for rid, _ in links}
    grouped = removed | {kept for _, kept in links}
    counts, gold_of = _score(data, ids, removed, grouped)
    queue = {"review": 0, "review_true": 0}
    for pair in review_queue(db):
        a, b = pair.record_a, pair.record_b
        queue["review"] += 1
        if a in gold_of and gold_of.get(a) == gold_of.get(b):
            queue["review_true"] += 1
    return counts, seconds, queue


def training_pairs(data: LabelledSet) -> list[tuple[list[float], int]]:
    """(model inputs, 1 if one gold set) for every candidate pair that the score decides."""
    assert data.groups is not None
    db, ids = _review(data)
    gold = {ids[g]: n for n, group in enumerate(data.groups) for g in group if g in ids}
    records = load(db)
    out = []
    for i, j in candidate_pairs(records, range(len(records))):
        a, b = records[i], records[j]
        scores = compare(a, b)
        if constraint(a, b, scores) is not None:
            continue
        x = vector(scores)
        same = a.id in gold and gold.get(a.id) == gold.get(b.id)
        out.append(([x[name] for name in FEATURES], int(same)))
    return out


def fit(sets: list[LabelledSet]) -> Model:
    """Logistic regression (L2, C = 0.1) on the pooled training pairs of ``sets``."""
    from sklearn.linear_model import LogisticRegression

    rows = [pair for data in sets for pair in training_pairs(data)]
    fitted = LogisticRegression(C=0.1, max_iter=1000)
    fitted.fit([x for x, _ in rows], [y for _, y in rows])
    weights = {n: round(float(w), 3) for n, w in zip(FEATURES, fitted.coef_[0], strict=True)}
    return Model(round(float(fitted.intercept_[0]), 3), weights)


# --- synthetic set: real works, damaged the ways the issue lists ------------------------------

_HEADINGS = ("Original Article: ", "Research Article: ", "Brief Report: ")


def _damage(rec: Record, rng: random.Random) -> Record:
    """A copy of ``rec`` with one or two kinds of damage real exports show; no DOI kept."""
    copy = replace(rec, doi=None, authors=list(rec.authors), raw={})
    title = rec.title or ""
    for kind in rng.sample(range(8), rng.choice((1, 2))):
        if kind == 0:  # the issue field holds the reference manager's record number
            copy.issue = str(rng.randint(1000, 99999))
        elif kind == 1 and rec.pages and "-" in rec.pages:  # backwards, typo, supplement
            first, last = rec.pages.split("-", 1)
            how = rng.randrange(3)
            if how == 0:
                copy.pages = f"{last}-{first}"
            elif how == 1 and len(first) >= 3:
                copy.pages = f"{first[:-2]}{first[-1]}{first[-2]}-{last}"
            else:
                copy.pages = f"S{first}-S{last}"
        elif kind == 2:  # quotes left in fields
            copy.title = f'"{copy.title or title}"'
            copy.volume = f'"{rec.volume}"' if rec.volume else None
        elif kind == 3 and rec.journal:  # abbreviated; a meeting also with year and ordinal
            words = [w for w in rec.journal.split() if w.lower() not in ("of", "the", "and")]
            copy.journal = " ".join(w[:4] if len(w) > 5 else w for w in words)
            if re.search(r"conference|congress|meeting|symposium", rec.journal, re.I):
                copy.journal = f"Proceedings of the {rng.randint(4, 40)}th {rec.journal} {rec.year}"
        elif kind == 4:  # a MEDLINE note left in the title
            copy.title = f"{copy.title or title}. [Erratum appears in J Clin 2019;3(2):45]"
        elif kind == 5 and rec.year and rec.volume and rec.pages:  # title in another language
            words = (copy.title or title).split()
            copy.title = " ".join(f"{w[::-1]}en" if w.isalpha() else w for w in words)
            copy.language = "ger"
        elif kind == 6 and ":" in title:  # subtitle dropped
            copy.title = title.split(":")[0]
        elif kind == 7:  # a section heading put before the title
            copy.title = rng.choice(_HEADINGS) + (copy.title or title)
    return copy


def synthetic_set(sources: list[LabelledSet], n: int, seed: int = 14) -> LabelledSet:
    """``n`` real works, each with a damaged copy; one in five also gets a hard negative."""
    rng = random.Random(seed)
    works: list[Record] = []
    for data in sources:
        if data.groups is None:
            continue
        grouped = {g for group in data.groups for g in group}
        works += [data.records[group[0]] for group in data.groups if group[0] in data.records]
        works += [r for g, r in data.records.items() if g not in grouped]
    works = [w for w in works if w.title and w.authors and len(w.title) >= 30]
    picked = rng.sample(works, min(n, len(works)))
    out = LabelledSet("synthetic", {}, [])
    assert out.groups is not None
    for number, work in enumerate(picked):
        rec = replace(work, language=work.language or "eng", raw={})
        out.records[f"w{number}"] = rec
        out.records[f"w{number}c"] = _damage(rec, rng)
        out.groups.append([f"w{number}", f"w{number}c"])
        words = clean_title(rec.title).split()
        if number % 5 == 0 and len(words) >= 10 and rec.pages:
            # another abstract printed on the same page, its title the start of this one's
            other = rng.choice(picked)
            out.records[f"w{number}n"] = replace(
                rec,
                title=" ".join(words[: max(7, len(words) * 2 // 3)]),
                authors=other.authors[:1] + rec.authors[2:],
                abstract=other.abstract,
                doi=None,
                raw={},
            )
    return out


def _ratio(x: int, y: int) -> float:
    return x / y if y else float("nan")


def line(name: str, n: int, c: dict[str, int], seconds: float, queue: dict[str, int]) -> str:
    sens = _ratio(c["TP"], c["TP"] + c["FN"])
    spec = _ratio(c["TN"], c["TN"] + c["FP"])
    prec = _ratio(c["TP"], c["TP"] + c["FP"])
    share = _ratio(queue["review_true"], queue["review"])
    return (
        f"{name:<24} {n:>7} {c['TP']:>6} {c['FP']:>4} {c['FN']:>5} {c['TN']:>6} "
        f"{sens:>11.4f} {spec:>11.5f} {prec:>9.4f} {seconds:>7.2f}"
        f"   review {queue['review']} (true {queue['review_true']}, {share:.2f}; "
        f"{100 * queue['review'] / max(n, 1):.2f}% of records)"
    )


HEADER = (
    f"{'set':<24} {'records':>7} {'TP':>6} {'FP':>4} {'FN':>5} {'TN':>6} "
    f"{'sensitivity':>11} {'specificity':>11} {'precision':>9} {'seconds':>7}"
)


def _table(rows: list[tuple[LabelledSet, Model]], pooled: str) -> None:
    print(HEADER)
    total = {"TP": 0, "FP": 0, "FN": 0, "TN": 0}
    total_queue = {"review": 0, "review_true": 0}
    total_n, total_s = 0, 0.0
    for data, model in rows:
        counts, seconds, queue = run_set(data, model)
        print(line(data.name, len(data.records), counts, seconds, queue), flush=True)
        for key in total:
            total[key] += counts[key]
        for key in total_queue:
            total_queue[key] += queue[key]
        total_n += len(data.records)
        total_s += seconds
    print(line(pooled, total_n, total, total_s, total_queue))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--fit", action="store_true", help="fit MODEL on the group sets")
    parser.add_argument("--synthetic", type=int, default=0, metavar="N")
    args = parser.parse_args(argv)
    sets = [
        load_set(f)
        for f in args.folders
        if f.suffix == ".xml"
        or any((f / n).exists() for n in ("labelled_test_set.csv", "records_pre_merged.csv"))
        or any(f.glob("*.xml"))
    ]
    grouped = [d for d in sets if d.groups is not None]
    if args.fit:
        model = fit(grouped)
        print(f"MODEL = Model(\n    intercept={model.intercept},\n    weights={{")
        for name in FEATURES:
            print(f'        "{name}": {model.weights[name]},')
        print("    },\n)")
        return 0
    if args.synthetic:
        sets.append(synthetic_set(grouped, args.synthetic))
    print("shipped model (MODEL: fitted on every group set; flag and synthetic sets held out)")
    _table([(d, MODEL) for d in sets], "pooled")
    print("\nleave-one-set-out (each group set with a model fitted on the other group sets)")
    held_out = [(d, fit([o for o in grouped if o is not d])) for d in grouped]
    held_out += [(d, MODEL) for d in sets if d.groups is None or d.name == "synthetic"]
    _table(held_out, "pooled (held out)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
