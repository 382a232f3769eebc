"""Ranking speed at 100k records: features once (cached), first model, refits, in one run.

Run: .venv/bin/python bench/ranking_speed.py [--records 100000] [--workdir DIR] [--reference]
[--reuse]

Builds a review.db of synthetic records (Zipf words from a 30,000-word vocabulary, a 12-word
title, a 120-240-word abstract, 3-8 keywords; 3 % "includes" use a topic vocabulary more often),
then times, as the ranking process does it (``screener.ranking.worker``):

- ``hash_counts alone``: hashing every record's 1-2-grams (texts already in memory);
- ``cold (end of dedupe)``: what ``screener dedupe`` adds at its end (``refresh_features``: read
  the kept records' texts, hash them, write the cache), then the same in the ranking process
  when no cache exists;
- ``warm``: a new session: read the texts, check each record's digest, read the cache file, TF-IDF
  (the features of an unchanged review);
- ``incremental``: 1,000 records added to the review: the 100k cached rows reused, 1k hashed;
- ``first model``: warm + the first fit on 2 labels + the order (what "model ready" waits for);
- fits at 10, 100, 1,000, 10,000 and 50,000 labels (fit, score every record, order), as the
  ranking process makes them: the first fit of a session opened with that many labels (a new
  Ranker), then six refits after 1, 2, 5, 1, 3 and 2 more decisions (the app sends the labels
  after each decision and the process fits the newest: 1-5 new labels a fit at 100k), one of
  the six with a new include; median and max of the six. ``--liblinear`` also times
  scikit-learn's ``LinearSVC`` (liblinear from zero: what every fit was before) on the same
  labels in the same run, for the ratio.

``--reference`` also times scikit-learn's ``HashingVectorizer`` (1-2-grams) alone and its
``TfidfVectorizer`` (1-2-grams, min_df 2) on the same texts, so the figures can be read as
ratios on a loaded machine.
Prints the load average and this process's CPU time next to every wall time.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from screener.db import DB_NAME, init_review, open_review
from screener.ranking.features import cache_path, hash_counts, load_features
from screener.ranking.ranker import Ranker, load_texts, refresh_features

VOCABULARY = 30_000


def synthetic_records(n: int, seed: int = 0, start: int = 0) -> tuple[list[tuple[Any, ...]], Any]:
    """Rows (title, abstract, keywords JSON) and the include labels of ``n`` records."""
    rng = np.random.default_rng(seed)
    vocab = np.array([f"w{i}" for i in range(VOCABULARY)])
    topic = rng.choice(VOCABULARY, 200, replace=False)
    mesh = [f"Term{i} of heading" for i in range(3000)]
    p = 1.0 / np.arange(1, VOCABULARY + 1) ** 1.1
    lengths = rng.integers(132, 252, size=n)
    words = rng.choice(VOCABULARY, size=int(lengths.sum()), p=p / p.sum())
    labels = rng.random(n) < 0.03
    rows = []
    pos = 0
    pick = random.Random(seed + start)
    for length, is_include in zip(lengths, labels, strict=True):
        record = words[pos : pos + length].copy()
        pos += length
        if is_include:  # a tenth of an include's words come from the topic vocabulary
            record[: length // 10] = rng.choice(topic, length // 10)
        tokens = vocab[record]
        keywords = pick.sample(mesh[:300] if is_include else mesh, pick.randint(3, 8))
        rows.append(
            (
                " ".join(tokens[:12]).capitalize(),
                " ".join(tokens[12:]),
                '["' + '", "'.join(keywords) + '"]',
            )
        )
    return rows, labels


def build(folder: Path, n: int) -> Any:
    review = init_review(folder, title=f"ranking bench {n}")
    rows, labels = synthetic_records(n)
    with review.db.conn:
        review.db.conn.executemany(
            "insert into records (title, abstract, keywords, authors, publication_types,"
            " authors_translated, accessions, raw) values (?, ?, ?, '[]', '[]', '[]', '{}', '{}')",
            rows,
        )
    review.close()
    return labels


def add_records(folder: Path, n: int) -> None:
    review_db = folder / DB_NAME
    import sqlite3

    rows, _ = synthetic_records(n, seed=7, start=1)
    db = sqlite3.connect(review_db)
    with db:
        db.executemany(
            "insert into records (title, abstract, keywords, authors, publication_types,"
            " authors_translated, accessions, raw) values (?, ?, ?, '[]', '[]', '[]', '{}', '{}')",
            rows,
        )
    db.close()


def timed(what: Callable[[], Any]) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    out = what()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def line(label: str, wall: float, cpu: float, extra: str = "") -> None:
    load = os.getloadavg()[0]
    print(f"{label:<44} {wall:8.2f} s wall {cpu:8.2f} s cpu  load {load:4.1f}  {extra}", flush=True)


def ids_and_texts(folder: Path) -> tuple[list[int], list[str]]:
    import sqlite3

    db = sqlite3.connect(f"file:{folder / DB_NAME}?mode=ro", uri=True)
    try:
        ids = [r[0] for r in db.execute("select id from records order by id")]
        return ids, load_texts(db, ids)
    finally:
        db.close()


def refits(
    texts: list[str], feats: Any, labels: Any, model: str, n_records: int, liblinear: bool
) -> None:
    """The first fit and six refits at each size (see the module docstring)."""
    order = np.random.default_rng(1).permutation(n_records)
    includes = [int(i) for i in order if labels[i]]
    for n_labels in (10, 100, 1_000, 10_000, 50_000):
        if n_labels >= n_records:
            break
        lab = {int(i): bool(labels[i]) for i in order[:n_labels]}
        lab[includes[0]], lab[int(np.flatnonzero(~labels)[0])] = True, False
        ranker = Ranker(texts, model=model, features=feats)
        _, wall, cpu = timed(lambda r=ranker, lab=lab: (r.fit(lab), r.order()))
        line(f"first fit, {len(lab):>6,} labels (new session)", wall, cpu)
        walls, cpus = [], []
        fresh = (int(i) for i in order[n_labels:] if int(i) not in lab)
        spare = (i for i in includes[1:] if i not in lab)
        for step, more in enumerate((1, 2, 5, 1, 3, 2)):
            for _ in range(more):
                row = next(spare) if step == 3 else next(fresh)  # the 4th refit: an include
                lab[row] = bool(labels[row])
            _, wall, cpu = timed(lambda r=ranker, lab=lab: (r.fit(lab), r.order()))
            walls.append(wall)
            cpus.append(cpu)
        line(
            f"refit, {len(lab):>6,} labels, +1-5 (median, max of 6)",
            statistics.median(walls),
            statistics.median(cpus),
            f"max {max(walls):.2f} s wall {max(cpus):.2f} s cpu",
        )
        if liblinear and n_labels >= 10_000:
            from sklearn.svm import LinearSVC

            from screener.ranking.models import MODELS, sample_weights

            member = MODELS[model].members[0].warm
            svm = member() if member is not None else None
            c, ratio = getattr(svm, "c", 0.11), getattr(svm, "ratio", 20.0)
            idx = np.fromiter(lab, dtype=np.int64)
            y = np.array([int(lab[i]) for i in idx])

            def reference(idx: Any = idx, y: Any = y, c: float = c, ratio: float = ratio) -> Any:
                clf = LinearSVC(C=c, loss="squared_hinge", dual=True, max_iter=5000)
                return clf.fit(feats.matrix[idx], y, sample_weight=sample_weights(y, ratio))

            _, wall, cpu = timed(reference)
            line(f"reference: LinearSVC, {len(lab):>6,} labels", wall, cpu, "(slice + fit)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--model", default=None)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--reference", action="store_true")
    parser.add_argument("--liblinear", action="store_true", help="time LinearSVC beside refits")
    parser.add_argument(
        "--reuse", action="store_true", help="copy the review built by an earlier run (--workdir)"
    )
    args = parser.parse_args()
    from screener.ranking.models import DEFAULT_MODEL, MODELS

    args.model = args.model or DEFAULT_MODEL
    weight = MODELS[args.model].keyword_weight
    with tempfile.TemporaryDirectory() as tmp:
        folder = (args.workdir or Path(tmp)) / f"rank{args.records}"
        import shutil

        if folder.exists():
            shutil.rmtree(folder)
        pristine = folder.parent / f"pristine-{args.records}"
        if args.reuse and (pristine / DB_NAME).exists():
            shutil.copytree(pristine, folder)
            print(f"review copied from {pristine} (--reuse)")
        else:
            _, wall, cpu = timed(lambda: build(folder, args.records))
            line(f"build review ({args.records:,} records)", wall, cpu)
            if args.workdir:
                shutil.rmtree(pristine, ignore_errors=True)
                shutil.copytree(folder, pristine)
        labels = np.asarray(synthetic_records(args.records)[1])
        path = cache_path(folder)

        (_ids, texts), wall, cpu = timed(lambda: ids_and_texts(folder))
        line("read texts from review.db", wall, cpu)

        def features() -> Any:
            ids, texts = ids_and_texts(folder)
            return load_features(path, ids, texts, keyword_weight=weight)

        _, wall, hash_cpu = timed(lambda: hash_counts(texts))
        line("hash_counts alone (all records)", wall, hash_cpu)

        def dedupe_refresh() -> Any:
            review = open_review(folder)
            try:
                return refresh_features(review.db, folder)
            finally:
                review.close()

        report, wall, cpu = timed(dedupe_refresh)
        line("cold (end of dedupe): read + hash + write", wall, cpu, f"{report}")
        path.unlink()
        (feats, report), wall, cpu = timed(features)
        line("cold (app, no cache): read + hash + write", wall, cpu, f"{report}")
        size = path.stat().st_size / 1e6
        db_size = (folder / DB_NAME).stat().st_size / 1e6
        print(f"cache file {size:.0f} MB, review.db {db_size:.0f} MB, ratio {size / db_size:.2f}")
        (feats, report), wall, cpu = timed(features)
        line("warm: read + digests + cache + TF-IDF", wall, cpu, f"{report}")
        warm = wall
        print(f"features: {feats.matrix.shape[1]:,} columns, {feats.matrix.nnz:,} non-zeros")

        ranker = Ranker(texts, model=args.model, features=feats)
        include, exclude = int(np.flatnonzero(labels)[0]), int(np.flatnonzero(~labels)[0])
        _, wall, cpu = timed(lambda: (ranker.fit({include: True, exclude: False}), ranker.order()))
        line("first fit (2 labels) + order", wall, cpu, f"first model ready {warm + wall:.2f} s")

        refits(texts, feats, labels, args.model, args.records, args.liblinear)

        _, wall, cpu = timed(lambda: add_records(folder, 1000))
        (feats, report), wall, cpu = timed(features)
        line("incremental: 1,000 new records", wall, cpu, f"{report}")

        if args.reference:
            from sklearn.feature_extraction.text import HashingVectorizer, TfidfVectorizer

            hashing = HashingVectorizer(
                n_features=2**22, ngram_range=(1, 2), alternate_sign=False, norm=None
            )
            _, wall, cpu = timed(lambda: hashing.transform(texts))
            line(
                "reference: HashingVectorizer(1-2-grams) alone",
                wall,
                cpu,
                f"hash_counts/ref CPU {hash_cpu / cpu:.2f}",
            )
            vectorizer = TfidfVectorizer(
                ngram_range=(1, 2), sublinear_tf=True, min_df=2, max_df=0.95, dtype=np.float32
            )
            _, wall, cpu = timed(lambda: vectorizer.fit_transform(texts))
            line("reference: TfidfVectorizer(1-2-grams) build", wall, cpu)


if __name__ == "__main__":
    main()
