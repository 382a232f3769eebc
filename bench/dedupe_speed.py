"""Speed and memory of ``screener dedupe`` on generated exports (seeded, reproducible).

    .venv/bin/python bench/dedupe_speed.py --records 10000 --records 100000

The generator and the deduplicator run in separate processes (peak memory = the deduplicating
process's max RSS, the records read from a review.db on disk). The generator writes each
work to 1-4 of 4 databases so that about 30% of the records are duplicates, with the damage real
exports show: typos, titles truncated at 100 characters, author formats ("Surname, Given" /
"Surname GI"), abbreviated page ranges, journal abbreviations, missing DOIs, ahead-of-print
years (+1). Hard negatives: generic short titles shared by different works, errata carrying
an article's title, conference abstracts of a later paper. The gold groups are known, so the
line also gives the record-level sensitivity and specificity on the generated set.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from itertools import groupby
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from screener.db import connect
from screener.dedupe import deduplicate, review_queue
from screener.record import Record
from screener.searches import store_records

DATABASES = ("PubMed", "Embase", "CENTRAL", "Web of Science")
DOI_RATE = {"PubMed": 0.75, "Embase": 0.85, "CENTRAL": 0.5, "Web of Science": 0.9}
SYLLABLES = (
    "ka",
    "ro",
    "mi",
    "te",
    "su",
    "lin",
    "dor",
    "pha",
    "gen",
    "tri",
    "col",
    "ven",
    "sta",
    "mor",
    "quel",
    "bri",
    "nox",
    "zel",
    "tam",
    "cor",
    "lep",
    "vir",
    "ost",
    "ax",
)
STOP = ("of", "in", "and", "the", "with", "for", "a", "on", "versus", "after")
GENERIC = (
    "Dermatomyositis",
    "Polymyositis",
    "Editorial",
    "Case report",
    "Introduction",
    "Myositis update",
    "Letter to the editor",
    "Highlights",
    "Tacrolimus",
    "Reply",
)


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        rng = self.rng
        self.vocabulary = [_word(rng) for _ in range(60000)]
        weights = [1 / (i + 1) ** 0.9 for i in range(len(self.vocabulary))]
        self.cum_weights = list(itertools.accumulate(weights))  # once, not per title
        self.surnames = [_word(rng).capitalize() for _ in range(6000)]
        self.journals = []
        for _ in range(800):
            words = [_word(rng).capitalize() for _ in range(rng.randint(1, 4))]
            full = "Journal of " + " ".join(words)
            abbrev = "J " + " ".join(w[: rng.randint(3, 5)] for w in words)
            self.journals.append(
                (full, abbrev, f"{rng.randint(1000, 9999)}-{rng.randint(100, 999)}X")
            )

    def title(self) -> str:
        rng = self.rng
        words = rng.choices(self.vocabulary, cum_weights=self.cum_weights, k=rng.randint(6, 18))
        for i in range(2, len(words), rng.randint(3, 5)):
            words[i] = rng.choice(STOP)
        return " ".join(words).capitalize()

    def work(self, n: int) -> dict[str, Any]:
        rng = self.rng
        journal = rng.choice(self.journals)
        first = rng.randint(1, 2000)
        generic = rng.random() < 0.01
        return {
            "title": rng.choice(GENERIC) if generic else self.title(),
            "authors": [
                (
                    rng.choice(self.surnames),
                    "".join(rng.choice("ABCDEFGHJKLMNPRST") for _ in range(rng.randint(1, 2))),
                )
                for _ in range(rng.randint(1, 8))
            ],
            "year": rng.randint(1990, 2024),
            "journal": journal,
            "volume": str(rng.randint(1, 120)),
            "issue": str(rng.randint(1, 12)),
            "first": first,
            "last": first + rng.randint(0, 14),
            "doi": f"10.{rng.randint(1000, 9999)}/gen.{n}",
            "abstract": " ".join(rng.choices(self.vocabulary, k=rng.randint(60, 200))),
        }

    def typo(self, text: str) -> str:
        rng = self.rng
        i = rng.randrange(1, max(2, len(text) - 1))
        kind = rng.random()
        if kind < 0.4:
            return text[:i] + text[i + 1 :]
        if kind < 0.7:
            return text[:i] + rng.choice("aeiouns") + text[i:]
        return text[:i] + text[i].upper() + text[i + 1 :] if text[i].isalpha() else text

    def record(self, w: dict[str, Any], database: str) -> Record:
        rng = self.rng
        title = w["title"]
        if rng.random() < 0.05:
            title = self.typo(title)
        if rng.random() < 0.05 and len(title) > 100:
            title = title[:100]
        if rng.random() < 0.3:
            title += "."
        if rng.random() < 0.5:
            authors = [f"{s}, {' '.join(c + '.' for c in g)}" for s, g in w["authors"]]
        else:
            authors = [f"{s} {g}" for s, g in w["authors"]]
        if rng.random() < 0.1:
            authors = authors[:3]
        full, abbrev, issn = w["journal"]
        first, last = w["first"], w["last"]
        pages = (
            f"{first}-{str(last)[-len(str(last)) + len(str(first)) - 1 :]}"
            if (database == "PubMed" and last > first)
            else f"{first}-{last}"
        )
        year = w["year"] + (1 if rng.random() < 0.05 else 0)
        return Record(
            title=title,
            authors=authors,
            year=year,
            journal=abbrev if database in ("PubMed", "CENTRAL") else full,
            issn=issn if rng.random() < 0.6 else None,
            volume=w["volume"] if rng.random() < 0.97 else None,
            issue=w["issue"] if rng.random() < 0.9 else None,
            pages=pages if rng.random() < 0.95 else None,
            doi=w["doi"] if rng.random() < DOI_RATE[database] else None,
            abstract=w["abstract"] if rng.random() < 0.8 else None,
        )

    def hard_negative(self, w: dict[str, Any], n: int) -> Record:
        """An erratum or a conference abstract carrying the title of work ``w``."""
        rng = self.rng
        full, _, _ = w["journal"]
        if rng.random() < 0.5:
            return Record(
                title=f"Erratum: {w['title']}",
                authors=[f"{s} {g}" for s, g in w["authors"]],
                year=w["year"] + rng.randint(0, 1),
                journal=full,
                volume=str(int(w["volume"]) + 1),
                pages=str(rng.randint(1, 900)),
                doi=f"10.{rng.randint(1000, 9999)}/err.{n}",
            )
        return Record(
            title=w["title"],
            authors=[f"{s} {g}" for s, g in w["authors"]][:4],
            year=w["year"] - 1,
            journal=f"{full}. Conference: Annual Meeting",
            volume=str(rng.randint(1, 120)),
            issue="Suppl 1",
            pages=f"S{rng.randint(1, 900)}",
            publication_types=["Conference Abstract"],
        )


def generate(total: int, seed: int) -> list[tuple[str, Record, int]]:
    """(database, record, gold work id) rows; about 30% of them duplicates."""
    gen = Generator(seed)
    rng = gen.rng
    out: list[tuple[str, Record, int]] = []
    n = 0
    while len(out) < total:
        w = gen.work(n)
        copies = rng.choices((1, 2, 3, 4), (0.56, 0.28, 0.11, 0.05))[0]
        for database in rng.sample(DATABASES, copies):
            out.append((database, gen.record(w, database), n))
        if rng.random() < 0.02:
            out.append((rng.choice(DATABASES), gen.hard_negative(w, n), -1 - n))
        n += 1
    out = out[:total]
    rng.shuffle(out)
    return out


def run_one(total: int, seed: int) -> dict[str, float]:
    rows = generate(total, seed)
    with tempfile.TemporaryDirectory() as tmp:
        db = connect(Path(tmp) / "review.db")
        started = time.perf_counter()
        search_ids = {}
        for number, name in enumerate(DATABASES, 1):
            search_ids[name] = int(
                db["searches"]
                .insert(  # type: ignore[union-attr]
                    {
                        "database": name,
                        "round": 1,
                        "file_name": f"{name}.ris",
                        "sha256": str(number),
                        "format": "ris",
                        "n_records": 0,
                    }
                )
                .last_pk
            )
        # an empty table numbers the records 1, 2, ... in insertion order
        gold = {position: work for position, (_, _, work) in enumerate(rows, 1)}
        # stored as `screener import` stores them; consecutive rows of one database together
        db.execute("BEGIN")  # the connection autocommits; one transaction, as an import
        with db.conn:
            for database, run in groupby(enumerate(rows, 1), key=lambda item: item[1][0]):
                items = list(run)
                store_records(
                    db.conn,
                    (rec for _, (_, rec, _) in items),
                    search_ids[database],
                    (position for position, _ in items),
                )
        del rows  # the generated records are in the database now; free them
        loaded = time.perf_counter() - started
        db.close()
        # deduplicate in a fresh process, so its peak memory is the deduplicator's alone
        out = subprocess.run(
            [sys.executable, __file__, "--dedupe-only", str(Path(tmp) / "review.db")],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        measured = {k: float(v) for k, v in (kv.split("=") for kv in out.split())}
        db = connect(Path(tmp) / "review.db")
        kept = dict(db.execute("select id, duplicate_of from records"))
        queue = len(review_queue(db))
        db.close()
    by_work: dict[int, list[int]] = {}
    for rid, work in gold.items():
        by_work.setdefault(work, []).append(rid)
    tp = fp = fn = tn = 0
    for members in by_work.values():
        removed = sum(1 for m in members if kept[m] is not None)
        left = len(members) - removed
        if left:
            tp, tn, fn = tp + removed, tn + 1, fn + left - 1
        else:
            tp, fp = tp + removed - 1, fp + 1
    return measured | {
        "records": total,
        "load": loaded,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "review": queue,
    }


def dedupe_only(path: str) -> dict[str, float]:
    """Time ``deduplicate`` on an existing review database, then a second (idle) run."""
    db = connect(path)
    started, cpu = time.perf_counter(), time.process_time()
    summary = deduplicate(db)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    started = time.perf_counter()
    again = deduplicate(db)
    rerun = time.perf_counter() - started
    assert again.changed == 0
    db.close()
    return {
        "seconds": seconds,
        "cpu": cpu,
        "rerun": rerun,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "candidates": summary.candidates,
        "duplicates": summary.duplicates,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, action="append", help="size (repeatable)")
    parser.add_argument("--seed", type=int, default=2015)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--dedupe-only", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.dedupe_only:
        print(" ".join(f"{k}={v}" for k, v in dedupe_only(args.dedupe_only).items()))
        return 0
    sizes = args.records or [10_000, 100_000]
    if args.child:
        r = run_one(sizes[0], args.seed)
        print(" ".join(f"{k}={v}" for k, v in r.items()))
        return 0
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {sys.platform}")
    print(f"load average at start: {os.getloadavg()[0]:.1f}")
    print(
        f"{'records':>9} {'dedupe s':>9} {'cpu s':>7} {'rerun s':>8} {'peak MB':>8} "
        f"{'candidates':>10} {'dups':>7} {'review':>6} {'sens':>7} {'spec':>8}   (insert s)"
    )
    timings: dict[int, float] = {}
    for size in sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--child", "--records", str(size), "--seed", str(args.seed)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        r = {k: float(v) for k, v in (kv.split("=") for kv in out.split())}
        timings[size] = r["seconds"]
        sens = r["tp"] / max(r["tp"] + r["fn"], 1)
        spec = r["tn"] / max(r["tn"] + r["fp"], 1)
        print(
            f"{size:>9} {r['seconds']:>9.1f} {r['cpu']:>7.1f} {r['rerun']:>8.1f} "
            f"{r['peak_mb']:>8.0f} {int(r['candidates']):>10} {int(r['duplicates']):>7} "
            f"{int(r['review']):>6} "
            f"{sens:>7.4f} {spec:>8.5f}   ({r['load']:.1f})"
        )
    if 10_000 in timings and 100_000 in timings:
        print(f"100k/10k time ratio: {timings[100_000] / timings[10_000]:.1f} (10.0 = linear)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
