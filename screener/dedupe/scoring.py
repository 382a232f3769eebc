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
from screener.normalize import journal_keys_match

Scores = dict[str, Any]

# Shortest title prefix accepted as "the same title, truncated".
_PREFIX_CHARS = 40


def title_similarity(a: str, b: str, a_sorted: str = "", b_sorted: str = "") -> float | None:
    """Title similarity 0..1: best of plain, token-sorted and truncated-prefix comparison."""
    if not a or not b:
        return None
    if a == b:
        return 1.0
    best = fuzz.ratio(a, b)
    if a_sorted and b_sorted:
        best = max(best, fuzz.ratio(a_sorted, b_sorted))
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= _PREFIX_CHARS and long.startswith(short):
        best = max(best, 97.0)
    elif len(short.split()) >= 3 and long.startswith(short + " "):
        best = max(best, 90.0)  # a short title that the other one continues (subtitle lost)
    elif len(short) >= _PREFIX_CHARS and len(short) < 0.9 * len(long):
        # truncated with a typo: compare the shorter with the same length of the longer
        best = max(best, min(96.0, fuzz.ratio(short, long[: len(short)])))
    return round(best / 100, 3)


def _same(x: str, y: str) -> float | None:
    if not x or not y:
        return None
    return 1.0 if x == y else 0.0


def _article_number(first: str, last: str) -> bool:
    """``e12724``, ``a1754``, ``c1804``, ``1014`` (no range): an electronic article number."""
    return not last and ((first[:1] in "EAC" and first[1:].isdigit()) or len(first) >= 5)


def pages_similarity(a: Features, b: Features) -> float | None:
    """1.0 same first page; 0.8 a single page that ends the other's range; None when the two
    use different numbering (article number vs printed pages); 0.5 same number, one lost its
    supplement/electronic letter; 0.0 different."""
    if not a.first_page or not b.first_page:
        return None
    if a.first_page == b.first_page:
        return 1.0
    if (not a.last_page and a.first_page == b.last_page) or (
        not b.last_page and b.first_page == a.last_page
    ):
        return 0.8
    if _article_number(a.first_page, a.last_page) != _article_number(b.first_page, b.last_page):
        return None
    da, db = a.first_page.lstrip("SE"), b.first_page.lstrip("SE")
    if da and da == db:  # S123 vs 123, e1234 vs 1234: same number, one lost its letter
        return 0.5
    return 0.0


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
    if not a.journals or not b.journals:
        return None
    for ka in a.journals:
        for kb in b.journals:
            if journal_keys_match(ka, kb):
                return 1.0
    best = max(fuzz.token_sort_ratio(ka, kb) for ka in a.journals for kb in b.journals)
    return round(best / 100, 3)


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
        title = title_similarity(ta, tb, " ".join(sorted(ta.split())), " ".join(sorted(tb.split())))
    else:
        title = title_similarity(a.title, b.title, a.title_sorted, b.title_sorted)
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
        "pages": pages_similarity(a, b),
        "abstract": abstract,
        "doi": _same(a.doi, b.doi),
        "pmid": _same(a.pmid, b.pmid),
        "ids": 1.0 if a.ids & b.ids else None,
        "title_numbers": _numbers(a.title_numbers, b.title_numbers),
        "cross_language": cross_language,
        "notice": [a.notice, b.notice] if a.notice or b.notice else None,
        "conference": [a.conference, b.conference] if a.conference != b.conference else None,
    }
