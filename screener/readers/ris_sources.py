"""What RIS tags mean per vendor: where the PMID, the DOI and the accession numbers hide.

A record's vendor is guessed from its content (``DB``/``DP`` tag, ``UR`` host, ``AN`` prefix),
never from the file name. The table ``SOURCES`` is the declared knowledge; ``build`` applies it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from screener import normalize
from screener.errors import InputError
from screener.readers import Origin
from screener.readers.fields import (
    Raw,
    authors,
    finish,
    first,
    issn,
    language,
    pages,
    unique,
    values,
)
from screener.record import Record


@dataclass(frozen=True)
class Source:
    key: str
    database: str | None  # the searches.database name; None: from the DB tag
    interface: str | None
    pmid_tags: tuple[str, ...] = ()


SOURCES = {
    "cochrane": Source("cochrane", "CENTRAL", "Cochrane Library"),
    "embase": Source("embase", "Embase", "Embase.com", ("C5",)),
    "scopus": Source("scopus", "Scopus", "Scopus", ("C2",)),
    "wos": Source("wos", "Web of Science", "Web of Science"),
    "ovid": Source("ovid", None, "Ovid"),
    "ebsco": Source("ebsco", None, "EBSCOhost"),
    "pubmed": Source("pubmed", "PubMed", None, ("AN",)),
    "rayyan": Source("rayyan", None, "Rayyan"),
    "other": Source("other", None, None),
}

# RIS type codes -> publication type names (used when the record has no M3/PT text).
TYPES = {
    "JOUR": "Journal Article",
    "JFULL": "Journal Article",
    "ABST": "Abstract",
    "BOOK": "Book",
    "CHAP": "Book Chapter",
    "CONF": "Conference Proceeding",
    "CPAPER": "Conference Paper",
    "THES": "Thesis",
    "RPRT": "Report",
    "PAT": "Patent",
    "NEWS": "Newspaper Article",
    "ELEC": "Web Page",
    "GEN": "Generic",
    "SER": "Serial",
    "EJOUR": "Electronic Article",
}

# Ovid's database codes, as seen in its links (``D=caba6``).
OVID_CODES = {
    "caba": "CAB Abstracts",
    "emed": "Embase",
    "emez": "Embase",
    "emba": "Embase",
    "oemezd": "Embase",
    "medl": "MEDLINE",
    "mesz": "MEDLINE",
    "prem": "MEDLINE",
    "psyc": "APA PsycInfo",
    "eric": "ERIC",
    "biop": "BIOSIS Previews",
    "cctr": "CENTRAL",
}

_OVID_LINK = re.compile(r"ovid(?:sp)?\.ovid\.com/\S*?[?&]D=([a-z]+)", re.I)


def _database_name(value: str | None) -> str | None:
    """``ERIC <1992 to June 2024>`` -> ``ERIC``; ``Medline`` -> ``MEDLINE``."""
    if not value:
        return None
    name = re.sub(r"\s*<[^>]*>\s*", " ", value).strip()
    name = re.sub(r"^Ovid\s+", "", name)  # "Ovid MEDLINE(R) ALL"
    lowered = name.lower()
    for known in ("Embase", "MEDLINE", "Scopus", "CINAHL", "ERIC", "PsycINFO"):
        if lowered.startswith(known.lower()):
            return "CINAHL" if known == "CINAHL" else known
    return name or None


def kind(raw: Raw) -> str:
    """The vendor of one record."""
    an = first(raw, "AN") or ""
    urls = " ".join(values(raw, "UR", "L2"))
    dbs = [d.lower() for d in values(raw, "DB")]
    if an.startswith("CN-") or "cochranelibrary.com" in urls:
        return "cochrane"
    if an.upper().startswith("WOS:"):
        return "wos"
    if "scopus.com" in urls or "scopus" in dbs:
        return "scopus"
    if "embase.com" in urls or re.fullmatch(r"L\d{6,}", first(raw, "U2") or ""):
        return "embase"
    if "__ovid__" in raw or "ovid.com" in urls or first(raw, "VN") == "Ovid Technologies":
        return "ovid"
    if (first(raw, "DP") or "").lower().startswith("ebsco"):
        return "ebsco"
    if an.startswith("rayyan-"):
        return "rayyan"
    if re.fullmatch(r"\d{1,8}", an) and all(d in ("pubmed", "medline", "nlm") for d in dbs):
        return "pubmed"
    return "other"


def origin(head: str) -> Origin:
    """The file's database and interface, from its first records."""
    if re.search(r"^Record #\d+ of \d+", head, re.M) or "cochranelibrary.com" in head:
        return ("CENTRAL", "Cochrane Library")
    if re.search(r"^(?:AN|UT)  - WOS:", head, re.M):
        return ("Web of Science", "Web of Science")
    if "scopus.com" in head or re.search(r"^DB  - Scopus", head, re.M):
        return ("Scopus", "Scopus")
    db = re.search(r"^DB  - (\S.*)$", head, re.M)
    ovid = bool(re.search(r"^\s*\d+\.\s*$", head, re.M)) or "ovid.com" in head
    if ovid:
        link = _OVID_LINK.search(head)
        code = re.sub(r"\d+$", "", link.group(1).lower()) if link else ""
        name = _database_name(db.group(1)) if db else OVID_CODES.get(code)
        return (name, "Ovid")
    if "embase.com" in head or re.search(r"^U2  - L\d+", head, re.M):
        return ("Embase", "Embase.com")
    if re.search(r"^DP  - EBSCO", head, re.M):
        return (_database_name(db.group(1)) if db else None, "EBSCOhost")
    if db:
        return (_database_name(db.group(1)), None)
    return (None, None)


def _doi(raw: Raw) -> str | None:
    for value in values(raw, "DO", "L3", "DI"):
        found = normalize.doi(value)
        if found:
            return found
    # A link is the paper's DOI only through a resolver (doi.org) or a "doi:" prefix: the
    # Cochrane Library's own record URL (.../central/doi/10.1002/central/CN-.../full) is not.
    for value in values(raw, "L2", "UR", "M3", "N1"):
        lowered = value.lower()
        if "doi.org/" in lowered or "doi:" in lowered:
            tail = re.split(r"doi\.org/|doi:\s*", value, flags=re.I)[-1]
            found = normalize.doi(re.split(r"[&\s]", tail)[0])
            if found:
                return found
    return None


def _cochrane_xrefs(raw: Raw) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values(raw, "C3"):
        for label, number in re.findall(r"(PUBMED|EMBASE)\s+(\d+)", value, re.I):
            out[label.lower()] = number
    return out


def _pmid_fallback(raw: Raw, vendor: str, an: str) -> str | None:
    """A PMID outside the vendor's own place: ``PMID: n`` in M2/N1 (Zotero, our own export),
    or a numeric AN where the vendor does not use AN for its own accession numbers."""
    for value in values(raw, "M2", "N1"):
        match = re.search(r"\bPMID:\s*(\d{1,9})\b", value)
        if match:
            return match.group(1)
    if vendor not in ("cochrane", "wos", "rayyan", "ebsco") and re.fullmatch(r"\d{1,8}", an):
        return an
    return None


def build(raw: Raw, source: str, count: int, line: int) -> Record:
    """One RIS record -> Record, by its vendor's conventions."""
    vendor = kind(raw)
    raw.pop("__ovid__", None)
    spec = SOURCES[vendor]
    kinds = unique(values(raw, "M3", "PT"))
    ty = first(raw, "TY")
    if not kinds and ty:
        kinds = [TYPES.get(ty.upper(), ty)]
    journal = first(raw, "T2", "JF", "JO", "JA", "J2", "T3")
    abbrev = next((v for v in values(raw, "J2", "JA", "JO", "J9", "JI") if v != journal), None)
    record = Record(
        title=first(raw, "TI", "T1", "CT", "ST", "BT"),
        abstract=first(raw, "AB", "N2"),
        authors=authors(values(raw, "AU", "A1")),
        year=normalize.year(first(raw, "PY", "Y1", "DA", "Y2")),
        journal=journal,
        journal_abbrev=abbrev,
        volume=first(raw, "VL"),
        issue=first(raw, "IS", "CP"),
        pages=pages(first(raw, "SP"), first(raw, "EP")),
        doi=_doi(raw),
        issn=issn(first(raw, "SN")),
        language=language(first(raw, "LA")),
        publication_types=kinds,
        keywords=unique(k.strip().lstrip("*") for k in values(raw, "KW", "K1")),
        url=first(raw, "UR"),
        raw=raw,
    )
    if not record.title and not record.authors and not record.abstract:
        raise InputError(
            f"{source}, record {count} (line {line}) has no title, authors or abstract: "
            "it is not a bibliographic record."
        )
    for tag in spec.pmid_tags:
        found = first(raw, tag)
        if found and re.fullmatch(r"\d{1,9}", found):
            record.pmid = found
            break
    an = first(raw, "AN") or ""
    if record.pmid is None:
        record.pmid = _pmid_fallback(raw, vendor, an)
    acc = record.accessions
    if vendor == "cochrane":
        if an.startswith("CN-"):
            acc["central"] = an
        xrefs = _cochrane_xrefs(raw)
        if "pubmed" in xrefs:
            record.pmid = xrefs["pubmed"]
            acc["pubmed_xref"] = xrefs["pubmed"]
        if "embase" in xrefs:
            acc["embase_xref"] = xrefs["embase"]
    elif vendor == "embase":
        embase = first(raw, "U2")
        if not embase:
            match = re.search(r"[?&]id=(L\d+)", " ".join(values(raw, "UR")))
            embase = match.group(1) if match else None
        if embase:
            acc["embase"] = embase
    elif vendor == "wos":
        acc["wos"] = an
    elif vendor == "scopus":
        match = re.search(r"eid=(2-s2\.0-\d+)", " ".join(values(raw, "UR")))
        if match:
            acc["scopus"] = match.group(1)
    elif vendor == "rayyan":
        acc["rayyan"] = an
    elif vendor == "ovid":
        ovid_id = first(raw, "ID", "AN")
        database = (_database_name(first(raw, "DB")) or "").lower()
        if ovid_id and database == "embase" and re.fullmatch(r"L?\d+", ovid_id):
            acc["embase"] = ovid_id if ovid_id[0] == "L" else f"L{ovid_id}"
        elif ovid_id and database == "eric":
            acc["eric"] = ovid_id
        elif ovid_id and database == "medline" and ovid_id.isdigit():
            record.pmid = record.pmid or ovid_id
        elif ovid_id:
            acc["ovid"] = ovid_id
    elif vendor == "ebsco":
        note = " ".join(values(raw, "N1"))
        match = re.search(r"Accession Number:\s*(\S+)", note)
        if match:
            acc["ebsco"] = match.group(1).rstrip(".;")
    if "embase" not in acc:
        for note in values(raw, "N1"):
            if re.fullmatch(r"L\d{8,}", note):
                acc["embase"] = note  # EndNote moves Embase's accession into a note
    return finish(record)
