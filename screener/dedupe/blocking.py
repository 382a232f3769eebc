"""Candidate pairs: records that share a cheap exact key, plus a fuzzy title pass.

Only pairs with at least one *new* record are produced, so a run after an import compares the
new records against everything and nothing else.

Keys (a record gets several): normalised DOI; PMID and every accession number, own or
cross-referenced (Cochrane's PubMed/Embase numbers meet the records they point to); the
token-sorted title, also of the translated title; the first eight title words (truncated
titles); first author + year; volume + first page; ISSN + volume + first page; the start of
the abstract. Weak keys whose bucket grows large are dropped (the fuzzy pass covers them).

Fuzzy pass: ``rapidfuzz.process.cdist`` of token-sorted titles, new records (rows) against
records of the same year +/- 1 (columns), in chunks of similar length so that pairs a length
difference alone rules out are never computed; ``score_cutoff`` keeps the matrix sparse. For
large reviews (see ``candidate_pairs``) the pass compares only titles sharing a rare word.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator

import numpy as np
from rapidfuzz import fuzz, process

from screener.dedupe.features import Features

FUZZY_CUTOFF = 85  # token-sorted title ratio (0..100) for a fuzzy candidate
CHUNK = 2000  # rows per cdist call
EXHAUSTIVE_CELLS = 60_000_000  # above this many title comparisons, block on rare title words
RARE_WORDS = 3  # rarest title words (of 4+ letters) each record is indexed under
RARE_BUCKET = 100  # words shared by more titles than this are not rare
_STRONG = ("doi", "id", "title")
_BUCKET_LIMIT = {"strong": 60, "weak": 25}
# ratio >= c (in %) bounds the longer length by la * (200 / c - 1)
_LENGTH_FACTOR = 200 / FUZZY_CUTOFF - 1


def keys(f: Features) -> Iterator[tuple[str, str]]:
    """The blocking keys of one record as (kind, key)."""
    if f.doi:
        yield "doi", f.doi
    for ident in f.ids:
        yield "id", ident
    for title in (f.title_sorted, " ".join(sorted(f.title_translated.split()))):
        if title and len(title) >= 10:
            yield "title", title
    words = f.title.split()
    if len(words) >= 8:
        yield "prefix", " ".join(words[:8])
    if f.authors and f.year:
        yield "author-year", f"{f.authors[0]}|{f.year}"
    if f.volume and f.first_page:
        yield "volume-page", f"{f.volume}|{f.first_page}"
        for issn in f.issn:
            yield "issn-volume-page", f"{issn}|{f.volume}|{f.first_page}"
    if len(f.abstract) >= 100:
        yield "abstract", f.abstract[:100]


def _pairs_from_buckets(records: list[Features], new: set[int]) -> set[tuple[int, int]]:
    buckets: dict[str, list[int]] = defaultdict(list)
    for index, f in enumerate(records):
        for kind, key in keys(f):
            buckets[f"{kind}\x1f{key}"].append(index)
    pairs: set[tuple[int, int]] = set()
    for name, members in buckets.items():
        if len(members) < 2:
            continue
        kind = name.partition("\x1f")[0]
        limit = _BUCKET_LIMIT["strong" if kind in _STRONG else "weak"]
        fresh = [m for m in members if m in new]
        if not fresh or len(members) > limit:
            continue
        for i in fresh:
            for j in members:
                if i != j:
                    pairs.add((i, j) if i < j else (j, i))
    return pairs


def _fuzzy_pairs(records: list[Features], new: set[int]) -> set[tuple[int, int]]:
    by_year: dict[int | None, list[int]] = defaultdict(list)
    for index, f in enumerate(records):
        if f.title_sorted:
            by_year[f.year].append(index)
    pairs: set[tuple[int, int]] = set()
    for year in sorted(by_year, key=lambda y: -1 if y is None else y):
        rows = sorted(
            (i for i in by_year[year] if i in new), key=lambda i: len(records[i].title_sorted)
        )
        if not rows:
            continue
        if year is None:
            columns_idx = [i for members in by_year.values() for i in members]
        else:
            columns_idx = by_year.get(year - 1, []) + by_year[year] + by_year.get(year + 1, [])
            columns_idx += by_year.get(None, [])
        columns_idx.sort(key=lambda i: len(records[i].title_sorted))
        lengths = [len(records[i].title_sorted) for i in columns_idx]
        titles = [records[i].title_sorted for i in columns_idx]
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            low = len(records[chunk[0]].title_sorted) / _LENGTH_FACTOR
            high = len(records[chunk[-1]].title_sorted) * _LENGTH_FACTOR
            lo, hi = (
                bisect.bisect_left(lengths, int(low)),
                bisect.bisect_right(lengths, int(high) + 1),
            )
            if hi - lo < 1:
                continue
            matrix = process.cdist(
                [records[i].title_sorted for i in chunk],
                titles[lo:hi],
                scorer=fuzz.ratio,
                score_cutoff=FUZZY_CUTOFF,
                dtype=np.uint8,
                workers=-1,
            )
            for r, c in zip(*np.nonzero(matrix), strict=True):
                i, j = chunk[int(r)], columns_idx[lo + int(c)]
                if i != j:
                    pairs.add((i, j) if i < j else (j, i))
    return pairs


def _window_cells(records: list[Features], new: set[int]) -> int:
    """How many title comparisons the exhaustive (year-window) pass would make."""
    per_year: dict[int | None, int] = defaultdict(int)
    new_per_year: dict[int | None, int] = defaultdict(int)
    for index, f in enumerate(records):
        per_year[f.year] += 1
        if index in new:
            new_per_year[f.year] += 1
    cells = 0
    for year, count in new_per_year.items():
        if year is None:
            cells += count * len(records)
        else:
            window = sum(per_year.get(y, 0) for y in (year - 1, year, year + 1))
            cells += count * (window + per_year.get(None, 0))
    return cells


def _rare_word_pairs(records: list[Features], new: set[int]) -> set[tuple[int, int]]:
    """Pairs sharing one of each title's rarest words, kept when the titles are close."""
    frequency: Counter[str] = Counter()
    for f in records:
        frequency.update({w for w in f.title.split() if len(w) >= 4})
    buckets: dict[str, list[int]] = defaultdict(list)
    for index, f in enumerate(records):
        words = sorted({w for w in f.title.split() if len(w) >= 4}, key=lambda w: (frequency[w], w))
        for word in words[:RARE_WORDS]:
            buckets[word].append(index)
    raw: set[tuple[int, int]] = set()
    for members in buckets.values():
        if len(members) < 2 or len(members) > RARE_BUCKET:
            continue
        for i in members:
            if i not in new:
                continue
            yi = records[i].year
            for j in members:
                yj = records[j].year
                if i != j and (yi is None or yj is None or abs(yi - yj) <= 1):
                    raw.add((i, j) if i < j else (j, i))
    pairs: set[tuple[int, int]] = set()
    ordered = sorted(raw)
    for start in range(0, len(ordered), 500_000):
        part = ordered[start : start + 500_000]
        scores = process.cpdist(
            [records[i].title_sorted for i, _ in part],
            [records[j].title_sorted for _, j in part],
            scorer=fuzz.ratio,
            score_cutoff=FUZZY_CUTOFF,
            dtype=np.uint8,
            workers=-1,
        )
        pairs.update(p for p, score in zip(part, scores, strict=True) if score)
    return pairs


def candidate_pairs(records: list[Features], new: Iterable[int]) -> list[tuple[int, int]]:
    """Index pairs (i < j into ``records``) worth scoring; each involves a new record.

    The fuzzy title pass is exhaustive within year windows (``cdist``) while that stays under
    ``EXHAUSTIVE_CELLS`` comparisons (reviews up to some tens of thousands of records); above,
    it compares only titles that share one of their rarest words (``cpdist`` on those pairs),
    which keeps the cost linear in the number of records.
    """
    fresh = set(new)
    pairs = _pairs_from_buckets(records, fresh)
    if _window_cells(records, fresh) <= EXHAUSTIVE_CELLS:
        pairs |= _fuzzy_pairs(records, fresh)
    else:
        pairs |= _rare_word_pairs(records, fresh)
    return sorted(pairs)
