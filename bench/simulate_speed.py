"""`screener simulate` speed per seed on a 2,000-record set, beside ASReview on the same file.

    .venv/bin/python bench/simulate_speed.py ../shared/benchmarks/screening \\
        [--asreview /work/wt/asr-venv/bin/asreview] [--seeds 1 2 3]

The 2,000-record set is made in a temporary folder (never in the project) from two of the shared
Cohen 2006 sets: all 1,333 ProtonPumpInhibitors rows, then the first 667 Triptans rows, with
their ``label_included``. Each seed is one ranked run with a refit after every decision (the
default up to 2,000 records) until the last include is found, timed in this process (wall and
CPU); with ``--asreview`` the same priors are given to ASReview's ``simulate`` (ELAS u4), timed
as a subprocess (wall, and CPU from the children's rusage), so both come from the same machine
load. The screener time includes building the TF-IDF matrix (ASReview's includes its own).
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from screener.ranking.simulation import _priors, read_labelled, simulate

sys.path.insert(0, str(Path(__file__).parent))
from asreview_compare import asreview_order


def make_set(shared: Path, out: Path) -> Path:
    columns = ["record_id", "title", "abstract", "keywords", "label_included"]
    rows = []
    for name, limit in (("ProtonPumpInhibitors", 1333), ("Triptans", 667)):
        with (shared / f"Cohen_2006_{name}.csv").open(encoding="utf-8-sig", newline="") as f:
            rows += list(csv.DictReader(f))[:limit]
    path = out / "cohen_2000.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, columns, extrasaction="ignore")
        writer.writeheader()
        for i, row in enumerate(rows, start=1):
            writer.writerow({**row, "record_id": i})
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shared", type=Path, help="the folder of the Cohen 2006 CSV files")
    parser.add_argument("--asreview", help="path of the asreview executable (optional)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--model", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = make_set(args.shared, Path(tmp))
        data = read_labelled(path)
        print(f"{len(data.labels)} records, {data.n_includes} includes")
        labels = np.asarray(data.labels, dtype=bool)
        for seed in args.seeds:
            load = os.getloadavg()[0]
            wall, cpu = time.perf_counter(), time.process_time()
            kwargs = {"model": args.model} if args.model else {}
            sim = simulate(data, runs=1, seed=seed, **kwargs)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            line = (
                f"seed {seed}: screener {wall:6.1f} s wall {cpu:6.1f} s cpu "
                f"(WSS@95 {sim.ranked[0].metrics['wss_95']:.3f}, model {sim.model})"
            )
            if args.asreview:
                priors = _priors(labels, np.random.default_rng(seed))
                t0 = time.perf_counter()
                c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
                order = asreview_order(args.asreview, path, priors, seed)
                asr = time.perf_counter() - t0
                c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
                asr_cpu = (c1.ru_utime + c1.ru_stime) - (c0.ru_utime + c0.ru_stime)
                line += (
                    f"  asreview {asr:6.1f} s wall {asr_cpu:6.1f} s cpu ({len(order)} labelled),"
                    f" ratio wall {wall / asr:.3f} cpu {cpu / asr_cpu:.3f}"
                )
            print(f"{line}  load {load:.1f}", flush=True)


if __name__ == "__main__":
    main()
