"""Journal and conference names as exports write them, and how far two of them agree.

One venue has many names: ``The Lancet`` / ``Lancet``; ISO 4 or MEDLINE abbreviations
(``Curr Opin Lipidol`` / ``Current Opinion in Lipidology``); a subtitle after a colon; and for
meetings, ordinals, years, places and acronyms (``AMCIS 2017 Proceedings`` / ``Americas
Conference on Information Systems``; ``Proceedings of the 17th Annual Meeting of ...``;
``Conference: ...`` or ``..., Conference Abstract``). :func:`venue_key` strips what varies
(years, ordinals, "proceedings of", "annual", "conference:" labels, bracketed qualifiers and
stop words); :func:`venue_keys` gives that key and the plain journal key of each name;
:func:`venue_similarity` then accepts equal keys, word-by-word abbreviations (as many words on
both sides: "Journal of Cancer" is not "International Journal of Cancer"), and an acronym that
spells the other name's words; otherwise it gives the token-sorted fuzzy ratio.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz

from screener import normalize

_ORDINAL_WORDS = [
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
    "thirtieth",
    "fortieth",
    "fiftieth",
]
# words that vary between two names of one meeting or journal issue
_MEETING = frozenset(
    [
        "proceedings",
        "proc",
        "meeting",
        "conference",
        "conf",
        "congress",
        "symposium",
        "workshop",
        "abstracts",
    ]
)
_VARYING = frozenset(
    [*_ORDINAL_WORDS, *_MEETING, *["annual", "annu", "abstract", "international", "intl"]]
)
_ALWAYS = frozenset(["supplement", "suppl", "issue", "vol", "volume"])
_YEAR_OR_ORDINAL = re.compile(r"\b(?:19|20)\d\d\b|\b\d+(?:st|nd|rd|th)\b|\b\d+\b")
_LABEL = re.compile(r"^\s*(conference|meeting|congress|symposium)\s*:\s*", re.I)


def venue_key(name: str | None) -> str:
    """A comparable venue name (see the module docstring); "" for an empty name."""
    if not name:
        return ""
    text = _LABEL.sub("", name)
    text = re.split(r"\s[:=]\s|\s-\s", text)[0] if len(text) > 20 else text
    key = normalize.journal_key(text)
    key = _YEAR_OR_ORDINAL.sub(" ", key)
    # a meeting's name varies in more ways than a journal's ("International Journal of X" and
    # "Journal of X" are two journals; "17th International Congress of X" is the congress of X)
    drop = _VARYING if _MEETING & set(key.split()) else _ALWAYS
    words = [w for w in key.split() if w not in drop]
    return " ".join(words) if words else " ".join(key.split())


def venue_keys(names: list[str]) -> tuple[str, ...]:
    """Every comparable form of a record's venue names (stripped and plain keys)."""
    keys = {venue_key(n) for n in names} | {normalize.journal_key(n) for n in names}
    return tuple(sorted(k for k in keys if k))


def _acronym(acronym: str, words: list[str]) -> bool:
    """``amcis`` spells ``americas conference information systems`` (a prefix of each word)."""
    if not acronym or not words:
        return not acronym and not words
    word = words[0]
    for take in range(min(len(word), len(acronym)), 0, -1):
        if acronym[:take] == word[:take] and _acronym(acronym[take:], words[1:]):
            return True
    return False


@lru_cache(maxsize=65536)
def _keys_similarity(ka: str, kb: str) -> float:
    if ka == kb:
        return 1.0
    if normalize.journal_keys_match(ka, kb):
        return 1.0
    ta, tb = ka.split(), kb.split()
    short, full = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    if (
        len(short) == 1
        and 2 <= len(short[0]) <= 8
        and len(full) >= 2
        and (_acronym(short[0], full) or _acronym(short[0], [w for w in full if len(w) > 3]))
    ):
        return 1.0
    return round(fuzz.token_sort_ratio(ka, kb) / 100, 3)


def venue_similarity(a: tuple[str, ...], b: tuple[str, ...]) -> float | None:
    """Best agreement 0..1 between any name of one record and any of the other (venue keys);
    None when either has no name."""
    if not a or not b:
        return None
    return max(_keys_similarity(x, y) for x in a for y in b)
