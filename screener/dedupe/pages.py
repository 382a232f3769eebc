"""Pages as exports really write them, and how far two page fields agree.

Seen in real exports: abbreviated ranges (``1762-3``), the range written backwards
(``1763-1762``), several ranges (``123-5, 130-2``), supplement letters (``S123``, ``S-123``,
``123 Suppl``), electronic article numbers (``e12724``, ``a1754``, ``1014`` with no range),
Excel damage (``08-Nov``), a word for a page (``Suppl-29``), and plain typos in one digit.

:func:`page_parts` reads a field into its comparable page numbers; :func:`pages_similarity`
grades two of them (1.0 same first page ... 0.0 different; None when the two cannot be compared,
e.g. an article number against printed pages). A disagreement on pages is evidence against a
pair, weighed with the rest by the score (:mod:`screener.dedupe.model`), never a verdict alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from screener import normalize

_EXCEL_DAMAGE = re.compile(r"^\d{1,2}-[A-Za-z]{3}$|^[A-Za-z]{3}-\d{1,2}$")
_WORD_PAGE = re.compile(r"^[A-Za-z]{2,}\b|^[a-z]-")
_LETTER_DASH = re.compile(r"(^|[\s,;-])([A-Za-z]{1,2})[\s-]+(?=\d)")
_SUPPLEMENT_WORD = re.compile(r"\s*\(?\b(suppl(ement)?|supp)\b\.?\)?\s*\d*", re.I)
_RANGE_SPLIT = re.compile(r"\s*[,;+]\s*|\s+and\s+")
_PAGE = re.compile(r"([A-Z]*)0*(\d+)([A-Z]*)")


@dataclass(frozen=True, slots=True)
class Pages:
    first: str  # first page of the first range, letters kept: "S123", "E12724", "1762"
    last: str  # last page of the first range ("" for a single page)
    more: str = ""  # the ends of further ranges, digits, space-separated (rare; "" shared)

    @property
    def ends(self) -> frozenset[str]:
        """Every range end, digits only (ranges in any order, several ranges)."""
        found = {_digits(self.first), _digits(self.last), *self.more.split()}
        return frozenset(found - {""})


NO_PAGES = Pages("", "")


def _clean(page: str) -> str:
    page = page.strip().upper()
    match = _PAGE.fullmatch(page)
    return f"{match.group(1)}{match.group(2)}{match.group(3)}" if match else page


def _digits(page: str) -> str:
    return "".join(c for c in page if c.isdigit()).lstrip("0")


def page_parts(value: str | None) -> Pages:
    """The comparable pages of a field; damaged or wordy values are unknown (NO_PAGES)."""
    if not value:
        return NO_PAGES
    text = value.strip()
    if _EXCEL_DAMAGE.match(text) or _WORD_PAGE.match(text):
        return NO_PAGES
    text = _SUPPLEMENT_WORD.sub("", text)
    text = _LETTER_DASH.sub(r"\1\2", text)
    ranges = [r for r in _RANGE_SPLIT.split(text) if r]
    more: list[str] = []
    first = last = ""
    for number, part in enumerate(ranges):
        norm = normalize.pages(part) or ""
        bits = [_clean(p) for p in norm.split("-") if p.strip()]
        if not bits:
            continue
        if number == 0:
            low, high = bits[0], bits[-1] if len(bits) > 1 else ""
            dl, dh = _digits(low), _digits(high)
            written = [w for w in part.split("-") if w.strip()]
            # 587-0: an abbreviation that makes no range, its end unknown; a range written
            # backwards in full (1763-1762) is kept as written and matched by its ends
            if (
                dl.isdigit()
                and dh.isdigit()
                and int(dh) < int(dl)
                and len(_digits(written[-1])) < len(dl)
            ):
                high = ""
            first, last = low, high if high != low else ""
        else:
            more += [d for d in map(_digits, bits) if d]
    if not first:
        return NO_PAGES
    return Pages(first, last, " ".join(more))


def _article_number(p: Pages) -> bool:
    """``e12724``, ``a1754``, ``c1804``, ``1014`` (no range): an electronic article number."""
    return not p.last and ((p.first[:1] in "EAC" and p.first[1:].isdigit()) or len(p.first) >= 5)


def _one_digit_apart(x: str, y: str) -> bool:
    """``1234``/``1284`` (one digit wrong) or ``1234``/``1324`` (two digits swapped)."""
    if len(x) != len(y) or len(x) < 3 or not x.isdigit() or not y.isdigit():
        return False
    diff = [i for i in range(len(x)) if x[i] != y[i]]
    if len(diff) == 1:
        return True
    return len(diff) == 2 and diff[1] == diff[0] + 1 and x[diff[0]] == y[diff[1]]


def pages_similarity(a: Pages, b: Pages) -> float | None:
    """How far two page fields agree.

    1.0 same first page; 0.9 the first page of one is a range end of the other (range written
    backwards, several ranges, a single page that ends the other's range); 0.8 the same number,
    one lost its supplement or electronic letter (``S123``/``123``); 0.6 first pages one digit
    apart (a typo) while the rest agrees; None when one is an article number and the other
    printed pages; 0.0 different.
    """
    if not a.first or not b.first:
        return None
    if a.first == b.first:
        return 1.0
    da, db = _digits(a.first), _digits(b.first)
    if (b.last and da in b.ends and (not a.last or _digits(a.last) in b.ends)) or (
        a.last and db in a.ends and (not b.last or _digits(b.last) in a.ends)
    ):
        return 0.9
    if _article_number(a) != _article_number(b):
        return None
    if da and da == db:
        return 0.8
    if _one_digit_apart(da, db) and (
        not a.last or not b.last or _digits(a.last) == _digits(b.last)
    ):
        return 0.6
    if len(a.ends) == len(b.ends) == 2 and len(a.ends & b.ends) == 1:
        (x,), (y,) = a.ends - b.ends, b.ends - a.ends
        if _one_digit_apart(x, y):  # a typo that turned the range around: 251-217 / 215-217
            return 0.6
    return 0.0
