"""Model choice by leave-one-set-out: pick on two labelled sets, report on the third, rotate.

    .venv/bin/python bench/ranking_select.py ../shared/benchmarks/screening/Cohen_2006_*.csv \\
        --models svm nb svm+nb svm-kw0.25 svm+nb-kw0.25 --seeds 1 2 3 4 5 --out select.jsonl \\
        --asreview-runs asr.jsonl

Runs ``screener.ranking.simulation.simulate`` for every set, model and seed (the same priors as
``screener simulate``), appends one JSON line per run to ``--out`` (runs already there are not
repeated), then prints, for each held-out set, the candidate picked on the OTHER sets and its
mean WSS@95 on the held-out one. Only those held-out figures are unbiased; the per-set table of
every model is development data.

Selection rule (fixed before the runs): with ``--asreview-runs`` (the JSON lines of
bench/asreview_compare.py), the candidate whose worst margin over ASReview's mean WSS@95 on the
picking sets is highest (a candidate robust on every set); without it, the best mean WSS@95 on
the picking sets. Ties go to the candidate listed first.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import time
from pathlib import Path

from screener.ranking.ranker import record_text
from screener.ranking.simulation import LabelledSet, read_labelled, simulate

TEXTS = ("all", "no_keywords", "keyword_words", "title_twice", "noabs")
NO_ABSTRACT = "noabstractrecord"


def with_text(data: LabelledSet, variant: str) -> LabelledSet:
    """The set with another record text: ``all`` (title, abstract, keywords: record_text,
    each keyword one token), ``no_keywords`` (title and abstract only), ``keyword_words``
    (the keywords' words as more words of the text, with pairs across keywords),
    ``title_twice`` (record_text with the title once more), ``noabs`` (record_text plus a word
    of its own, ``NO_ABSTRACT``, on records without an abstract, which the model can learn)."""
    if variant == "all":
        return data
    with data.path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    texts = []
    for row in rows:
        if variant == "title_twice":
            texts.append((row.get("title") or "") + "\n" + record_text(row))
            continue
        if variant == "noabs":
            empty = not (row.get("abstract") or "").strip()
            texts.append(record_text(row) + (f"\n{NO_ABSTRACT}" if empty else ""))
            continue
        text = (row.get("title") or "") + "\n" + (row.get("abstract") or "")
        if variant == "keyword_words":
            text += "\n" + (row.get("keywords") or "")
        texts.append(text)
    return LabelledSet(data.path, data.label_column, texts, data.labels)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", type=Path, nargs="+")
    parser.add_argument("--models", nargs="+", required=True)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--texts", nargs="+", default=["all"], choices=TEXTS)
    parser.add_argument("--asreview-runs", type=Path, help="bench/asreview_compare.py output")
    args = parser.parse_args()
    done: dict[tuple[str, str, int], dict[str, float]] = {}
    if args.out.exists():
        for line in args.out.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            done[(row["set"], row["model"], row["seed"])] = row
    candidates = [  # a model, or MODEL/TEXT for one text variant only
        m if "/" in m or t == "all" else f"{m}/{t}" for t in args.texts for m in args.models
    ]
    candidates = list(dict.fromkeys(candidates))
    for path in args.sets:
        original = read_labelled(path)
        for candidate in candidates:
            model, _, text = candidate.partition("/")
            data = with_text(original, text or "all")
            for seed in args.seeds:
                if (path.name, candidate, seed) in done:
                    continue
                load = os.getloadavg()[0]
                t0 = time.perf_counter()
                run = simulate(data, runs=1, seed=seed, model=model).ranked[0]
                row = {
                    "set": path.name,
                    "model": candidate,
                    "seed": seed,
                    "wss_95": run.metrics["wss_95"],
                    "recall_at_10": run.metrics["recall_at_10"],
                    "seconds": time.perf_counter() - t0,
                    "load": load,
                }
                done[(path.name, candidate, seed)] = row
                with args.out.open("a", encoding="utf-8") as handle:
                    handle.write(json.dumps(row) + "\n")
                print(json.dumps(row), flush=True)
    names = [p.name for p in args.sets]

    def mean(set_name: str, model: str) -> float:
        return statistics.mean(done[(set_name, model, s)]["wss_95"] for s in args.seeds)

    print("\nmean WSS@95 over seeds (development figures):")
    for model in candidates:
        print(f"  {model:<26}" + "  ".join(f"{n[:24]:>24} {mean(n, model):.3f}" for n in names))
    asr: dict[str, float] = {}
    if args.asreview_runs:
        runs: dict[str, list[float]] = {}
        for line in args.asreview_runs.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row["seed"] in args.seeds:
                runs.setdefault(row["set"], []).append(row["asreview_wss_95"])
        asr = {name: statistics.mean(values) for name, values in runs.items()}
        print(
            "  "
            + f"{'ASReview ELAS u4':<26}"
            + "  ".join(f"{n[:24]:>24} {asr[n]:.3f}" for n in names)
        )

    def merit(model: str, picking: list[str]) -> float:
        if asr:
            return min(mean(n, model) - asr[n] for n in picking)
        return statistics.mean(mean(n, model) for n in picking)

    rule = "worst margin over ASReview" if asr else "mean WSS@95"
    print(f"\nleave-one-set-out (picked by {rule} on the other sets, reported on the third):")
    for held in names:
        others = [n for n in names if n != held]
        best = max(candidates, key=lambda m: merit(m, others))  # first listed wins ties
        line = f"  held out {held}: picked {best}, WSS@95 {mean(held, best):.3f}"
        if asr:
            line += f" (ASReview {asr[held]:.3f}, margin {mean(held, best) - asr[held]:+.3f})"
        print(line)


if __name__ == "__main__":
    main()
