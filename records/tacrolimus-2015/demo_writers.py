"""Writers for make_data.py: each database's native export, the decisions and the tables."""

from __future__ import annotations

import csv
import io
import textwrap
from pathlib import Path

import demo_table as T
from demo_table import Rec

DB_LABEL = {
    "pubmed": "PubMed",
    "embase": "Embase",
    "central": "CENTRAL",
    "cnki": "CNKI",
    "pubmed2016": "PubMed (2016 rerun)",
}
LANG_NAME = {
    "eng": "English",
    "jpn": "Japanese",
    "spa": "Spanish",
    "por": "Portuguese",
    "chi": "Chinese",
}
# Embase's own names for a few real journals (Embase spells '&' out and labels the country).
EMBASE_JOURNAL = {
    "Arthritis & Rheumatism": ("Arthritis and Rheumatism", "Arthritis Rheum."),
    "Rheumatology (Oxford)": ("Rheumatology (United Kingdom)", "Rheumatology (UK)"),
    "Rheumatology": ("Rheumatology", "Rheumatology"),
    "Pediatric Rheumatology": ("Pediatric Rheumatology", "Pediatr. Rheumatol."),
    "Medicina Clinica (Barcelona)": ("Medicina Clinica", "Med. Clin."),
    "Rinsho Shinkeigaku (Clinical Neurology)": ("Clinical Neurology", "Clin. Neurol."),
    "SKINmed: Dermatology for the Clinician": ("SKINmed", "SKINmed"),
    "Postępy Dermatologii i Alergologii": (
        "Postepy Dermatologii i Alergologii",
        "Postep. Dermatol. Alergol.",
    ),
}
# MeSH headings used for the PubMed copies of the index terms (reconstruction's indexing).
MESH = {
    "tacrolimus": "Tacrolimus/*therapeutic use",
    "polymyositis": "Polymyositis/*drug therapy",
    "dermatomyositis": "Dermatomyositis/*drug therapy",
    "juvenile dermatomyositis": "Dermatomyositis/*drug therapy",
    "amyopathic dermatomyositis": "Dermatomyositis/drug therapy",
    "interstitial lung disease": "Lung Diseases, Interstitial/*drug therapy",
    "human": "Humans",
    "child": "Child",
    "prednisolone": "Prednisolone/therapeutic use",
    "cyclosporine": "Cyclosporine/therapeutic use",
    "cyclophosphamide": "Cyclophosphamide/therapeutic use",
    "creatine kinase": "Creatine Kinase/blood",
    "muscle strength": "Muscle Strength",
    "retrospective study": "Retrospective Studies",
    "myasthenia gravis": "Myasthenia Gravis/complications",
    "forced vital capacity": "Vital Capacity",
    "calcineurin inhibitor": "Calcineurin Inhibitors/therapeutic use",
    "inclusion body myositis": "Myositis, Inclusion Body/*drug therapy",
    "organ transplantation": "Organ Transplantation/adverse effects",
    "graft versus host reaction": "Graft vs Host Disease/*complications",
    "ointment": "Administration, Topical",
    "topical treatment": "Administration, Topical",
    "high resolution computer tomography": "Tomography, X-Ray Computed",
    "myositis": "Myositis",
    "immunosuppressive agent": "Immunosuppressive Agents/therapeutic use",
    "skin disease": "Skin Diseases/drug therapy",
    "respiratory failure": "Respiratory Insufficiency/drug therapy",
    "antisynthetase syndrome": "Myositis/*drug therapy",
}

# Records whose MeSH cannot follow from the generic map (tacrolimus as the suspected cause).
MESH_OVERRIDE = {
    "T026": [
        "Tacrolimus/*adverse effects",
        "Polymyositis/*chemically induced",
        "Organ Transplantation/adverse effects",
        "Immunosuppressive Agents/adverse effects",
        "Humans",
    ],
}

# Reviewers' notes on some decisions: key -> {(stage, reviewer): note}
NOTES: dict[str, dict[tuple[str, str], str]] = {
    "T003": {
        ("title_abstract", "reviewer1"): "no title or abstract in the export",
        ("title_abstract", "consensus"): "citation only: full text needed to judge",
    },
    "T008": {
        ("title_abstract", "reviewer2"): "initial treatment, not refractory disease",
        ("title_abstract", "consensus"): "PM/DM treated with tacrolimus: judge on full text",
    },
    "T006": {
        ("full_text", "reviewer2"): "tacrolimus and cyclosporine reported together",
        ("full_text", "consensus"): "included: FVC reported for the calcineurin-inhibitor "
        "cohort, as in Ge 2015",
    },
    "T007": {
        ("full_text", "reviewer2"): "previously untreated patients, not refractory",
        ("full_text", "consensus"): "included: tacrolimus arm of PM/DM-ILD, as in Ge 2015",
    },
    "T011": {
        ("title_abstract", "reviewer1"): "literature review may cover tacrolimus",
        ("full_text", "reviewer1"): "no tacrolimus-treated patients",
    },
    "T020": {
        ("title_abstract", "reviewer1"): "tacrolimus in antisynthetase ILD",
        ("title_abstract", "consensus"): "4 patients",
    },
    "T022": {("full_text", "reviewer1"): "summary of previously published series"},
    "T037": {("full_text", "reviewer1"): "trial protocol, no results"},
    "T043": {("full_text", "reviewer1"): "tacrolimus always combined with cyclophosphamide"},
    "T045": {
        ("title_abstract", "reviewer1"): "no abstract",
        ("title_abstract", "consensus"): "relevant title: seek full text",
    },
    "T046": {
        ("title_abstract", "reviewer2"): "pharmacokinetics only?",
        ("full_text", "reviewer1"): "trough levels only, no clinical outcome",
    },
    "T055": {("title_abstract", "consensus"): "single case"},
    "T059": {("title_abstract", "consensus"): "narrative review"},
    "T065": {("title_abstract", "consensus"): "topical use"},
    "T066": {("title_abstract", "consensus"): "mixed autoimmune diseases, adverse events only"},
    "T068": {
        ("full_text", "reviewer2"): "7 PM/DM patients in the cohort",
        ("full_text", "consensus"): "PM/DM patients not reported separately",
    },
    "T075": {("title_abstract", "consensus"): "descriptive cohort, not a tacrolimus study"},
}


# ----------------------------------------------------------------------------- helpers
def note(rec: Rec) -> str:
    if rec.constructed:
        return f"screener demo {rec.key}: constructed for the screener demo"
    parts = [
        name for name, value in (("abstract", rec.abstract), ("index terms", rec.terms)) if value
    ]
    added = f"; {' and '.join(parts)} written for the demo" if parts else ""
    return f"screener demo {rec.key}: real record (seed bibliography {rec.bib}){added}"


def split_pages(pages: str | None) -> tuple[str | None, str | None]:
    if not pages:
        return None, None
    if "-" in pages:
        first, last = pages.split("-", 1)
        return first, last
    return pages, None


def medline_pages(pages: str | None) -> str | None:
    """MEDLINE's abbreviated range: 1493-1498 -> 1493-8."""
    first, last = split_pages(pages)
    if not first or not last:
        return first
    if len(first) == len(last) and first.isdigit() and last.isdigit():
        i = 0
        while i < len(first) - 1 and first[i] == last[i]:
            i += 1
        return f"{first}-{last[i:]}"
    return f"{first}-{last}"


def sentence_case(name: str) -> str:
    """NLM's JT style: first word capitalised, the rest lower case (acronyms kept)."""
    words = name.replace("&", "and").split()
    out = [words[0]]
    for word in words[1:]:
        keep = (word.isupper() and len(word) > 1) or word.startswith("(")
        out.append(word if keep else word.lower())
    return " ".join(out)


def dotted(abbrev: str, full: str) -> str:
    """Embase's abbreviation style: 'Clin Rheumatol' -> 'Clin. Rheumatol.'."""
    full_words = {w.lower().strip("():,") for w in full.replace("&", " ").split()}
    out = []
    for word in abbrev.split():
        bare = word.strip("()")
        if word.startswith("(") or bare.lower() in full_words or (bare.isupper() and len(bare) > 1):
            out.append(word)
        else:
            out.append(word + ".")
    return " ".join(out)


def split_author(author: str) -> tuple[str, str]:
    """'De Marchi G' -> ('De Marchi', 'G'); 'Mitsui' -> ('Mitsui', '')."""
    parts = author.split()
    if len(parts) > 1 and parts[-1].isupper() and len(parts[-1]) <= 3:
        return " ".join(parts[:-1]), parts[-1]
    return author, ""


def embase_author(author: str) -> str:
    surname, initials = split_author(author)
    if not initials:
        return surname
    return f"{surname} {'.'.join(initials)}."


def central_author(author: str) -> str:
    surname, initials = split_author(author)
    return f"{surname}, {initials}" if initials else surname


def mesh(term: str) -> str | None:
    if term in MESH:
        return MESH[term]
    if term[:1].isupper():  # already a MeSH heading (round-2 records)
        return term
    return None


def wrap(tag: str, value: str) -> list[str]:
    """A MEDLINE field: tag padded to 4, '- ', continuation lines indented 6 spaces."""
    head = f"{tag:<4}- "
    lines = textwrap.wrap(value, width=82, break_long_words=False, break_on_hyphens=False)
    if not lines:
        return [head.rstrip()]
    return [head + lines[0]] + ["      " + line for line in lines[1:]]


def ordered(records: list[Rec], db: str) -> list[Rec]:
    """Records a database exports, most recent first (years unknown last), as exports sort."""
    chosen = [r for r in records if db in r.dbs]
    return sorted(chosen, key=lambda r: (-(r.year or 0), r.key))


# ----------------------------------------------------------------------------- PubMed
def medline_record(rec: Rec) -> str:
    out: list[str] = []
    if rec.pmid:
        out.append(f"PMID- {rec.pmid}")
    out.append("OWN - NLM")
    out.append("STAT- MEDLINE" if rec.pmid else "STAT- Publisher")
    if rec.volume:
        out.append(f"VI  - {rec.volume}")
    if rec.issue:
        out.append(f"IP  - {rec.issue}")
    dp = " ".join(str(x) for x in (rec.year, rec.month, rec.day) if x) if rec.year else None
    if dp:
        out.append(f"DP  - {dp}")
    title = rec.title or ""
    if title and not title.endswith((".", "?", "!")):
        title += "."
    if title:
        out += wrap("TI", title)
    pg = medline_pages(rec.pages)
    if pg:
        out.append(f"PG  - {pg}")
    if rec.doi:
        out.append(f"LID - {rec.doi} [doi]")
    if rec.abstract:
        out += wrap("AB", rec.abstract)
    for author in rec.authors:
        surname, initials = split_author(author)
        out.append(f"FAU - {surname}, {initials}" if initials else f"FAU - {surname}")
        out.append(f"AU  - {author}")
    if rec.language:
        out.append(f"LA  - {rec.language}")
    for pt in rec.pt or ["Journal Article"]:
        out.append(f"PT  - {pt}")
    if rec.journal_abbrev:
        out.append(f"TA  - {rec.journal_abbrev}")
    if rec.journal:
        out.append(f"JT  - {sentence_case(rec.journal)}")
    seen: set[str] = set()
    terms = MESH_OVERRIDE.get(rec.key, rec.terms) if rec.pmid else []  # not indexed yet
    for term in terms:
        heading = mesh(term)
        if heading and heading not in seen:
            seen.add(heading)
            out.append(f"MH  - {heading}")
    if rec.pmcid:
        out.append(f"PMC - {rec.pmcid}")
    if rec.doi:
        out.append(f"AID - {rec.doi} [doi]")
    out.append("PST - ppublish" if rec.pmid else "PST - aheadofprint")
    if rec.journal_abbrev and rec.year:
        where = f"{rec.volume}({rec.issue})" if rec.issue else (rec.volume or "")
        so = f"{rec.journal_abbrev}. {dp};{where}"
        if pg:
            so += f":{pg}"
        so += "."
        if rec.doi:
            so += f" doi: {rec.doi}."
        out += wrap("SO", so)
    out += wrap("GN", note(rec))
    return "\n".join(out) + "\n"


def write_medline(path: Path, records: list[Rec]) -> None:
    path.write_text("\n".join(medline_record(r) for r in records), encoding="utf-8")


# ----------------------------------------------------------------------------- Embase
def embase_record(rec: Rec) -> str:
    out = ["TY  - JOUR"]
    if rec.m3:
        out.append(f"M3  - {rec.m3}")
    if rec.year:
        out.append(f"Y1  - {rec.year}")
    if rec.volume:
        out.append(f"VL  - {rec.volume}")
    if rec.issue:
        out.append(f"IS  - {rec.issue.lstrip('0')}")
    sp, ep = split_pages(rec.pages)
    if sp:
        out.append(f"SP  - {sp}")
    if ep:
        out.append(f"EP  - {ep}")
    if rec.journal:
        jf, jo = EMBASE_JOURNAL.get(rec.journal, (rec.journal, None))
        if jo is None:
            jo = dotted(rec.journal_abbrev, rec.journal) if rec.journal_abbrev else jf
        out.append(f"JF  - {jf}")
        out.append(f"JO  - {jo}")
    acc = rec.embase_id
    out.append(
        f"UR  - http://www.embase.com/search/results?subaction=viewrecord&from=export&id={acc}"
    )
    out.append(f"U2  - {acc}")
    if rec.pmid:
        out.append(f"C5  - {rec.pmid}")
    out.append("DB  - Embase")
    if rec.origin == "real" and (
        rec.pmid
        or rec.journal
        in {
            "Lancet",
            "Arthritis & Rheumatism",
            "Rheumatology (Oxford)",
            "Modern Rheumatology",
            "Clinical Rheumatology",
            "Acta Neurologica Belgica",
        }
    ):
        out.append("DB  - Medline")
    if rec.doi:
        out.append(f"L2  - http://dx.doi.org/{rec.doi}")
        out.append(f"DO  - {rec.doi}")
    authors = rec.authors or [T.pinyin(a) for a in rec.authors_zh]
    for author in authors:
        out.append(f"A1  - {embase_author(author)}")
    title = rec.title_embase or rec.title
    if title:
        out.append(f"T1  - {title}")
    if rec.language:
        out.append(f"LA  - {LANG_NAME[rec.language]}")
    for term in rec.terms:
        out.append(f"KW  - {term}")
    if rec.abstract:
        out.append(f"N2  - {rec.abstract}")
    out.append(f"N1  - {note(rec)}")
    out.append("ER  -")
    return "\n".join(out) + "\n"


def write_embase(path: Path, records: list[Rec]) -> None:
    text = "\n".join(embase_record(r) for r in records)
    path.write_bytes("\ufeff".encode() + text.encode("utf-8"))  # Embase.com files start with a BOM


# ----------------------------------------------------------------------------- CENTRAL
def central_record(rec: Rec, n: int, total: int, embase_ids: dict[str, str]) -> str:
    out = [
        f"Record #{n} of {total}",
        "Provider: John Wiley & Sons, Ltd.",
        'Content: text/plain; charset="UTF-8"',
        "",
        "TY  -  JOUR",
        f"AN  -  {rec.central_id}",
    ]
    for author in rec.authors:
        out.append(f"A1  -  {central_author(author)}")
    if rec.title:
        out.append(f"T1  -  {rec.title}")
    if rec.journal:
        out.append(f"JA  -  {sentence_case(rec.journal)}")
    if rec.year:
        out.append(f"PY  -  {rec.year}")
    if rec.volume:
        out.append(f"VL  -  {rec.volume}")
    if rec.issue:
        out.append(f"IS  -  {rec.issue}")
    if rec.pages:
        out.append(f"SP  -  {rec.pages.replace('-', chr(0x2010))}")
    xrefs = []
    if rec.pmid:
        xrefs.append(f"PUBMED {rec.pmid}")
    if rec.key in embase_ids:
        xrefs.append(f"EMBASE {embase_ids[rec.key]}")
    if xrefs:
        out.append(f"C3  -  {','.join(xrefs)}")
    out.append(f"M3  -  {rec.m3_central}")
    for term in rec.terms:
        out.append(f"KW  -  {term[:1].upper() + term[1:]}")
    if rec.doi:
        out.append(f"DO  -  {rec.doi}")
    if rec.abstract:
        out.append(f"N2  -  {rec.abstract.replace('-', chr(0x2010))}")
    out.append(f"N1  -  {note(rec)}")
    out.append(
        f"UR  -  https://www.cochranelibrary.com/central/doi/10.1002/central/{rec.central_id}/full"
    )
    out.append("ER  -  ")
    return "\n".join(out) + "\n"


def write_central(path: Path, records: list[Rec]) -> None:
    embase_ids = {r.key: r.embase_id[1:] for r in records if "embase" in r.dbs}
    chosen = ordered(records, "central")
    parts = [central_record(r, i, len(chosen), embase_ids) for i, r in enumerate(chosen, 1)]
    path.write_text("\n\n".join(parts), encoding="utf-8")


# ----------------------------------------------------------------------------- CNKI
def cnki_record(rec: Rec) -> str:
    crlf: list[str] = ["%0 Journal Article"]
    crlf += [f"%A {a}" for a in rec.authors_zh]
    crlf.append(f"%+ {T.AFF_ZH};")
    crlf.append(f"%T {rec.title_zh}")
    crlf.append(f"%J {rec.journal_zh}")
    crlf.append(f"%D {rec.year}")
    if rec.volume:
        crlf.append(f"%V {rec.volume}")
    crlf.append(f"%N {rec.issue}")
    crlf.append(f"%K {';'.join(rec.terms_zh)}")
    crlf.append(f"%X {rec.abstract_zh}")
    crlf.append(f"%P {rec.pages}")
    if rec.doi:
        crlf.append(f"%R {rec.doi}")
    crlf.append(f"%Z {note(rec)}")
    # CNKI's Refer export: CRLF inside a record, a bare LF after %W, two blank lines between records
    return "\r\n".join(crlf) + "\r\n%W CNKI\n"


def write_cnki(path: Path, records: list[Rec]) -> None:
    path.write_bytes("\n\n".join(cnki_record(r) for r in records).encode("utf-8"))


# ----------------------------------------------------------------------------- decisions
def code(value: str) -> tuple[str, str | None]:
    if value == "i":
        return "include", None
    if value == "m":
        return "maybe", None
    return "exclude", value[1:]


def decision_rows(records: list[Rec]) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for stage, attr, reasons in (
        ("title_abstract", "ta", T.TA_REASONS),
        ("full_text", "ft", T.FT_REASONS),
    ):
        consensus: list[dict[str, str]] = []
        for rec in records:
            codes = getattr(rec, attr)
            if not codes:
                continue
            notes = NOTES.get(rec.key, {})
            who = ["reviewer1", "reviewer2", "consensus"]
            for reviewer, value in zip(who, codes, strict=False):
                decision, reason = code(value)
                row = {
                    "key": rec.decision_key,
                    "stage": stage,
                    "reviewer": reviewer,
                    "decision": decision,
                    "reason": reasons[int(reason) - 1] if reason else "",
                    "note": notes.get((stage, reviewer), ""),
                }
                (consensus if reviewer == "consensus" else rows).append(row)
        rows.extend(consensus)
    return rows


def write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


# ----------------------------------------------------------------------------- all
def write_all(here: Path, records: list[Rec]) -> None:
    round1 = [r for r in records if r.round == 1]
    by_key = {r.key: r for r in records}
    write_medline(here / "pubmed.nbib", ordered(round1, "pubmed"))
    write_embase(here / "embase.ris", ordered(round1, "embase"))
    write_central(here / "central.ris", round1)
    write_cnki(here / "cnki.txt", ordered(round1, "cnki"))
    # PubMed "Best match" order: the three round-1 papers come first, then the new records
    update = [by_key[k] for k in T.UPDATE_REPEATS] + [r for r in records if r.round == 2]
    (here / "update").mkdir(exist_ok=True)
    write_medline(here / "update" / "pubmed-2016.nbib", update)
    header = ["key", "stage", "reviewer", "decision", "reason", "note"]
    write_csv(here / "decisions.csv", header, decision_rows(round1))
    write_csv(
        here / "update" / "decisions.csv",
        header,
        decision_rows([r for r in records if r.round == 2]),
    )
    write_csv(
        here / "retrieval.csv",
        header,
        [
            {
                "key": r.decision_key,
                "stage": "full_text",
                "reviewer": "reviewer1",
                "decision": "not_retrieved",
                "reason": r.not_retrieved or "",
                "note": "",
            }
            for r in round1
            if r.not_retrieved
        ],
    )
    positions: dict[str, list[tuple[str, int]]] = {}
    for db, name in (
        ("pubmed", "pubmed.nbib"),
        ("embase", "embase.ris"),
        ("central", "central.ris"),
        ("cnki", "cnki.txt"),
    ):
        for i, rec in enumerate(ordered(round1, db), 1):
            positions.setdefault(rec.key, []).append((name, i))
    for i, rec in enumerate(update, 1):
        positions.setdefault(rec.key, []).append(("update/pubmed-2016.nbib", i))
    import demo_readme

    demo_readme.write(here, records, positions)
