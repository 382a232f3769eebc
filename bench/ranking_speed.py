"""Ranking speed: build the TF-IDF matrix once, then time retrains at 10k and 100k records.

Run: .venv/bin/python bench/ranking_speed.py [--sizes 10000 100000] [--models svm lr nb]

Texts are synthetic (Zipf-distributed words from a 30,000-word vocabulary, about 180 words per
record: a title plus an abstract); 3 % of records are "includes" that use a topic vocabulary
more often. A retrain is Ranker.fit(labels): fitting the classifier on the labelled records,
scoring every record and sorting the unlabelled ones. Printed: seconds to create the Ranker
(keyword order, with four rare terms as in a real protocol), seconds to
build the TF-IDF matrix (once per session, Ranker.prepare) and the median of 3 retrains at
several label counts.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

import numpy as np

from screener.ranking.ranker import Ranker


def synthetic_texts(n: int, seed: int = 0) -> tuple[list[str], np.ndarray]:
    rng = np.random.default_rng(seed)
    vocab = np.array([f"w{i}" for i in range(30_000)])
    topic = rng.choice(len(vocab), 200, replace=False)
    p = 1.0 / np.arange(1, len(vocab) + 1) ** 1.1
    lengths = rng.integers(120, 240, size=n)
    words = rng.choice(len(vocab), size=int(lengths.sum()), p=p / p.sum())
    labels = rng.random(n) < 0.03
    texts = []
    start = 0
    for length, is_include in zip(lengths, labels, strict=True):
        record = words[start : start + length].copy()
        start += length
        if is_include:  # a tenth of an include's words come from the topic vocabulary
            record[: length // 10] = rng.choice(topic, length // 10)
        tokens = vocab[record]
        texts.append(" ".join(tokens[:15]) + ".\n" + " ".join(tokens[15:]))
    return texts, labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--models", nargs="+", default=["svm", "sgd", "nb"])
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {platform.processor() or '?'}, "
        f"python {platform.python_version()}, {platform.system()} {platform.release()}"
    )
    for n in args.sizes:
        t0 = time.perf_counter()
        texts, labels = synthetic_texts(n)
        print(f"\n{n:,} records (texts generated in {time.perf_counter() - t0:.1f} s)")
        rng = np.random.default_rng(1)
        for model in args.models:
            t0 = time.perf_counter()
            ranker = Ranker(texts, ["w1234", "w2345*", "w77 w78"], ["w3456"], model=model)
            start = time.perf_counter() - t0
            t0 = time.perf_counter()
            ranker.prepare()
            build = time.perf_counter() - t0
            print(
                f"  {model}: Ranker() (keyword order) {start:.1f} s, matrix build {build:.1f} s, "
                f"{ranker.matrix.shape[1]:,} features, {ranker.matrix.nnz:,} non-zeros"
            )
            for n_labels in (100, 1_000, n // 10, n // 2):
                chosen = rng.choice(n, n_labels, replace=False)
                lab = {int(i): bool(labels[i]) for i in chosen}
                lab[int(np.flatnonzero(labels)[0])] = True
                times = []
                for _ in range(3):
                    t0 = time.perf_counter()
                    ranker.fit(lab)
                    times.append(time.perf_counter() - t0)
                print(
                    f"    retrain with {len(lab):>7,} labels: {statistics.median(times):.3f} s "
                    f"(state says {ranker.state().fit_seconds:.3f} s)"
                )


if __name__ == "__main__":
    main()
