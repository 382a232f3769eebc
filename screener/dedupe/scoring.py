"""Per-field similarity of two records (the evidence stored with every pair).

Each field gives a value in 0..1, or None when either record lacks it (unknown, never
"different"). Exact-identity fields (DOI, PMID, accessions, volume, issue, pages, year) give
1.0 or 0.0.
"""

from __future__ import annotations

from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import JaroWinkler

from screener.dedupe.features import Features
from screener.dedupe.pages import pages_similarity
from screener.dedupe.venue import venue_similarity

Scores = dict[str, Any]

# Shortest title prefix accepted as "the same title, truncated".
_PREFIX_CHARS = 40
# Fewest words of a title that another title continues or ends with (subtitle lost, heading).
_PART_WORDS = 3


def _title(a: str, b: str, a_sorted: str = "", b_sorted: str = "") -> tuple[float | None, bool]:
    """(similarity, partial): ``partial`` when the value comes from one title being a part of
    the other (truncated, subtitle lost, heading prefixed), not from the whole titles."""
    if not a or not b:
        return None, False
    if a == b:
        return 1.0, False
    whole = fuzz.ratio(a, b)
    if a_sorted and b_sorted:
        whole = max(whole, fuzz.ratio(a_sorted, b_sorted))
    part = 0.0
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= _PREFIX_CHARS and long.startswith(short):
        part = 97.0
    elif len(short.split()) >= _PART_WORDS and (
        long.startswith(short + " ") or long.endswith(" " + short)
    ):
        part = 90.0  # a title that the other one continues (subtitle lost) or ends (heading)
    elif len(short) >= _PREFIX_CHARS and len(short) < 0.9 * len(long):
        # truncated with a typo: compare the shorter with the same length of the longer
        part = min(96.0, fuzz.ratio(short, long[: len(short)]))
    if part > whole:
        return round(part / 100, 3), True
    return round(whole / 100, 3), False


def _best_title(a: Features, b: Features) -> tuple[float | None, bool]:
    """The best agreement between any form of one title and any form of the other."""
    best = _title(a.title, b.title, a.title_sorted, b.title_sorted)
    if not a.title_alts and not b.title_alts:
        return best
    for x in (a.title, *a.title_alts):
        for y in (b.title, *b.title_alts):
            if (x, y) == (a.title, b.title):
                continue
            found = _title(x, y, " ".join(sorted(x.split())), " ".join(sorted(y.split())))
            if found[0] is not None and (best[0] is None or found[0] > best[0]):
                best = found
    return best


def _same(x: str, y: str) -> float | None:
    if not x or not y:
        return None
    return 1.0 if x == y else 0.0


def authors_similarity(a: tuple[str, ...], b: tuple[str, ...]) -> float | None:
    """Surname agreement 0..1: first author (typo-tolerant), share of the shorter list shared."""
    if not a or not b:
        return None
    sa, sb = set(a), set(b)
    overlap = len(sa & sb) / min(len(sa), len(sb))
    if not _same_surname(a[0], b[0]) and a[0] not in b[:3] and b[0] not in a[:3]:
        # first author differs (lost letter, compound name): the rest must agree
        if len(sa & sb) >= 2 and overlap >= 0.5:
            return round(0.3 + 0.5 * overlap, 3)
        return round(0.25 * overlap, 3)
    return round(0.4 + 0.6 * overlap, 3)


def _same_surname(x: str, y: str) -> bool:
    if x == y:
        return True
    short, long = (x, y) if len(x) <= len(y) else (y, x)
    if len(short) >= 4 and (long.startswith(short) or long.endswith(short)):
        return True  # "brenna" / "fernandesbrenna", "stensson" / "ostensson"
    return bool(JaroWinkler.normalized_similarity(x, y) >= 0.9)


def journal_similarity(a: Features, b: Features) -> float | None:
    if a.issn and b.issn and a.issn & b.issn:
        return 1.0
    return venue_similarity(a.journals, b.journals)


def _numbers(a: tuple[str, ...], b: tuple[str, ...]) -> float | None:
    """0.0 when each title has a number the other lacks (part 1 / part 2); else None."""
    if set(a) - set(b) and set(b) - set(a):
        return 0.0
    return None


def compare(a: Features, b: Features) -> Scores:
    """The evidence for one pair, field by field."""
    cross_language = a.cjk != b.cjk
    if cross_language:
        # a CJK title is compared only through its translated title (never guessed)
        ta, tb = (a.title_translated, b.title) if a.cjk else (a.title, b.title_translated)
        title, partial = _title(ta, tb, " ".join(sorted(ta.split())), " ".join(sorted(tb.split())))
    else:
        title, partial = _best_title(a, b)
    year = None if a.year is None or b.year is None else abs(a.year - b.year)
    abstract = None
    if len(a.abstract) > 50 and len(b.abstract) > 50:
        abstract = round(fuzz.ratio(a.abstract, b.abstract) / 100, 3)
    return {
        "title": title,
        "authors": authors_similarity(a.authors, b.authors),
        "year_gap": year,
        "journal": journal_similarity(a, b),
        "volume": _same(a.volume, b.volume),
        "issue": _same(a.issue, b.issue),
        "pages": pages_similarity(a.pages, b.pages),
        "abstract": abstract,
        "doi": _same(a.doi, b.doi),
        "pmid": _same(a.pmid, b.pmid),
        "ids": 1.0 if a.ids & b.ids else None,
        "title_numbers": _numbers(a.title_numbers, b.title_numbers),
        "title_partial": partial or None,
        "short_title": (a.short_title or b.short_title) or None,
        "translated": bool(a.title_alts or b.title_alts) or None,
        "cross_language": cross_language,
        "notice": [a.notice, b.notice] if a.notice or b.notice else None,
        "conference": [a.conference, b.conference] if a.conference != b.conference else None,
    }
