"""RIS and BibTeX writers for exported records and studies.

RIS (UTF-8, no BOM, CRLF line ends as the RIS spec and Zotero's own export use; tag, two
spaces, hyphen, space). Tags are chosen for what Zotero's RIS translator imports
(zotero/translators ``RIS.js``) and what our importer reads back:

=====  =====================================================================
TY     ``JOUR``
TI     title;  TT: translated title (Zotero keeps it as a note)
AU     one per author, ``Surname, Initials`` (Zotero splits last/first on the comma)
PY     year
T2     journal (Zotero: publicationTitle);  J2: journal abbreviation
VL IS  volume, issue;  SP / EP: first / last page (``S12`` alone stays in SP)
SN     ISSN;  DO: DOI;  UR: link;  LA: language
AN     PMID (the EndNote/PubMed convention; Zotero stores it as "Loc. in Archive")
M2     ``PMID: n`` (Zotero puts M2 in Extra, where it recognises ``PMID:`` lines)
KW     one per keyword;  AB: abstract (line breaks folded to spaces)
N1     ``Study: <label>``, other ids (``embase:L...``) and the study's other reports
=====  =====================================================================
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TextIO

from screener.handoff.studies import Entry, accessions_text, ascii_key, citation, surname
from screener.record import Record

CRLF = "\r\n"


def ris_author(author: str) -> str:
    """``Oddis CV`` -> ``Oddis, CV``; a CJK or single-word name unchanged."""
    name = author.strip()
    family = surname(name)
    if family == name or "," in name:
        return name
    return f"{family}, {name[len(family) :].strip()}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _pages(pages: str) -> tuple[str, str | None]:
    first, sep, last = pages.partition("-")
    return (first.strip(), last.strip() or None) if sep else (pages.strip(), None)


def ris_lines(entry: Entry) -> Iterator[str]:
    rec = entry.record
    yield "TY  - JOUR"
    if rec.title:
        yield f"TI  - {_one_line(rec.title)}"
    if rec.title_translated:
        yield f"TT  - {_one_line(rec.title_translated)}"
    for author in rec.authors:
        yield f"AU  - {ris_author(author)}"
    if rec.year:
        yield f"PY  - {rec.year}"
    simple = (
        ("T2", rec.journal),
        ("J2", rec.journal_abbrev),
        ("VL", rec.volume),
        ("IS", rec.issue),
    )
    for tag, value in simple:
        if value:
            yield f"{tag}  - {_one_line(value)}"
    if rec.pages:
        first, last = _pages(rec.pages)
        yield f"SP  - {first}"
        if last:
            yield f"EP  - {last}"
    for tag, value in (("SN", rec.issn), ("DO", rec.doi), ("UR", rec.url), ("LA", rec.language)):
        if value:
            yield f"{tag}  - {_one_line(value)}"
    if rec.pmid:
        yield f"AN  - {rec.pmid}"
        yield f"M2  - PMID: {rec.pmid}"
    for keyword in rec.keywords:
        yield f"KW  - {_one_line(keyword)}"
    if rec.abstract:
        yield f"AB  - {_one_line(rec.abstract)}"
    notes = [f"Study: {entry.label}"] if entry.label else []
    ids = dict(rec.accessions)
    if rec.pmcid:
        ids["pmcid"] = rec.pmcid
    if ids:
        notes.append(f"Other ids: {accessions_text(ids)}")
    for rid, report in entry.reports:
        notes.append(f"Other report of this study (record {rid}): {citation(report)}")
    for note in notes:
        yield f"N1  - {_one_line(note)}"
    yield "ER  - "


def write_ris(entries: list[Entry], out: TextIO) -> None:
    """Write RIS with CRLF line ends (``out`` opened with ``newline=""``)."""
    for entry in entries:
        out.write(CRLF.join(ris_lines(entry)) + CRLF + CRLF)


# --- BibTeX -----------------------------------------------------------------

_BIB_ESCAPES = str.maketrans(
    {"{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_", "$": r"\$"}
)


def bibtex_keys(entries: list[Entry]) -> list[str]:
    """``Oddis1999``; ``Oddis1999a``/``b`` when two entries share a key; ``record12`` when no
    ASCII surname exists (a CJK author)."""
    bases = []
    for entry in entries:
        rec = entry.record
        family = ascii_key(surname(rec.authors[0])) if rec.authors else "Anon"
        bases.append(f"{family}{rec.year or 'nd'}" if family else f"record{entry.record_id}")
    counts: dict[str, int] = {}
    for base in bases:
        counts[base] = counts.get(base, 0) + 1
    seen: dict[str, int] = {}
    keys = []
    for base in bases:
        if counts[base] == 1:
            keys.append(base)
        else:
            i = seen.get(base, 0)
            seen[base] = i + 1
            keys.append(base + "abcdefghijklmnopqrstuvwxyz"[i % 26] + ("" if i < 26 else str(i)))
    return keys


def _bib_fields(entry: Entry) -> list[tuple[str, str]]:
    rec: Record = entry.record
    fields: list[tuple[str, str]] = []
    if rec.authors:
        fields.append(("author", " and ".join(ris_author(a) for a in rec.authors)))
    if rec.title:
        fields.append(("title", "{" + _one_line(rec.title) + "}"))
    simple = [
        ("journal", rec.journal or rec.journal_abbrev),
        ("year", str(rec.year or "")),
        ("volume", rec.volume),
        ("number", rec.issue),
        ("pages", rec.pages.replace("-", "--") if rec.pages else None),
        ("doi", rec.doi),
        ("pmid", rec.pmid),
        ("issn", rec.issn),
        ("url", rec.url),
        ("language", rec.language),
    ]
    fields += [(k, _one_line(v)) for k, v in simple if v]
    if rec.keywords:
        fields.append(("keywords", ", ".join(_one_line(k) for k in rec.keywords)))
    if rec.abstract:
        fields.append(("abstract", _one_line(rec.abstract)))
    notes = [f"Study: {entry.label}"] if entry.label else []
    notes += [f"Other report (record {rid}): {citation(r)}" for rid, r in entry.reports]
    if notes:
        fields.append(("note", "; ".join(notes)))
    return fields


def write_bibtex(entries: list[Entry], out: TextIO) -> None:
    """Write ``@article`` entries (UTF-8; braces and specials escaped, title case kept)."""
    for key, entry in zip(bibtex_keys(entries), entries, strict=True):
        lines = [f"@article{{{key},"]
        for name, value in _bib_fields(entry):
            if name == "title":
                inner = value[1:-1].translate(_BIB_ESCAPES)
                lines.append(f"  {name} = {{{{{inner}}}}},")
            elif name in ("url", "doi"):
                lines.append(f"  {name} = {{{value}}},")
            else:
                lines.append(f"  {name} = {{{value.translate(_BIB_ESCAPES)}}},")
        lines.append("}")
        out.write("\n".join(lines) + "\n\n")
