"""Normalisation shared by readers and deduplication: DOI, PMID, pages, authors, titles."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote

_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*|https?://doi\.org/)", re.I)
_DOI_SHAPE = re.compile(r"10\.\d{4,9}/\S+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]")
_MARKUP = re.compile(r"<[^>]+>")
_NON_WORD = re.compile(r"[^\w\u3400-\u9fff]+")
_HYPHENS = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"
# Patterns of the per-record hot path, compiled once (importing 100k records calls each 100k times).
_DOI_TAG = re.compile(r"\s*\[doi\]$")
_DIGITS = re.compile(r"\d{1,9}")
_DASH_RUN = re.compile(r"\s*-+\s*")
_PAGE_RANGE = re.compile(r"([A-Za-z]*)(\d+)-([A-Za-z]*)(\d+)(.*)")
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")


def doi(value: str | None) -> str | None:
    """``https://dx.doi.org/10.1000/ABC%2F1`` -> ``10.1000/abc/1``; None when no DOI is in it."""
    if not value:
        return None
    text = unquote(value.strip())
    if not text.startswith("10."):  # else no prefix to remove (the usual case)
        text = _DOI_PREFIX.sub("", text).strip()
    match = _DOI_SHAPE.search(text)
    if not match:
        return None
    found = match.group(0).rstrip(".,;)]}>")
    if found.endswith("[doi]"):
        found = _DOI_TAG.sub("", found)
    return found.lower()


def pmid(value: str | None) -> str | None:
    """The digits of a PMID (``PMID: 123``, ``123 [pmid]``); None when it is not one."""
    if not value:
        return None
    if type(value) is str and value.isdigit() and value.isascii() and len(value) < 10:
        return value.lstrip("0") or None  # the usual "12345678": no search needed
    match = _DIGITS.search(str(value))
    if not match:
        return None
    digits = match.group(0).lstrip("0")
    return digits or None


def pages(value: str | None) -> str | None:
    """Expand abbreviated page ranges: ``1493-8`` -> ``1493-1498``; keep ``S12``, ``e1234``."""
    if not value:
        return None
    text = value.strip()
    if not text.isascii():
        for h in _HYPHENS:
            text = text.replace(h, "-")
    text = _DASH_RUN.sub("-", text)
    match = _PAGE_RANGE.fullmatch(text)
    if match:
        prefix, first, prefix2, last, rest = match.groups()
        if len(last) < len(first) and not prefix2:
            last = first[: len(first) - len(last)] + last
        if prefix2 and prefix2 != prefix:
            return text
        if first == last:
            return f"{prefix}{first}{rest}"
        return f"{prefix}{first}-{prefix}{last}{rest}"
    return text or None


def first_page(value: str | None) -> str | None:
    """The first page of a (normalised) page string."""
    norm = pages(value)
    if not norm:
        return None
    return re.split(r"[-+,]", norm)[0] or None


def has_cjk(text: str | None) -> bool:
    return bool(text and _CJK.search(text))


def language_of(text: str | None) -> str | None:
    """``chi`` when the text is mostly Chinese characters, else None (unknown)."""
    if not text:
        return None
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return None
    cjk = sum(1 for c in letters if _CJK.match(c))
    if cjk / len(letters) > 0.3:
        if re.search(r"[\u3040-\u30ff]", text):
            return "jpn"
        if re.search(r"[\uac00-\ud7af]", text):
            return "kor"
        return "chi"
    return None


def year(value: str | int | None) -> int | None:
    """The first plausible 4-digit year in a date string (``2002 Sep``, ``2020//``)."""
    if value is None:
        return None
    match = _YEAR.search(str(value))
    return int(match.group(1)) if match else None


def strip_accents(text: str) -> str:
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def author(value: str) -> str:
    """One author as ``Surname AB``; a CJK name is kept whole.

    Accepts ``Surname, Given M``, ``Surname, G.M.``, ``Surname GM``, ``Given M. Surname``.
    """
    name = " ".join(value.replace("\u3000", " ").split()).strip(" ;,.")
    if not name:
        return ""
    if has_cjk(name):
        return name.replace(" ", "")
    if "," in name:
        surname, _, given = name.partition(",")
        initials = _initials(given)
        return f"{surname.strip()} {initials}".strip()
    parts = name.split(" ")
    if len(parts) == 1:
        return name
    last = parts[-1].replace(".", "")
    if last.isupper() and len(last) <= 3:  # "Liu R" / "Oddis CV" (MEDLINE AU form)
        return f"{' '.join(parts[:-1])} {last}"
    # "Chester V Oddis": given names first
    return f"{parts[-1]} {_initials(' '.join(parts[:-1]))}"


def _initials(given: str) -> str:
    tokens = re.split(r"[\s.\-]+", given.strip())
    out = []
    for token in tokens:
        if not token:
            continue
        if token.isupper() and len(token) <= 3:
            out.append(token)
        else:
            out.append(token[0].upper())
    return "".join(out)


def surname(value: str) -> str:
    """The comparable surname of a normalised author (lower-case, no accents)."""
    if has_cjk(value):
        return value
    return strip_accents(value.split(" ")[0]).lower() if value else ""


def split_list(value: str | None) -> list[str]:
    """Split a CNKI-style list on ``;;``, ``;``, ``；``, ``，`` (and ``,`` between CJK names)."""
    if not value:
        return []
    parts = re.split(r";;|;|；|，|、", value)
    if len(parts) == 1 and has_cjk(value):
        parts = value.split(",")
    return [p.strip() for p in parts if p.strip()]


def title_key(value: str | None) -> str:
    """A comparable title: lower-case, accents and punctuation removed, spaces collapsed."""
    if not value:
        return ""
    text = strip_accents(value).lower()
    text = _MARKUP.sub(" ", text)  # inline markup
    text = _NON_WORD.sub(" ", text)
    return " ".join(text.split())


_JOURNAL_STOP = frozenset({"of", "the", "and", "in", "for", "on", "de", "la", "le", "der", "und"})


def journal_key(value: str | None) -> str:
    """A comparable journal name: ``The Journal of Pathology (Lond.)`` -> ``journal pathology``.

    Lower-case, accents, bracketed qualifiers, ``&`` and stop words removed.
    """
    if not value:
        return ""
    text = strip_accents(value).lower().replace("&", " ")
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", text)
    tokens = re.sub(r"[^\w\u3400-\u9fff]+", " ", text).split()
    return " ".join(t for t in tokens if t not in _JOURNAL_STOP)


def _abbreviates(short: str, full: str) -> bool:
    """``lipidol`` abbreviates ``lipidology``, ``natl`` abbreviates ``national``."""
    if short[0] != full[0] or len(short) > len(full):
        return False
    if full.startswith(short):
        return True
    pos = 0
    for char in short:
        pos = full.find(char, pos)
        if pos < 0:
            return False
        pos += 1
    return True


def journals_match(a: str | None, b: str | None) -> bool:
    """Whether two journal names (full or ISO/MEDLINE abbreviation) name the same journal.

    Compares :func:`journal_key` forms: equal, or every word of the shorter abbreviates the
    word of the longer at the same place (``Curr Opin Lipidol`` ~ ``Current Opinion in
    Lipidology``; ``Proc Natl Acad Sci U S A`` ~ ``Proceedings of the National Academy of
    Sciences of the United States of America``). Word counts must agree after stop words.
    """
    return journal_keys_match(journal_key(a), journal_key(b))


def journal_keys_match(ka: str, kb: str) -> bool:
    """:func:`journals_match` on names already passed through :func:`journal_key`."""
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    ta, tb = ka.split(), kb.split()
    if len(ta) != len(tb):
        return False
    for x, y in zip(ta, tb, strict=True):
        short, full = (x, y) if len(x) <= len(y) else (y, x)
        if not _abbreviates(short, full):
            return False
    return True
