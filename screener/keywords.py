"""Protocol keywords: one pattern per term list and the highlighting spans, shared by the screening
session, the app and the relevance ranking (screener.ranking). No UI here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence


# --------------------------------------------------------------------------------- keywords
def term_pattern(terms: Sequence[str]) -> re.Pattern[str] | None:
    """One case-insensitive pattern for protocol terms; ``*`` matches any word characters.

    A term edge that is a Latin letter or digit must sit on a word boundary; CJK terms match
    anywhere (Chinese has no spaces between words).
    """
    parts: list[str] = []
    for term in sorted({t.strip() for t in terms if t.strip()}, key=len, reverse=True):
        words = [r"\w*".join(re.escape(p) for p in word.split("*")) for word in term.split()]
        body = r"\s+".join(words)  # "case report" also matches across a line break
        start = r"(?<!\w)" if term[0].isascii() and term[0].isalnum() else ""
        end = r"(?!\w)" if term[-1].isascii() and term[-1].isalnum() else ""
        parts.append(start + body + end)
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def keyword_spans(
    text: str, include: Sequence[str], exclude: Sequence[str]
) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, "include"|"exclude") spans of protocol terms in ``text``."""
    found: list[tuple[int, int, str]] = []
    for kind, terms in (("exclude", exclude), ("include", include)):
        pattern = term_pattern(terms)
        if pattern is not None:
            found += [
                (m.start(), m.end(), kind) for m in pattern.finditer(text) if m.end() > m.start()
            ]
    found.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    spans: list[tuple[int, int, str]] = []
    for span in found:
        if not spans or span[0] >= spans[-1][1]:
            spans.append(span)
    return spans
