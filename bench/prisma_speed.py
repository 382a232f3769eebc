"""How long `screener prisma` and `screener status` take on a review of 100,000 records
(target, issue 15: under 1 s each).

Builds a review in a temporary folder with rows inserted directly (searches of every source
type and two rounds, duplicates, study links, title/abstract and full-text decisions from two
reviewers with conflicts settled by consensus, automation exclusions, not-retrieved reports),
then times:

* the counts alone (``compute_flow`` + identity checks), median of 5;
* ``review_status`` (what ``screener status`` counts), median of 3;
* the whole commands as subprocesses (median of 3): ``screener prisma`` on the terminal and with
  ``--out`` .json, .csv, .svg, ``screener prisma`` refusing (decisions pending), ``screener
  status`` and ``status --json``, each as wall and CPU time and as a ratio to two references
  measured in the same run: an empty python process and the sqlite3 shell counting the
  decisions table.

Run: ``.venv/bin/python bench/prisma_speed.py [N]``.
"""

from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from screener.db import init_review
from screener.prisma.identities import checked_flow
from screener.screening.status import review_status

SEARCHES = [
    ("PubMed", "database", 1, 0.30),
    ("Embase", "database", 1, 0.30),
    ("CENTRAL", "database", 1, 0.15),
    ("CNKI", "database", 1, 0.10),
    ("ClinicalTrials.gov", "register", 1, 0.04),
    ("Reference lists", "citation", 1, 0.01),
    ("PubMed", "database", 2, 0.08),
    ("Embase", "database", 2, 0.02),
]
REASONS = ["Wrong population", "Wrong intervention", "Wrong outcomes", "Wrong study design"]
STAMP = "2026-01-01T00:00:00+00:00"


def build(folder: Path, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    review = init_review(folder)
    db = review.db
    conn = db.conn
    records: list[tuple[object, ...]] = []
    decisions: list[tuple[object, ...]] = []
    retrieval: list[tuple[object, ...]] = []
    next_id = 1
    conn.execute("PRAGMA synchronous=OFF")  # bulk build; the timed part reads only
    conn.execute("begin")
    for sid, (name, kind, rnd, share) in enumerate(SEARCHES, start=1):
        count = int(n * share)
        conn.execute(
            "insert into searches (id, database, source_type, round, file_name, sha256,"
            " format, n_records) values (?, ?, ?, ?, ?, ?, ?, ?)",
            (sid, name, kind, rnd, f"{sid}.ris", f"sha{sid}", "ris", count),
        )
        for pos in range(count):
            rid = next_id
            next_id += 1
            dup = rng.randrange(1, rid) if rid > 10 and rng.random() < 0.25 else None
            study = rng.randrange(1, rid) if rid > 10 and rng.random() < 0.01 else None
            records.append((rid, sid, pos, f"Title {rid}", dup, study))
            if dup is not None:
                continue
            r = rng.random()
            if r < 0.05:
                decisions.append((rid, "title_abstract", "criteria", "exclude", "Year", "criteria"))
                continue
            if r < 0.06:
                continue  # left undecided: the benchmark allows incomplete
            passed = r > 0.88
            for who in ("ann", "bob"):
                verdict = "include" if passed else "exclude"
                if rng.random() < 0.02:
                    verdict = "maybe"
                decisions.append(
                    (rid, "title_abstract", who, verdict, rng.choice(REASONS), "human")
                )
            if rng.random() < 0.03:
                final = "include" if passed else "exclude"
                decisions.append((rid, "title_abstract", "lead", final, REASONS[0], "consensus"))
            if not passed:
                continue
            if rng.random() < 0.05:
                retrieval.append((rid, "not_retrieved", "No access", STAMP))
                continue
            keep = rng.random() < 0.3
            decisions.append(
                (rid, "full_text", "ann", "include" if keep else "exclude",
                 None if keep else rng.choice(REASONS), "human")
            )  # fmt: skip
    conn.executemany(
        "insert into records (id, search_id, position, title, duplicate_of, study_id)"
        " values (?, ?, ?, ?, ?, ?)",
        records,
    )
    start, start_cpu = time.perf_counter(), time.process_time()
    conn.executemany(
        "insert into decisions (record_id, stage, reviewer, decision, reason, source,"
        " created_at) values (?, ?, ?, ?, ?, ?, '" + STAMP + "')",
        decisions,
    )
    wall, used = time.perf_counter() - start, time.process_time() - start_cpu
    conn.executemany(
        "insert into retrieval (record_id, status, reason, created_at) values (?, ?, ?, ?)",
        retrieval,
    )
    conn.execute("commit")
    review.close()
    print(f"built {len(records):,} records, {len(decisions):,} decisions, {len(retrieval):,} "
          "not-retrieved rows")  # fmt: skip
    per_row = 1e6 * used / len(decisions)
    print(f"  inserting the decisions (the triggers keeping the summary and tallies included): "
          f"{wall:.2f} s wall, {used:.2f} s CPU, {per_row:.0f} us CPU a row")  # fmt: skip


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "review"
        build(folder, n)
        from screener.db import open_review

        review = open_review(folder)
        times, cpu = [], []
        for _ in range(5):
            start, start_cpu = time.perf_counter(), time.process_time()
            flow, warnings = checked_flow(review, "2020", None, allow_incomplete=True)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(f"PRISMA counts (compute_flow + checks), in process, median of 5: "
              f"{sorted(times)[2]:.3f} s wall, {sorted(cpu)[2]:.3f} s CPU")  # fmt: skip
        print(f"  records screened {flow.records_screened:,}, studies {flow.total_studies}, "
              f"{len(warnings)} warnings")  # fmt: skip
        status_times, status_cpu = [], []
        for _ in range(3):
            start, start_cpu = time.perf_counter(), time.process_time()
            review_status(review)
            status_times.append(time.perf_counter() - start)
            status_cpu.append(time.process_time() - start_cpu)
        review.close()
        print(f"status counts (review_status), in process, median of 3: "
              f"{sorted(status_times)[1]:.3f} s wall, "
              f"{sorted(status_cpu)[1]:.3f} s CPU")  # fmt: skip
        exe = Path(sys.executable).with_name("screener")
        db_path = folder / "review.db"
        references = {
            "empty python": [sys.executable, "-c", "pass"],
            "sqlite3 count(*) of decisions": [
                "sqlite3", str(db_path), "select count(*) from decisions"
            ],
        }  # fmt: skip
        refs = {}
        for label, args in references.items():
            refs[label] = _best([args])
            wall, used = refs[label]
            print(f"reference, {label}: {wall:.3f} s wall, {used:.3f} s CPU (best of 3)")
        draw = ["prisma", "-r", str(folder), "--allow-incomplete"]
        runs = [
            (f"prisma --out flow{suffix}",
             [*draw, "--out", str(Path(tmp) / f"flow{suffix}"), "--force"], 0)
            for suffix in (".json", ".csv", ".svg")
        ] + [
            ("prisma (counts on the terminal)", draw, 0),
            ("prisma (refused: pending)", ["prisma", "-r", str(folder)], 1),
            ("status", ["status", "-r", str(folder)], 0),
            ("status --json", ["status", "-r", str(folder), "--json"], 0),
        ]  # fmt: skip
        print("whole processes (imports included), median of 3; ratios to the references' CPU")
        for label, args, code in runs:
            wall, used = _best([[str(exe), *args]], code)
            ratios = ", ".join(f"{used / max(r[1], 1e-3):.0f}x {name}" for name, r in refs.items())
            print(f"  screener {label}: {wall:.3f} s wall, {used:.3f} s CPU ({ratios})")


def _best(args: list[list[str]], code: int = 0) -> tuple[float, float]:
    """Median wall and CPU time of three runs of one subprocess."""
    walls, cpus = [], []
    for _ in range(3):
        wall, used = _timed(args[0], code)
        walls.append(wall)
        cpus.append(used)
    return sorted(walls)[1], sorted(cpus)[1]


def _timed(args: list[str], code: int = 0) -> tuple[float, float]:
    """Wall and CPU time of one subprocess (its exit code checked)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert done.returncode == code, (args, done.stderr[-400:])
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


if __name__ == "__main__":
    main()
