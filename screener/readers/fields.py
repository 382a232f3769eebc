"""Helpers every reader shares: the raw record, value clean-up, languages, type lists."""

from __future__ import annotations

import re
from collections.abc import Iterable

from screener import normalize
from screener.record import Record

# The parsed record as read: tag -> one value, or a list when the tag repeats.
Raw = dict[str, str | list[str]]

_SPACES = re.compile(r"\s+")
_ISSN = re.compile(r"\b(\d{4})-?(\d{3}[\dXx])\b")
_LANGUAGE_SEPARATORS = re.compile(r"[;,/]")
_LANGUAGE_CODE = re.compile(r"[a-z]{3}")

# Language names and codes seen in exports -> ISO 639-2 (bibliographic) codes.
LANGUAGES = {
    "english": "eng",
    "en": "eng",
    "eng": "eng",
    "chinese": "chi",
    "zh": "chi",
    "chi": "chi",
    "zho": "chi",
    "中文": "chi",
    "汉语": "chi",
    "japanese": "jpn",
    "jpn": "jpn",
    "korean": "kor",
    "kor": "kor",
    "german": "ger",
    "ger": "ger",
    "deu": "ger",
    "french": "fre",
    "fre": "fre",
    "fra": "fre",
    "spanish": "spa",
    "spa": "spa",
    "italian": "ita",
    "ita": "ita",
    "portuguese": "por",
    "por": "por",
    "russian": "rus",
    "rus": "rus",
    "dutch": "dut",
    "dut": "dut",
    "nld": "dut",
    "polish": "pol",
    "pol": "pol",
    "turkish": "tur",
    "tur": "tur",
    "persian": "per",
    "per": "per",
    "arabic": "ara",
    "ara": "ara",
    "czech": "cze",
    "cze": "cze",
    "swedish": "swe",
    "swe": "swe",
    "norwegian": "nor",
    "nor": "nor",
    "danish": "dan",
    "dan": "dan",
    "hungarian": "hun",
    "hun": "hun",
    "hebrew": "heb",
    "heb": "heb",
    "greek": "gre",
    "gre": "gre",
}


def to_raw(pairs: Iterable[tuple[str, str]]) -> Raw:
    """``[(tag, value), ...]`` -> ``{tag: value}``, a list when a tag repeats (order kept)."""
    grouped: dict[str, list[str]] = {}
    for tag, value in pairs:
        grouped.setdefault(tag, []).append(value)
    return {tag: values[0] if len(values) == 1 else values for tag, values in grouped.items()}


def values(raw: Raw, *tags: str) -> list[str]:
    """Every non-empty value of these tags, in tag order."""
    out: list[str] = []
    for tag in tags:
        value = raw.get(tag)
        if value is None:
            continue
        for item in (value,) if type(value) is str else value:
            text = item.strip()
            if text:
                out.append(text)
    return out


def first(raw: Raw, *tags: str) -> str | None:
    """The first non-empty value among these tags (cleaned), or None."""
    for tag in tags:
        value = raw.get(tag)
        if value is None:
            continue
        for item in (value,) if type(value) is str else value:
            text = " ".join(item.split())
            if text:
                return text
    return None


def clean(value: str | None) -> str | None:
    """Whitespace collapsed and stripped; None when nothing is left."""
    if value is None:
        return None
    text = " ".join(value.split())
    return text or None


def unique(items: Iterable[str]) -> list[str]:
    """Cleaned, non-empty, first occurrence kept."""
    if type(items) is list:
        # Already clean (the usual case: readers strip and collapse values): nothing to clean,
        # so dedupe in C. Joined with single spaces, the items are all clean and non-empty
        # exactly when the text has no run of two spaces, no other white space (every other
        # white-space character is unprintable) and no space at either end.
        joined = " ".join(items)
        if (
            joined.isprintable()
            and "  " not in joined
            and joined[:1] != " "
            and joined[-1:] != " "
            and (joined or not items)
        ):
            return list(dict.fromkeys(items))
    seen: set[str] = set()
    out: list[str] = []
    for item in items:
        text = " ".join(item.split())  # clean(item), inlined: called for every keyword
        if text and text not in seen:
            seen.add(text)
            out.append(text)
    return out


def language(value: str | None) -> str | None:
    """``English`` / ``eng`` / ``Chinese`` -> ``eng`` / ``chi``; other 3-letter codes kept."""
    if value in LANGUAGES:  # already a known name or code, as written ("eng" in MEDLINE)
        return LANGUAGES[value]
    text = clean(value)
    if not text:
        return None
    text = _LANGUAGE_SEPARATORS.split(text)[0].strip().lower()
    if text in LANGUAGES:
        return LANGUAGES[text]
    if _LANGUAGE_CODE.fullmatch(text):
        return text
    return None


def authors(names: Iterable[str]) -> list[str]:
    """Normalised authors (``Surname AB``; CJK names whole), empties dropped."""
    out = []
    for name in names:
        text = name
        if "[" in text:
            text = re.sub(r"\s*\[[^\]]*\]\s*$", "", text)  # Ovid "[Inventor, Reprint Author]"
        if not text.isascii() and normalize.has_cjk(text):
            text = text.replace(",", "").replace("，", "")  # PubMed's "李, 明" is one name
        norm = normalize.author(text)
        if norm:
            out.append(norm)
    return out


def split_authors(value: str | None) -> list[str]:
    """One cell holding many authors: ``A, B; C, D`` / ``Liu R., Adler D.G.`` / ``A B, C D``."""
    text = clean(value)
    if not text:
        return []
    if ";" in text or "；" in text:
        return normalize.split_list(text)
    if re.search(r"\s(?:and|&)\s", text):  # "Smith, J. and Doe, A." / "A Li, B Wu and C Ng"
        out: list[str] = []
        for part in re.split(r",?\s+(?:and|&)\s+", text):
            pieces = [x.strip() for x in part.split(",") if x.strip()]
            if len(pieces) > 1 and all(" " in x for x in pieces):
                out.extend(pieces)
            elif part.strip(" ,"):
                out.append(part.strip(" ,"))
        return out
    if re.search(r"\.,\s", text):
        return [p.strip() for p in re.split(r"(?<=\.),\s*", text) if p.strip()]
    if normalize.has_cjk(text):
        return normalize.split_list(text)
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) == 2 and all(" " not in p for p in parts):
        return [text]  # "Surname, Given"
    return parts


def pages(start: str | None, end: str | None = None) -> str | None:
    """Pages from a start (maybe already a range) and an optional end page."""
    first_page = clean(start)
    last_page = clean(end)
    if first_page and first_page.lower() == "no" and last_page and last_page.lower() == "specified":
        return None  # Ovid's "No" + "Specified": no pagination
    if first_page and last_page and "-" not in first_page and last_page != first_page:
        return normalize.pages(f"{first_page}-{last_page}")
    return normalize.pages(first_page or last_page)


def issn(value: str | None) -> str | None:
    """The first ISSN-shaped value (``0378-1127 (ISSN print)`` -> ``0378-1127``)."""
    text = clean(value)
    if not text:
        return None
    match = _ISSN.search(text)
    if match:
        return f"{match.group(1)}-{match.group(2).upper()}"
    return text


def digits(value: str | None) -> str | None:
    """The value when it is an all-digit identifier, else None."""
    text = clean(value)
    return text if text and text.isdigit() else None


def finish(record: Record) -> Record:
    """Last touches shared by every reader: language from CJK text when the source has none."""
    if record.language is None:
        record.language = normalize.language_of(record.title) or normalize.language_of(
            record.abstract
        )
    if record.pmid is not None:
        record.pmid = normalize.pmid(record.pmid)
    return record


_ACCESSION_PREFIXES = (
    (re.compile(r"WOS:\w+", re.I), "wos"),
    (re.compile(r"2-s2\.0-\d+"), "scopus"),
    (re.compile(r"CN-\d+"), "central"),
    (re.compile(r"L\d{8,}"), "embase"),
    (re.compile(r"rayyan-\d+"), "rayyan"),
)


def accession_kind(value: str | None) -> str | None:
    """The database an accession number belongs to, from its shape (``WOS:``, ``CN-``...)."""
    text = clean(value)
    if not text:
        return None
    for pattern, kind in _ACCESSION_PREFIXES:
        if pattern.fullmatch(text):
            return kind
    return None
