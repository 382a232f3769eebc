"""ASReview's default model (ELAS u4) on the same sets, priors and seeds as ``screener simulate``.

ASReview must live in its own virtual environment, outside the project:

    python3 -m venv /work/wt/asr-venv && /work/wt/asr-venv/bin/pip install asreview
    .venv/bin/python bench/asreview_compare.py --asreview /work/wt/asr-venv/bin/asreview \\
        ../shared/benchmarks/screening/Cohen_2006_*.csv --seeds 1 2 3 4 5 --out asr.jsonl

For each set and seed it draws the starting records exactly as ``screener simulate`` does (one
random include and one random exclude from ``numpy.random.default_rng(seed)``), passes them to
``asreview simulate --prior-idx INC EXC --seed SEED`` (ASReview's row numbers are 0-based data
rows, like ours), reads the screening order back from the project file (``results`` table, in
the order the labels were written) and scores it with the project's own metrics
(``screener.ranking.simulation.order_metrics``: WSS@95 with the starting records counted as
screened). One JSON line per run, with ASReview's wall time and, in the same run, the time of
``screener.ranking.simulation.simulate`` for the same seed (so the two are compared under the
same machine load).
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np

from screener.ranking.simulation import _priors, order_metrics, read_labelled, simulate


def asreview_order(asreview: str, path: Path, priors: tuple[int, int], seed: int) -> list[int]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "sim.asreview"
        subprocess.run(
            [
                *(asreview, "simulate", str(path), "--prior-idx", str(priors[0]), str(priors[1])),
                *("--seed", str(seed), "-o", str(out)),
            ],
            check=True,
            capture_output=True,
            cwd=tmp,
        )
        with zipfile.ZipFile(out) as archive:
            archive.extract("results.db", tmp)
        db = sqlite3.connect(Path(tmp) / "results.db")
        try:
            rows = db.execute("select record_id from results order by rowid").fetchall()
        finally:
            db.close()
    return [int(r[0]) for r in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", type=Path, nargs="+")
    parser.add_argument("--asreview", required=True, help="path of the asreview executable")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    parser.add_argument("--model", default=None, help="our model (default: the default)")
    parser.add_argument("--out", type=Path, help="append JSON lines here too")
    args = parser.parse_args()
    for path in args.sets:
        data = read_labelled(path)
        labels = np.asarray(data.labels, dtype=bool)
        for seed in args.seeds:
            priors = _priors(labels, np.random.default_rng(seed))
            load = os.getloadavg()[0]
            t0 = time.perf_counter()
            order = asreview_order(args.asreview, path, priors, seed)
            asr_s = time.perf_counter() - t0
            assert order[:2] == list(priors), (order[:2], priors)
            metrics = order_metrics(labels[order].tolist(), len(labels), data.n_includes)
            t0 = time.perf_counter()
            kwargs = {"model": args.model} if args.model else {}
            ours = simulate(data, runs=1, seed=seed, **kwargs)
            ours_s = time.perf_counter() - t0
            line = {
                "set": path.name,
                "seed": seed,
                "priors": list(priors),
                "asreview_wss_95": metrics["wss_95"],
                "asreview_recall_at_10": metrics["recall_at_10"],
                "asreview_recall_at_25": metrics["recall_at_25"],
                "asreview_s": asr_s,
                "ours_model": ours.model,
                "ours_wss_95": ours.ranked[0].metrics["wss_95"],
                "ours_s": ours_s,
                "load": load,
            }
            text = json.dumps(line)
            print(text, flush=True)
            if args.out:
                with args.out.open("a", encoding="utf-8") as handle:
                    handle.write(text + "\n")


if __name__ == "__main__":
    main()
