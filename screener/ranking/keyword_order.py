"""What a screening session needs from a relevance model (:class:`RankerLike`), the keyword order
used when no model is available or the model fails (:class:`KeywordRanker`), and the wording of a
ranker's explanation. No UI here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any
from typing import Protocol as TypingProtocol

from screener.keywords import term_pattern


class RankerLike(TypingProtocol):
    """What a session needs from a relevance model (:class:`screener.ranking.ranker.Ranker`)."""

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
