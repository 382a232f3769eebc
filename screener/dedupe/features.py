"""The comparable form of a record: what blocking and scoring look at, computed once per run."""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from typing import Any

from screener import normalize
from screener.dedupe.pages import Pages, page_parts
from screener.dedupe.titles import clean_title, title_variants
from screener.dedupe.venue import venue_keys

# Titles of notices that are not the article they name (DedupEndNote, bib-dedupe).
_NOTICE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "erratum",
        re.compile(
            r"^(erratum|errata|correction|corrigendum)\b|\b(erratum|corrigendum)\b"
            r"|^(correction|corrections) (to|in|for|of)\b"
        ),
    ),
    (
        "retraction",
        re.compile(
            r"^(retraction|retracted|notice of retraction|withdrawn|withdrawal)"
            r"\b|\b(retraction note|retraction notice|notice of retraction|"
            r"expression of concern)\b"
        ),
    ),
    (
        "reply",
        re.compile(
            r"^(reply|in reply|authors? reply|response to|the authors reply)\b"
            r"|\b(reply to|authors reply|author reply|reply from the authors)\b"
        ),
    ),
    ("comment", re.compile(r"^(comment|comments|commentary|re) (on|to)\b|^re\b")),
)
_CONFERENCE = re.compile(
    r"\b(abstracts?|congress|conference|meeting|proceedings|symposium|annual|colloquium|"
    r"workshop|poster|posters|amcis|icis|ecis|hicss|pacis)\b"
)
_CONFERENCE_TYPES = re.compile(
    r"conference|congress|meeting|inproceedings|proceedings|abstract", re.I
)
_SUPPLEMENT = re.compile(r"suppl|supplement", re.I)
_DIGIT = re.compile(r"\d")
_DIGITS = re.compile(r"\d+")
_THOUSANDS = re.compile(r"(?<=\d) (?=\d{3}\b)")
_NON_LETTER = re.compile(r"[^a-z]")
_INITIALS = re.compile(r"^[A-Z]{1,4}$")

# Accession numbers that name one record of one article (own, or cross-referenced with _xref).
IDENTITY_ACCESSIONS = frozenset(
    {"pubmed", "pmc", "embase", "central", "wos", "scopus", "cnki", "pui", "eric"}
)
# Words too common in titles to make a title specific.
SHORT_TITLE_WORDS = 5
SHORT_TITLE_CHARS = 40


@dataclass(slots=True)
class Features:
    """One record, ready to compare. Missing values are empty strings / None (unknown)."""

    id: int
    round: int
    database: str
    title: str  # normalise.title_key
    title_sorted: str  # tokens sorted: order-insensitive fuzzy comparison at ``ratio`` speed
    title_numbers: tuple[str, ...]  # numbers in the title, roman ones as arabic ("part ii" -> 2)
    title_alts: tuple[str, ...]  # the title in another language or form (titles.title_variants)
    title_translated: str
    cjk: bool  # the title is written in Chinese/Japanese/Korean script
    notice: str  # erratum | retraction | reply | comment | ""
    conference: bool
    authors: tuple[str, ...]  # comparable surnames
    year: int | None
    journals: tuple[str, ...]  # normalise.journal_key of the name and its abbreviation
    issn: frozenset[str]
    volume: str
    issue: str
    first_page: str
    last_page: str
    more_pages: str  # ends of further page ranges (pages.Pages.more)
    doi: str
    pmid: str
    ids: frozenset[str]  # "kind:value" accession numbers, own and cross-referenced
    abstract: str  # first 300 characters of the comparable abstract
    completeness: int
    language: str = ""

    @property
    def pages(self) -> Pages:
        return Pages(self.first_page, self.last_page, self.more_pages)

    @property
    def short_title(self) -> bool:
        return len(self.title.split()) < SHORT_TITLE_WORDS or len(self.title) < SHORT_TITLE_CHARS


_ROMAN = {
    "ii": "2",
    "iii": "3",
    "iv": "4",
    "vi": "6",
    "vii": "7",
    "viii": "8",
    "ix": "9",
    "xi": "11",
    "xii": "12",
}


def title_numbers(title: str) -> tuple[str, ...]:
    """Numbers that tell apart the parts of a series: ``part ii`` vs ``part 3``, ``phase 2``."""
    out = []
    if not _DIGIT.search(title) and not _ROMAN.keys() & set(title.split()):
        return ()
    title = _THOUSANDS.sub("", title)  # "10 000" is 10000
    for word in title.split():
        if word.isdigit():
            out.append(word.lstrip("0") or "0")
        elif word in _ROMAN:
            out.append(_ROMAN[word])
    return tuple(sorted(out))


def surname_key(author: str) -> str:
    """``van der Berg AB`` / ``van der Berg, A. B.`` -> ``vanderberg``; CJK names kept whole."""
    if normalize.has_cjk(author):
        return author.replace(" ", "")
    if "," in author:
        parts = author.partition(",")[0].split()
    else:
        parts = author.split()
        while len(parts) > 1 and _INITIALS.match(parts[-1].replace(".", "")):
            parts = parts[:-1]
    text = normalize.strip_accents("".join(parts)).lower()
    return _NON_LETTER.sub("", text)


def _number(value: str | None) -> str:
    """The leading number of a volume/issue (``60 (1 Supplement 1)`` -> ``60``)."""
    if not value or value.count(")") > value.count("("):  # "2)": a split "65 (Suppl. 2)"
        return ""
    match = _DIGITS.search(value)
    return match.group(0).lstrip("0") or "0" if match else ""


def _ids(row: dict[str, Any], doi: str, pmid: str) -> frozenset[str]:
    out = set()
    if pmid:
        out.add(f"pubmed:{pmid}")
    if row.get("pmcid"):
        out.add(f"pmc:{str(row['pmcid']).lower().removeprefix('pmc')}")
    accessions = row.get("accessions") or "{}"
    values = json.loads(accessions) if isinstance(accessions, str) else accessions
    for kind, value in (values or {}).items():
        if not value:
            continue
        kind = str(kind).lower().removesuffix("_xref")
        if kind not in IDENTITY_ACCESSIONS:
            continue  # e.g. a trial registration (many reports) or a journal serial number
        text = re.sub(r"[^0-9a-z.\-]", "", str(value).lower())
        if kind == "pubmed":
            text = normalize.pmid(text) or ""
        elif kind == "embase":
            text = text.lstrip("l")
        if text:
            out.add(f"{kind}:{text}")
    return frozenset(out)


@dataclass
class FeatureCache:
    """Memo of the per-name work (journals and author names repeat across records)."""

    journals: dict[tuple[str, str], tuple[tuple[str, ...], bool]] = field(default_factory=dict)
    surnames: dict[str, str] = field(default_factory=dict)


def _journal(journal: str, abbrev: str) -> tuple[tuple[str, ...], bool]:
    """Comparable keys of a journal name and its abbreviation; whether it names a meeting."""
    names = [n for n in (journal, abbrev) if n]
    names += [re.split(r"\s[:=]\s|\.(?=\S)|\. ", n)[0] for n in names]
    keys = venue_keys(names)
    meeting = bool(_CONFERENCE.search(normalize.journal_key(" ".join(names[:2]))))
    return keys, meeting


def features(row: dict[str, Any], cache: FeatureCache | None = None) -> Features:
    """Features of a ``records`` row joined with its search's ``round`` and ``database``."""
    cache = cache if cache is not None else FeatureCache()
    title_raw = clean_title(row.get("title"))
    language = sys.intern(str(row.get("language") or "").lower()[:3])
    foreign = bool(language) and language not in ("eng", "en")
    variants = [normalize.title_key(v) for v in title_variants(title_raw, foreign)]
    title = variants[0]
    translated = normalize.title_key(clean_title(row.get("title_translated")))
    alts = tuple(dict.fromkeys(v for v in [*variants[1:], translated] if v and v != title))
    # the script of the title decides how titles compare, not the article's language: Embase
    # gives a Chinese article an English title, CNKI gives it its Chinese one
    cjk = normalize.has_cjk(title_raw)
    authors_json = row.get("authors") or "[]"
    authors = json.loads(authors_json) if isinstance(authors_json, str) else authors_json
    names: list[str] = []
    for author in authors or []:
        key = cache.surnames.get(author)
        if key is None:
            key = cache.surnames[author] = surname_key(author)
        if key:
            names.append(key)
    surnames = tuple(names)
    journal_id = (row.get("journal") or "", row.get("journal_abbrev") or "")
    if journal_id not in cache.journals:
        cache.journals[journal_id] = _journal(*journal_id)
    journals, meeting = cache.journals[journal_id]
    types_json = row.get("publication_types") or "[]"
    types = json.loads(types_json) if isinstance(types_json, str) else types_json
    pages = page_parts(_unquote(row.get("pages")))
    # a supplement alone is not a meeting: journals publish whole articles in supplements
    conference = bool(meeting or any(_CONFERENCE_TYPES.search(str(t)) for t in types or []))
    notice = ""
    for kind, pattern in _NOTICE_PATTERNS:
        if pattern.search(title):
            notice = kind
            break
    doi = normalize.doi(_unquote(row.get("doi"))) or ""
    pmid = normalize.pmid(_unquote(row.get("pmid"))) or ""
    issn = frozenset(
        re.sub(r"[^0-9x]", "", m.lower())
        for m in re.findall(r"\d{4}-?\d{3}[\dXx]", row.get("issn") or "")
    )
    abstract = normalize.title_key((row.get("abstract") or "")[:400])[:300]
    fields = (
        title,
        abstract,
        surnames,
        row.get("year"),
        journals,
        row.get("volume"),
        row.get("issue"),
        pages.first,
        doi,
        pmid,
    )
    return Features(
        id=int(row["id"]),
        round=int(row.get("round") or 1),
        database=str(row.get("database") or ""),
        title=title,
        title_sorted=" ".join(sorted(title.split())),
        title_numbers=title_numbers(title),
        title_alts=alts,
        title_translated=translated,
        cjk=cjk,
        notice=notice,
        conference=conference,
        authors=surnames,
        year=normalize.year(row.get("year")),
        journals=journals,
        issn=issn,
        volume=_number(_unquote(row.get("volume"))),
        issue=_issue(_unquote(row.get("issue"))),
        first_page=pages.first,
        last_page=pages.last,
        more_pages=pages.more,
        doi=doi,
        pmid=pmid,
        ids=_ids(row, doi, pmid),
        abstract=abstract,
        completeness=sum(1 for f in fields if f) + (2 if len(abstract) > 100 else 0),
        language=language,
    )


_QUOTED = re.compile("^[\"'\u201c\u201d\u2018\u2019\\s]+|[\"'\u201c\u201d\u2018\u2019\\s]+$")


def _unquote(value: Any) -> str | None:
    """A field without the quotes some exports leave around it (``"12"``)."""
    if value is None:
        return None
    return _QUOTED.sub("", str(value)) or None


def _issue(value: str | None) -> str:
    """The issue number; a supplement is no issue number."""
    return "" if _SUPPLEMENT.search(value or "") else _number(value)
