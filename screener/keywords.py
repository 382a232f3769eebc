"""Protocol keywords: highlighting spans and the keyword order used when no relevance model is
available. No UI here.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from importlib import import_module
from typing import Any
from typing import Protocol as TypingProtocol


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


# --------------------------------------------------------------------------------- ranking
class RankerLike(TypingProtocol):
    """What a session needs from a relevance model (``screener.ranking.Ranker``)."""

    def fit(self, labels: Mapping[int, bool]) -> Any: ...

    def order(self) -> list[int]: ...

    def explain(self, index: int) -> Any: ...


class KeywordRanker:
    """Fallback order: protocol include-term hits minus exclude-term hits, then file order."""

    def __init__(self, texts: Sequence[str], include: Sequence[str], exclude: Sequence[str]):
        self.texts = list(texts)
        self.include = term_pattern(include)
        self.exclude = term_pattern(exclude)
        self.labels: dict[int, bool] = {}
        self._scores: list[int] | None = None

    def _hits(self, index: int) -> tuple[list[str], list[str]]:
        text = self.texts[index]
        plus = [m.group(0).lower() for m in self.include.finditer(text)] if self.include else []
        minus = [m.group(0).lower() for m in self.exclude.finditer(text)] if self.exclude else []
        return plus, minus

    def fit(self, labels: Mapping[int, bool]) -> KeywordRanker:
        self.labels = dict(labels)
        if self._scores is None:
            self._scores = [len(p) - len(m) for p, m in map(self._hits, range(len(self.texts)))]
        return self

    def order(self) -> list[int]:
        scores = self._scores or [0] * len(self.texts)
        todo = [i for i in range(len(self.texts)) if i not in self.labels]
        return sorted(todo, key=lambda i: (-scores[i], i))

    def explain(self, index: int) -> list[tuple[str, float]]:
        plus, minus = self._hits(index)
        out = Counter(plus)
        out.subtract(Counter(minus))
        return sorted(((t, float(n)) for t, n in out.items()), key=lambda x: -x[1])


def make_ranker(texts: Sequence[str], include: Sequence[str], exclude: Sequence[str]) -> RankerLike:
    """``screener.ranking.Ranker`` when that module exists, else :class:`KeywordRanker`."""
    try:
        module = import_module("screener.ranking")
    except ModuleNotFoundError as exc:
        if exc.name != "screener.ranking":
            raise
        return KeywordRanker(texts, include, exclude)
    ranker: RankerLike = module.Ranker(list(texts), list(include), list(exclude))
    return ranker


def explain_terms(explanation: Any, limit: int = 12) -> list[str]:
    """A ranker's explanation as lines "term (+weight)" (accepts pairs, a mapping or strings)."""
    items: list[Any]
    if isinstance(explanation, Mapping):
        items = list(explanation.items())
    elif isinstance(explanation, list | tuple):
        items = list(explanation)
    else:
        items = [explanation] if explanation else []
    lines = []
    for item in items[:limit]:
        if isinstance(item, tuple | list) and len(item) == 2:
            lines.append(f"{item[0]} ({float(item[1]):+.2f})")
        else:
            lines.append(str(item))
    return lines
