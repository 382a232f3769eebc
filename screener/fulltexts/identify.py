"""Which record a PDF is: identifiers first, then the title confirmed by authors and year.

Rules (the order in which a file is tried; the first rule that decides, decides):

1. **Identifiers in the metadata** (title, subject, keywords, ...): DOIs, PMIDs (``PMID: n``)
   and PMCIDs (``PMC1234567``). Exactly one record carries them: that record (method
   ``doi``/``pmid``/``pmcid`` + `` (metadata)``).
2. **Identifiers in the text** of the first pages, read only up to a "References" heading (a
   paper cites others' DOIs). Exactly one record: that record. Several: the one whose title is
   also in the text (method ``doi+title``); otherwise the file is *ambiguous*.
3. **Title**: a record's title (at least 20 characters, or 8 CJK characters) found in the
   first page or the metadata title with a fuzzy score of at least 92 (among the few titles
   sharing most of their rarer words with the text, at least 60 % of their weight),
   *confirmed* by the surname of one of its first three authors and its year in the same text
   (whichever the record has; a record with neither is never matched by title). Several
   confirmed records: *ambiguous*. A title found but not confirmed: *unsure*, listed with the
   ambiguous files. Words in more than a quarter of the titles (and more than 50) do not count
   in choosing the candidates.
4. Otherwise *unmatched*.

Records are the review's kept records (a duplicate's identifiers lead to the record kept for
its group). A match to a record that did not reach full text is reported as such and never
attached. Nothing is guessed: every file that is not matched to exactly one record is listed.
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field

import sqlite_utils
from rapidfuzz import fuzz

from screener.normalize import has_cjk, strip_accents, surname, title_key

TITLE_SCORE = 92.0
MIN_TITLE_CHARS = 20
MIN_CJK_TITLE_CHARS = 8
FIRST_PAGE_CHARS = 3000  # where a title is looked for
CANDIDATES = 8  # records compared per file, best by shared (weighted) title words

_DOI = re.compile(r"10\.\d{4,9}/[^\s\"<>]+")
_PMID = re.compile(r"\b(?:PMID|PubMed\s+ID)\s*[:#]?\s*(\d{1,9})\b", re.I)
_PMCID = re.compile(r"\bPMC\s?(\d{4,9})\b")
_REFERENCES = re.compile(
    r"^\s*(?:\d+\.?\s*)?(?:references|bibliography|literature cited|参考文献)\s*:?\s*$",
    re.I | re.M,
)
_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff]) (?=[\u3400-\u9fff])")
_WORD = re.compile(r"[a-z0-9]{3,}")
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")


@dataclass(frozen=True)
class Ids:
    """Identifiers found in a text."""

    dois: frozenset[str] = frozenset()
    pmids: frozenset[str] = frozenset()
    pmcids: frozenset[str] = frozenset()


@dataclass
class Match:
    """How a file was identified (``outcome``: matched | ambiguous | unmatched)."""

    outcome: str
    record_id: int | None = None
    method: str | None = None
    evidence: str | None = None
    candidates: list[int] = field(default_factory=list)


def find_ids(text: str) -> Ids:
    """DOIs (lower-case), PMIDs and PMCIDs (``PMC`` + digits) written in ``text``."""
    dois = {m.group(0).rstrip(".,;:)]}>'").lower() for m in _DOI.finditer(text)}
    pmids = {m.group(1).lstrip("0") for m in _PMID.finditer(text)}
    pmcids = {"PMC" + m.group(1) for m in _PMCID.finditer(text)}
    return Ids(frozenset(dois), frozenset(p for p in pmids if p), frozenset(pmcids))


def before_references(text: str) -> str:
    """``text`` up to its first "References" heading (all of it when there is none)."""
    found = _REFERENCES.search(text)
    return text[: found.start()] if found else text


def text_key(text: str) -> str:
    """A comparable text: :func:`title_key`, with no spaces left between CJK characters."""
    return _CJK_GAP.sub("", title_key(text))


def _tokens(key: str) -> set[str]:
    words = set(_WORD.findall(key))
    for run in _CJK_RUN.findall(key):
        words.update(run[i : i + 2] for i in range(len(run) - 1))
    return words


@dataclass
class _Entry:
    title: str  # text_key of the title
    surnames: list[str]
    year: int | None


class Catalogue:
    """The review's kept records, indexed by identifier and by title words."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.by_id: dict[str, dict[str, set[int]]] = {"doi": {}, "pmid": {}, "pmcid": {}}
        self.entries: dict[int, _Entry] = {}
        self.words: dict[str, list[int]] = defaultdict(list)
        self._weight: dict[str, float] | None = None
        self._mass: dict[int, float] = {}
        rows = db.execute(
            "select id, coalesce(duplicate_of, id), title, authors, year, doi, pmid, pmcid"
            " from records"
        ).fetchall()
        for rid, kept, title, authors, year, doi, pmid, pmcid in rows:
            for kind, value in (("doi", doi), ("pmid", pmid), ("pmcid", pmcid)):
                if value:
                    key = str(value).lower() if kind == "doi" else str(value).upper()
                    self.by_id[kind].setdefault(key, set()).add(kept)
            if rid != kept or not title:
                continue
            key = text_key(title)
            long_enough = (
                len(_CJK_RUN.sub("", key).strip()) >= MIN_TITLE_CHARS
                or sum(len(r) for r in _CJK_RUN.findall(key)) >= MIN_CJK_TITLE_CHARS
            )
            if not long_enough:
                continue
            names = [surname(a) for a in json.loads(authors or "[]")[:3]]
            self.entries[rid] = _Entry(key, [n for n in names if n], year)
            for word in _tokens(key):
                self.words[word].append(rid)

    def records_with(self, ids: Ids) -> dict[int, str]:
        """record id -> the first kind of identifier that leads to it."""
        out: dict[int, str] = {}
        for kind, values in (("doi", ids.dois), ("pmid", ids.pmids), ("pmcid", ids.pmcids)):
            for value in sorted(values):
                key = value.upper() if kind == "pmcid" else value
                for rid in sorted(self.by_id[kind].get(key, ())):
                    out.setdefault(rid, kind)
        return out

    def _weights(self) -> dict[str, float]:
        """Title word -> weight (inverse document frequency); words in more than a quarter of
        the titles (and more than 50) weigh nothing: they cannot tell titles apart."""
        if self._weight is None:
            n = max(1, len(self.entries))
            common = max(50, n // 4)
            self._weight = {
                w: math.log(1 + n / len(rids))
                for w, rids in self.words.items()
                if len(rids) <= common
            }
            self._mass = {
                rid: sum(self._weight.get(w, 0.0) for w in _tokens(e.title))
                for rid, e in self.entries.items()
            }
        return self._weight

    def title_hits(self, text: str) -> list[tuple[int, float]]:
        """(record id, fuzzy score) of the titles found in ``text`` (best first, >= TITLE_SCORE).

        Candidates are the titles sharing most of their (weighted) words with the text; only
        the best few are compared character by character.
        """
        weight = self._weights()
        key = text_key(text)
        shared: dict[int, float] = defaultdict(float)
        for word in _tokens(key):
            w = weight.get(word)
            if w:
                for rid in self.words[word]:
                    shared[rid] += w
        cover = {rid: score / self._mass[rid] for rid, score in shared.items() if self._mass[rid]}
        hits = []
        for rid in sorted(cover, key=lambda r: -cover[r])[:CANDIDATES]:
            if cover[rid] < 0.6:
                break
            score = float(fuzz.partial_ratio(self.entries[rid].title, key))
            if score >= TITLE_SCORE:
                hits.append((rid, score))
        return sorted(hits, key=lambda h: -h[1])

    def confirmed(self, rid: int, text: str) -> bool:
        """The record's authors (one of the first three) and year appear in ``text``."""
        entry = self.entries[rid]
        if not entry.surnames and entry.year is None:
            return False
        plain = strip_accents(text).lower()
        if entry.surnames and not any(
            (n in plain) if has_cjk(n) else re.search(rf"\b{re.escape(n)}\b", plain)
            for n in entry.surnames
        ):
            return False
        return entry.year is None or str(entry.year) in plain


def identify(catalogue: Catalogue, metadata: str, pages: list[str]) -> Match:
    """The record a PDF is, by the rules above, from its metadata text and first pages."""
    meta_hits = catalogue.records_with(find_ids(metadata))
    if len(meta_hits) == 1:
        (rid, kind), *_ = meta_hits.items()
        return Match("matched", rid, f"{kind} (metadata)", None)
    body = before_references("\n".join(pages))
    text_hits = catalogue.records_with(find_ids(body)) or meta_hits
    first = metadata + "\n" + (pages[0][:FIRST_PAGE_CHARS] if pages else "")
    if len(text_hits) == 1:
        (rid, kind), *_ = text_hits.items()
        return Match("matched", rid, kind)
    titled = dict(catalogue.title_hits(first))
    if text_hits:
        with_title = [rid for rid in text_hits if rid in titled]
        if len(with_title) == 1:
            return Match("matched", with_title[0], f"{text_hits[with_title[0]]}+title")
        return Match(
            "ambiguous",
            evidence="its identifiers lead to several records",
            candidates=sorted(text_hits),
        )
    confirmed = [rid for rid in titled if catalogue.confirmed(rid, first + "\n" + body)]
    if len(confirmed) == 1:
        rid = confirmed[0]
        return Match("matched", rid, "title", f"title score {titled[rid]:.0f}, authors and year")
    if len(confirmed) > 1:
        return Match(
            "ambiguous", evidence="its title fits several records", candidates=sorted(confirmed)
        )
    if titled:
        return Match(
            "ambiguous",
            evidence="its title fits but the authors or year were not found",
            candidates=sorted(titled),
        )
    return Match("unmatched")
