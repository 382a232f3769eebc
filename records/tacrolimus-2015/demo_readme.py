"""README.md, review.toml, searches.csv and extraction.csv of the worked example."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import demo_table as T
from demo_table import Rec

QUERY = {
    "pubmed": (
        '(tacrolimus[tiab] OR FK506[tiab] OR "Tacrolimus"[Mesh]) AND (polymyositis OR '
        'dermatomyositis OR myositis OR "inflammatory myopathy" OR antisynthetase) AND '
        '("1980/05/01"[dp] : "2015/04/30"[dp])'
    ),
    "embase": (
        "('tacrolimus'/exp OR fk506:ti,ab) AND ('polymyositis'/exp OR 'dermatomyositis'/exp "
        "OR myositis:ti,ab OR 'inflammatory myopathy':ti,ab OR antisynthetase:ti,ab) AND "
        "[1980-2015]/py"
    ),
    "central": (
        "(tacrolimus OR FK506) AND (polymyositis OR dermatomyositis OR myositis OR "
        '"inflammatory myopathy" OR antisynthetase)'
    ),
    "cnki": "SU=('他克莫司'+'FK506')*('多发性肌炎'+'皮肌炎'+'肌炎'+'炎性肌病'+'抗合成酶')",
    "pubmed2016": (
        '(tacrolimus[tiab] OR FK506[tiab] OR "Tacrolimus"[Mesh]) AND (polymyositis OR '
        'dermatomyositis OR myositis OR "inflammatory myopathy" OR antisynthetase)'
    ),
}
FILES = {
    "pubmed": "pubmed.nbib",
    "embase": "embase.ris",
    "central": "central.ris",
    "cnki": "cnki.txt",
    "pubmed2016": "update/pubmed-2016.nbib",
}
FORMAT = {
    "pubmed": "medline",
    "embase": "ris",
    "central": "ris",
    "cnki": "cnki-refer",
    "pubmed2016": "medline",
}
INTERFACE = {
    "pubmed": "PubMed (pubmed.ncbi.nlm.nih.gov)",
    "embase": "Embase.com",
    "central": "Cochrane Library (Wiley)",
    "cnki": "CNKI (kns.cnki.net)",
    "pubmed2016": "PubMed (pubmed.ncbi.nlm.nih.gov)",
}
DBNAME = {
    "pubmed": "PubMed",
    "embase": "Embase",
    "central": "CENTRAL",
    "cnki": "CNKI",
    "pubmed2016": "PubMed",
}
OUTCOMES = ["muscle_strength", "physical_function", "ck_decreased", "fvc", "dlco"]

# extraction: study -> (citation, design, n, n_source, key, {outcome: (events, total, source)})
NR = "not reported as a count in the abstract"
EXTRACTION = [
    (
        "Oddis 1999",
        "Oddis CV, et al. Lancet 1999;353:1762",
        "open case series",
        "8",
        "8 patients (NIH manuscript PMC2977932)",
        "title:Tacrolimus in refractory polymyositis with interstitial lung disease",
        {
            "muscle_strength": ("8", "8", "all 8 patients gained strength"),
            "physical_function": ("", "", "HAQ-DI mean 0.98 to 0.48; " + NR),
            "ck_decreased": ("", "", "mean CK of the 6 anti-Jo-1 patients 3114 to 87; " + NR),
        },
    ),
    (
        "Wilkes 2005",
        "Wilkes MR, et al. Arthritis Rheum 2005;52(8):2439-2446",
        "retrospective cohort",
        "13",
        "15 treated, 13 analysed (at least 3 months of tacrolimus)",
        "doi:10.1002/art.21240",
        {
            "muscle_strength": (
                "10",
                "13",
                "10 of the 13 analysed improved or kept normal strength",
            ),
            "ck_decreased": ("", "", "CK fell (group result); " + NR),
            "fvc": ("", "", "FVC improved significantly (group means); " + NR),
            "dlco": ("", "", "DLCO improved significantly (group means); " + NR),
        },
    ),
    (
        "Mitsui 2011",
        "Mitsui, et al. Acta Neurol Belg 2011;111:188",
        "unknown",
        "",
        "no stored record of this study",
        "accession:L9555000003",
        {},
    ),
    (
        "Shimojima 2012",
        "Shimojima Y, et al. BMC Musculoskelet Disord 2012;13:228",
        "retrospective chart review",
        "15",
        "15 of 32 reviewed patients received tacrolimus",
        "pmid:23173570",
        {
            "muscle_strength": ("", "", "MMT rose significantly (group means); " + NR),
            "ck_decreased": ("", "", "CK fell significantly (group means); " + NR),
        },
    ),
    (
        "Matsubara 2012",
        "Matsubara S, et al. Clin Rheumatol 2012;31(10):1493-1498",
        "prospective open non-randomised study",
        "9",
        "9 patients (5 DM, 4 PM)",
        "pmid:22886003",
        {
            "muscle_strength": (
                "8",
                "9",
                "8 of 9 improved at 6 months (response judged on muscle "
                "strength, ambulation and CK); counted here as muscle strength",
            )
        },
    ),
    (
        "Labirua-Iturburu 2013",
        "Labirua-Iturburu A, et al. Clin Exp Rheumatol 2013;31(3):436-439",
        "retrospective cohort",
        "15",
        "15 patients on tacrolimus or cyclosporine",
        "pmid:23465087",
        {
            "fvc": (
                "13",
                "15",
                "FVC rose more than 10% or stabilised in 13 of 15 (tacrolimus or cyclosporine)",
            )
        },
    ),
    (
        "Kurita 2015",
        "Kurita T, et al. Rheumatology (Oxford) 2015;54(1):39-44",
        "retrospective comparative cohort",
        "25",
        "25 tacrolimus vs 24 conventional therapy",
        "doi:10.1093/rheumatology/keu166",
        {"muscle_strength": ("", "", "survival hazard ratios only; " + NR)},
    ),
    (
        "Yokoyama 2015",
        "Yokoyama Y, et al. Mod Rheumatol 2015:888-892",
        "retrospective comparative cohort",
        "23",
        "23 tacrolimus + prednisolone vs 19 prednisolone",
        "doi:10.3109/14397595.2015.1029239",
        {"muscle_strength": ("", "", "remission and steroid dose only; " + NR)},
    ),
]
PAPER_TOTALS = {
    "muscle_strength": "42/45 (93.3%)",
    "physical_function": "11/17 (64.7%)",
    "ck_decreased": "68/68 (100%)",
    "fvc": "25/28 (89.3%)",
    "dlco": "13/16 (81.3%)",
}


def write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def toml_list(items: list[str], indent: str = "    ") -> str:
    inner = "".join(f'{indent}"{item}",\n' for item in items)
    return "[\n" + inner + "]"


def review_toml() -> str:
    return f"""# review.toml of the worked example: Ge Y, Zhou H, Shi J, Ye B, Peng Q, Lu X, Wang G.
# The efficacy of tacrolimus in patients with refractory dermatomyositis/polymyositis: a
# systematic review. Clin Rheumatol 2015;34(12):2097-2103. doi:10.1007/s10067-015-3065-0
#
# What the paper's abstract states: databases (CENTRAL, PubMed, Embase, CNKI), the period
# May 1980 - April 2015, refractory DM/PM, tacrolimus, and the outcomes below. Everything marked
# "reconstruction" (study-design rule, language limit, reasons, keywords) is this demo's own:
# the full text with the paper's own criteria was not available.

[review]
title = "Tacrolimus in refractory dermatomyositis/polymyositis (Ge et al. 2015, reconstructed)"
question = "In patients with refractory polymyositis or dermatomyositis, what are the efficacy and safety of tacrolimus (with glucocorticoids): muscle strength, physical function, CK, glucocorticoid dose, lung function (FVC, DLCO) and adverse events?"

[criteria]
include = [
    "Polymyositis or dermatomyositis (adult or juvenile), refractory to glucocorticoids and/or other immunosuppressants, with or without interstitial lung disease",
    "Systemic (oral) tacrolimus, alone or added to glucocorticoids",
    "Reports muscle strength, physical function, CK, glucocorticoid dose, lung function (FVC, DLCO) or adverse events",
    "Clinical study, randomised or non-randomised, of 5 or more patients (reconstruction)",
    "Published May 1980 to April 2015",
]
exclude = [
    "Other diseases (inclusion body myositis, transplant or drug-induced myopathy, lupus, RA, myasthenia)",
    "Topical tacrolimus, or other drugs only",
    "Reviews, editorials, surveys, conference abstracts (reconstruction)",
    "Case reports and case series of fewer than 5 patients (reconstruction)",
    "Animal and in vitro studies",
    "Languages other than English or Chinese (reconstruction)",
]

[keywords]
include = [
    "tacrolimus", "FK506", "FK-506", "calcineurin inhibitor*", "polymyositis", "dermatomyositis",
    "myositis", "inflammatory myopath*", "antisynthetase", "anti-synthetase", "refractory",
    "interstitial lung disease", "FVC", "DLCO", "creatine kinase", "CK", "muscle strength",
    "他克莫司", "皮肌炎", "多发性肌炎", "难治性",
]
exclude = [
    "ointment", "topical", "case report", "review", "editorial", "mice", "rat", "in vitro",
    "transplant*", "lupus", "rheumatoid arthritis", "myasthenia", "inclusion body",
    "pimecrolimus", "rituximab", "软膏", "综述", "小鼠", "病例报告",
]

[reasons]
# reconstruction: the paper's exclusion reasons are not public
title_abstract = {toml_list(T.TA_REASONS)}
full_text = {toml_list(T.FT_REASONS)}

[limits]
# year limits are whole years: May 1980 - April 2015 becomes 1980-2015
year_min = 1980
year_max = 2015
# reconstruction: English and Chinese (the paper searched CNKI; no language rule is published)
languages = ["eng", "chi"]
exclude_publication_types = ["Editorial", "Conference Abstract", "Conference proceeding", "Comment"]

[outcomes]
# events/total pairs in extraction.csv; glucocorticoid dose (33.8 -> 11.5 mg/day) and the
# adverse events (nephrotoxicity, hypomagnesemia, tremor, hypertension) are not proportions
names = ["muscle_strength", "physical_function", "ck_decreased", "fvc", "dlco"]

[dedupe]
prefer_databases = ["PubMed", "Embase", "CENTRAL", "CNKI"]

[screening]
# dual screening (reconstruction): both reviewers of decisions.csv screen every record and their
# disagreements are settled by consensus rows; blind until `screener unblind` (the default)
reviewers = 2
"""  # noqa: E501 (TOML lines are written as they should read)


@dataclass
class Flow:
    """The numbers of one round's flow, as the reconstruction expects them."""

    per_db: dict[str, int]
    identified: int
    unique: int
    duplicates: int
    limits: Counter[str]
    screened: int
    ta_excluded: int
    sought: int
    not_retrieved: int
    assessed: int
    ft_excluded: Counter[str]
    included: list[str]


def flow(records: list[Rec], round_: int) -> Flow:
    """The flow this reconstruction expects (computed from the table, not from the tool)."""
    rs = [r for r in records if r.round == round_]
    if round_ == 1:
        per_db = {
            db: sum(1 for r in rs if db in r.dbs) for db in ("pubmed", "embase", "central", "cnki")
        }
    else:
        per_db = {"pubmed2016": len(rs) + len(T.UPDATE_REPEATS)}
    identified = sum(per_db.values())
    unique = len(rs)
    limits = Counter(r.limit for r in rs if r.limit)
    screened = [r for r in rs if not r.limit]
    final_ta = {r.key: (r.ta[2] if len(r.ta) == 3 else r.ta[0]) for r in screened}
    ta_in = [r for r in screened if final_ta[r.key] in ("i", "m")]
    sought = ta_in
    not_retrieved = [r for r in sought if r.not_retrieved]
    assessed = [r for r in sought if not r.not_retrieved]
    final_ft = {r.key: (r.ft[2] if len(r.ft) == 3 else r.ft[0]) for r in assessed}
    ft_excl = Counter(
        T.FT_REASONS[int(final_ft[r.key][1:]) - 1]
        for r in assessed
        if final_ft[r.key].startswith("e")
    )
    included = [r for r in assessed if final_ft[r.key] == "i"]
    return Flow(
        per_db=per_db,
        identified=identified,
        unique=unique,
        duplicates=identified - unique,
        limits=limits,
        screened=len(screened),
        ta_excluded=len(screened) - len(ta_in),
        sought=len(sought),
        not_retrieved=len(not_retrieved),
        assessed=len(assessed),
        ft_excluded=ft_excl,
        included=[r.key for r in included],
    )


def decisions_text(rec: Rec) -> str:
    if rec.limit:
        return f"automation: {rec.limit} limit"
    ta = "/".join(rec.ta)
    text = f"TA {ta}"
    if rec.not_retrieved:
        return text + "; full text not retrieved"
    if rec.ft:
        text += f"; FT {'/'.join(rec.ft)}"
    final = rec.ft[-1] if rec.ft else ""
    if final == "i":
        text += " = **included**"
    return text


def record_table(records: list[Rec]) -> str:
    lines = [
        "| key | title (shortened) | decision key | origin | source | exported by | "
        "decisions (r1/r2/consensus) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in records:
        origin = "real" if r.origin == "real" else "constructed"
        source = f"bibliography.csv `{r.bib}`" if r.bib else "—"
        dbs = ", ".join(T_LABEL[d] for d in r.dbs)
        key = r.decision_key.replace("|", "\\|")
        if len(key) > 70:
            key = key[:67] + "..."
        title = r.title or r.title_zh or "(no title)"
        title = (title[:47] + "...") if len(title) > 50 else title
        lines.append(
            f"| {r.key} | {title.replace('|', '/')} | `{key}` | {origin} | {source} | "
            f"{dbs} | {decisions_text(r)} |"
        )
    return "\n".join(lines)


T_LABEL = {
    "pubmed": "PubMed",
    "embase": "Embase",
    "central": "CENTRAL",
    "cnki": "CNKI",
    "pubmed2016": "PubMed 2016",
}


def expected(records: list[Rec], positions: dict[str, list[tuple[str, int]]]) -> dict[str, object]:
    """expected.json: the flow and duplicate groups this reconstruction is built to give."""
    out: dict[str, object] = {
        "note": "Numbers the reconstruction is built to give; only identified (107), included "
        "(8) and patients (134) are known from Ge 2015. Positions are 1-based record "
        "positions in each file.",
        "known_from_paper": {"identified": 107, "included_studies": 8, "patients": 134},
    }
    for round_ in (1, 2):
        f = flow(records, round_)
        lim = f.limits
        ft = f.ft_excluded
        rs = [r for r in records if r.round == round_]
        upd = "update/pubmed-2016.nbib"
        groups = []
        for r in records:
            where = positions.get(r.key, [])
            first = [(n, p) for n, p in where if n != upd]
            chosen = first if round_ == 1 else (where if any(n == upd for n, _ in where) else [])
            if len(chosen) > 1:
                groups.append([{"file": n, "position": p} for n, p in chosen])
        out[f"round{round_}"] = {
            "identified": f.identified,
            "per_database": {DBNAME[k]: v for k, v in f.per_db.items()},
            "duplicates_removed": f.duplicates,
            "unique": f.unique,
            "automation_excluded": sum(lim.values()),
            "by_limit": dict(lim),
            "screened": f.screened,
            "screened_excluded": f.ta_excluded,
            "sought": f.sought,
            "not_retrieved": f.not_retrieved,
            "assessed": f.assessed,
            "full_text_excluded": sum(ft.values()),
            "full_text_reasons": dict(ft),
            "included": f.included,
            "limited": {
                k: [r.key for r in rs if r.limit == k] for k in ("year", "language", "type")
            },
            "duplicate_groups": groups,
        }
    return out


def write(here: Path, records: list[Rec], positions: dict[str, list[tuple[str, int]]]) -> None:
    (here / "expected.json").write_text(
        json.dumps(expected(records, positions), ensure_ascii=False, indent=1) + "\n",
        encoding="utf-8",
    )
    (here / "review.toml").write_text(review_toml(), encoding="utf-8")
    rows = []
    for db in ("pubmed", "embase", "central", "cnki", "pubmed2016"):
        f = flow(records, 2 if db == "pubmed2016" else 1)
        count = f.per_db[db]
        rows.append(
            {
                "file": FILES[db],
                "database": DBNAME[db],
                "interface": INTERFACE[db],
                "searched_on": T.UPDATE_DATE if db == "pubmed2016" else T.SEARCH_DATE,
                "round": "2" if db == "pubmed2016" else "1",
                "format": FORMAT[db],
                "records": str(count),
                "query": QUERY[db],
            }
        )
    write_csv(
        here / "searches.csv",
        ["file", "database", "interface", "searched_on", "round", "format", "records", "query"],
        rows,
    )
    header = ["study", "citation", "design", "n"]
    for o in OUTCOMES:
        header += [f"{o}_events", f"{o}_total"]
    header += [f"{o}_source" for o in OUTCOMES] + ["n_source", "record_key"]
    ext_rows = []
    for study, citation, design, n, n_source, key, cells in EXTRACTION:
        row = {
            "study": study,
            "citation": citation,
            "design": design,
            "n": n,
            "n_source": n_source,
            "record_key": key,
        }
        for o in OUTCOMES:
            events, total, source = cells.get(o, ("", "", ""))
            row[f"{o}_events"], row[f"{o}_total"] = events, total
            row[f"{o}_source"] = source
        ext_rows.append(row)
    write_csv(here / "extraction.csv", header, ext_rows)
    (here / "README.md").write_text(readme(records), encoding="utf-8")


def readme(records: list[Rec]) -> str:
    f1 = flow(records, 1)
    f2 = flow(records, 2)
    r1 = [r for r in records if r.round == 1]
    per_db = f1.per_db
    lim = f1.limits
    dup_groups = [r for r in r1 if len(r.dbs) > 1]
    n_real = sum(1 for r in r1 if r.origin == "real")
    n_con = len(r1) - n_real
    ft_excl = f1.ft_excluded
    by_kind = {k: [r.key for r in r1 if r.limit == k] for k in ("year", "language", "type")}
    nr = [r for r in r1 if r.not_retrieved]
    ext = "\n".join(
        f"| {o} | {PAPER_TOTALS[o]} | "
        + (
            ", ".join(
                f"{s[0]} {c[o][0]}/{c[o][1]}"
                for s in EXTRACTION
                for c in [s[6]]
                if o in c and c[o][1]
            )
            or "none"
        )
        + " |"
        for o in OUTCOMES
    )
    dup_lines = "\n".join(
        f"| {r.key} | {', '.join(T_LABEL[d] for d in r.dbs)} | {len(r.dbs) - 1} | "
        f"{'PMID ' + r.pmid if r.pmid else ('DOI ' + r.doi if r.doi else 'title')} |"
        for r in dup_groups
    )
    ft_lines = "\n".join(f"| {reason} | {n} |" for reason, n in ft_excl.items())
    text = f"""# The worked example: Ge et al. 2015, reconstructed

Ge Y, Zhou H, Shi J, Ye B, Peng Q, Lu X, Wang G. *The efficacy of tacrolimus in patients with
refractory dermatomyositis/polymyositis: a systematic review.* Clin Rheumatol
2015;34(12):2097-2103. doi:10.1007/s10067-015-3065-0.

This folder holds the review's **reconstructed** search (four databases, each in its own export
format), its protocol, both reviewers' decisions and the extraction sheet. `screener demo` runs the
whole pipeline on it and should reproduce **107 records identified -> 8 studies included**.

## What is known and what is the reconstruction's own

| number | status |
|---|---|
| 107 records identified ("The initial search yielded 107 articles") | **known** (abstract) |
| 8 studies included, all non-randomised | **known** (abstract) |
| 134 patients in the included studies | **known** (abstract) |
| pooled totals 42/45, 11/17, 68/68, 25/28, 13/16; GC dose 33.8 -> 11.5 mg/day | **known** (abstract) |
| databases CENTRAL, PubMed, Embase, CNKI; May 1980 - April 2015 | **known** (abstract) |
| records per database, duplicates, limits, screening and full-text numbers, exclusion reasons | **reconstruction's own** (the flow figure is not public) |
| which records make up the 107: the {n_real} real papers chosen from bibliography.csv, and all {n_con} constructed records | **reconstruction's own** |
| per-study numbers (paper's Table 1) | **not public**: extraction.csv holds only what each study's own abstract reports |

Every number below that is not in the first five rows is the reconstruction's.

## Files

| file | what |
|---|---|
| `pubmed.nbib` | PubMed, MEDLINE format ("Send to: Citation manager"), {per_db["pubmed"]} records |
| `embase.ris` | Embase.com RIS (UTF-8 with BOM, `T1 A1 Y1 N2 JF JO U2 C5 DB M3 KW`), {per_db["embase"]} records |
| `central.ris` | Cochrane Library CENTRAL RIS (`Record #n of N` headers, `TY  -  JOUR` separators, `AN CN-`, `C3 PUBMED n,EMBASE n`, U+2010 in page ranges), {per_db["central"]} records |
| `cnki.txt` | CNKI EndNote/Refer export (`%0 Journal Article` ... `%W CNKI`; UTF-8, no BOM; CRLF inside records, LF after `%W`, two blank lines between records, as CNKI writes them), {per_db["cnki"]} records |
| `searches.csv` | one row per export: database, interface, date searched, round, format, record count, query |
| `review.toml` | the protocol (layout of screener/screening/protocol.py) |
| `decisions.csv` | both reviewers' decisions and the consensus rows, round 1 |
| `retrieval.csv` | full texts not retrieved, with the reason (same layout as decisions.csv, decision `not_retrieved`, for `screener decide`) |
| `extraction.csv` | the 8 included studies: only numbers their own abstracts report |
| `paper-totals.csv` | the paper's printed pooled totals (42/45, 11/17, 68/68, 25/28, 13/16) in one row, so the demo shows they give the printed percentages and exact CIs |
| `update/pubmed-2016.nbib`, `update/decisions.csv` | the update round (PubMed rerun a year later) |
| `expected.json` | the flow numbers of both rounds and every duplicate group as (file, 1-based position), for tests of the demo |
| `make_data.py`, `demo_table.py`, `demo_writers.py`, `demo_readme.py` | the recipe that wrote all of the above (reads `../shared/seed-review/bibliography.csv`) |

The dates in `searches.csv` ({T.SEARCH_DATE}, {T.UPDATE_DATE}) and the queries are the
reconstruction's: the paper gives the period and the terms (tacrolimus/FK506 and
polymyositis/dermatomyositis/myositis/inflammatory myopathy/antisynthetase), not the strings.

## How the records were made

**{len(r1)} unique records in round 1: {n_real} real, {n_con} constructed.**

*Real records* ({n_real}) are papers from `../shared/seed-review/bibliography.csv`, read by the
recipe so that title, authors, journal, year, volume, issue, pages, PMID and DOI are exactly the
seen ones. What was not seen stays absent (no PMID for Oddis, Wilkes, Kurita, Yokoyama; no title
for Mitsui; no year for Lampropoulos or Hollar; author lists cut to the known names). Three
kinds of content are the demo's own, for every record:

- **abstracts**: short paraphrases written for the demo from the bibliography's `design_and_n`
  and from seed-facts.md, never the published abstract (letters and editorials have none);
- **index terms** (Embase `KW`, MEDLINE `MH`, CENTRAL `KW`) and, where the bibliography marks them
  as inferred, publication types;
- **database accession numbers**: every Embase accession is `L9555000NNN` and every CENTRAL
  accession `CN-9555NNNN` (NNN = the record's T number), a range the databases do not use; they are
  not the papers' real accessions. CENTRAL's `C3 EMBASE` cross-reference points to these.

*Constructed records* ({n_con} in round 1, 3 in round 2) fill the search to 107 and supply the
Chinese-language records CNKI would return (the bibliography has none). They have plausible topics
(other immunosuppressants in myositis, tacrolimus in other diseases, reviews, case reports, animal
studies, congress abstracts, a trial protocol) and are plainly marked:

- authors: surnames made from muscle-protein names (`Actinov KL`, `Myosinski P`, `Troponides A`,
  `Titinova E`, `Desminet R`, `Nebulini G`, `Dystrophou M`, `Sarcoglyk T`, `Calponi F`,
  `Perimysio D`, `Endomysio S`, `Fasciculi H`); Chinese authors are the placeholder surnames
  示/例/演 ("show/example/demonstrate") with the placeholder given names 甲乙丙丁戊己
  (`示甲`, `例乙`, ...), romanised by Embase as `Shi J.`, `Li Y.`, ...;
- journals: fictional names (e.g. *Journal of Inflammatory Myopathy Research*, 临床肌病学杂志), so
  no constructed record points at a real journal's volume and pages;
- DOIs only under the test prefix `10.5555/scrdemo.tNNN`; no PMIDs;
- every record, real or constructed, carries a note naming its T number and status: RIS `N1`,
  MEDLINE `GN` (General Note), CNKI `%Z`. Constructed: "screener demo TNNN: constructed for the
  screener demo"; real: "screener demo TNNN: real record (seed bibliography KEY); abstract and index
  terms written for the demo".

### Deviations from a real export, on purpose

- **PubMed holds only records whose PMID is known** ({per_db["pubmed"]}). The real PubMed search
  would also have returned Oddis 1999, Wilkes 2005, Kurita 2015, Yokoyama 2015 and others, but a
  MEDLINE record cannot be written without its PMID and none is invented; these papers appear
  through Embase (with `DB - Medline` and no `C5`). Embase is therefore larger than it would be.
- Mitsui 2011 (included) has no title: only its citation is known. Its decision key is its Embase
  accession (`accession:L9555000003`).
- The update file's three new (constructed) records have no `PMID-` line (`STAT- Publisher`,
  `GN` note): a PMID cannot be invented. Readers must accept MEDLINE records without PMID (as for
  ERIC's MEDLINE-format exports).
- Fields whose values are unknown are left out rather than made up: Embase `SN`, `U3`/`U4`
  (entry dates), `M1`/`AD` (addresses), `LK` (a library's link resolver); MEDLINE `IS`, `JID`,
  `AD` and the `DCOM`/`LR`/`EDAT`/`PHST` dates; CENTRAL `CC`; CNKI `%@` (ISSN), `%L`, `%U`.
  MEDLINE `FAU` carries initials only (`Matsubara, S`): full given names were not seen.
- The note field (`N1`, `GN`, `%Z`) is the demo's addition; real exports do not carry it.

## Per-database counts and duplicates (expected dedupe result)

| database | file | records |
|---|---|---|
| PubMed | pubmed.nbib | {per_db["pubmed"]} |
| Embase | embase.ris | {per_db["embase"]} |
| CENTRAL | central.ris | {per_db["central"]} |
| CNKI | cnki.txt | {per_db["cnki"]} |
| **total identified** | | **{f1.identified}** |

The two cross-script pairs (T043, T044) share DOI, year, volume, issue and pages but no title
word: a deduplicator that insists on title agreement leaves them apart, and then `decisions.csv`
keys them by a DOI that names two records.

By construction {len(dup_groups)} papers are exported by more than one database, giving
**{f1.duplicates} duplicate records**; deduplication should leave **{f1.unique} unique
records**. Each duplicate group, with the identifier the copies share:

| key | exported by | duplicates | shared id |
|---|---|---|---|
{dup_lines}

What the copies of one paper look like (so deduplication has real work): PubMed `AU Matsubara S`,
Embase `A1 Matsubara S.`, CENTRAL `A1 Matsubara, S`; PubMed `PG 1493-8`, Embase `SP 1493`/`EP 1498`,
CENTRAL `SP 1493‐1498` (U+2010); PubMed `TA Clin Rheumatol` + `JT Clinical rheumatology`, Embase
`JF Clinical Rheumatology` + `JO Clin. Rheumatol.`, CENTRAL `JA Clinical rheumatology`; PMID in
`PMID`, `C5` and `C3 PUBMED`; titles with PubMed's final period, the Spanish title in brackets in
PubMed only (T018), `polymyositis/ dermatomyositis` vs `polymyositis/dermatomyositis` (T004).
The two Chinese papers indexed by Embase (T043, T044) have a Chinese title in CNKI and an English
title in Embase: only their DOI links them.

**Not duplicates** (traps): T010 and T019 share title, first author and year (journal report vs its
congress abstract: two reports of one study); T071 and T072 are two Chinese reviews whose titles
differ by one word (难治性), in different journals and years; T007 and T024 are an article and its
editorial in the same issue.

## Automatic limits (`screener criteria`)

Applied to the {f1.unique} unique records before screening; they exclude
**{sum(lim.values())}** records, which get no human decision:

- years outside 1980-2015 ({len(by_kind["year"])}): {", ".join(by_kind["year"])} (Embase in-press records dated
  2016, a CNKI online-first record dated 2016);
- language not English or Chinese ({len(by_kind["language"])}): {", ".join(by_kind["language"])}
  (Japanese, Portuguese, Spanish, Japanese);
- publication type Editorial / Conference Abstract / Conference proceeding
  ({len(by_kind["type"])}): {", ".join(by_kind["type"])}.

Records with no year (T013, T014, T030) pass the year limit and are screened by hand. Embase names
languages in full (`LA - Japanese`), MEDLINE in codes (`LA - jpn`): the limit must compare both.
For T018 (PubMed + Embase) and T039 (Embase `Conference Abstract`, CENTRAL `Conference
proceeding`) the limit holds whichever copy is kept.

## Screening (`decisions.csv`)

Columns `key,stage,reviewer,decision,reason,note`:

- `key` names the paper, not one copy: `pmid:NNN` when it has a PMID, else `doi:10....`
  (lower case), else `title:<exact title>` (as written in the export, compare with
  `screener.normalize.title_key`), else `accession:<id>` (only Mitsui, which has no title: its Embase accession).
  A key matches every copy of the paper; the decision goes to the copy kept by deduplication.
- `stage` `title_abstract` | `full_text`; `reviewer` `reviewer1`, `reviewer2` or `consensus`;
  `decision` include | exclude | maybe; `reason` the exact text of a reason of that stage in
  review.toml (every exclusion has one); `note` free text.
- Both reviewers screen every record left after deduplication and limits at title/abstract, and
  every record whose final title/abstract verdict is include or maybe at full text. A `consensus`
  row follows each disagreement (include vs maybe counts as a disagreement).

Expected flow of round 1 (PRISMA 2020 wording; every number but 107 and 8 is the reconstruction's):

| box | n |
|---|---|
| Records identified from databases | {f1.identified} (PubMed {per_db["pubmed"]}, Embase {per_db["embase"]}, CENTRAL {per_db["central"]}, CNKI {per_db["cnki"]}) |
| Duplicate records removed | {f1.duplicates} |
| Records marked as ineligible by automation tools | {sum(lim.values())} (year {lim["year"]}, language {lim["language"]}, publication type {lim["type"]}) |
| Records screened | {f1.screened} |
| Records excluded | {f1.ta_excluded} |
| Reports sought for retrieval | {f1.sought} |
| Reports not retrieved | {f1.not_retrieved} |
| Reports assessed for eligibility | {f1.assessed} |
| Reports excluded | {sum(ft_excl.values())} |
| Studies included in review | {len(f1.included)} ({", ".join(f1.included)}) |

Full-text exclusions by reason:

| reason | n |
|---|---|
{ft_lines}

In the PRISMA 2009 layout (as `screener prisma --template 2009` draws it): records identified
{f1.identified}; records after duplicates removed {f1.unique}; records screened {f1.unique};
records excluded {f1.ta_excluded + sum(lim.values())} ({sum(lim.values())} of them by the limits);
full-text articles assessed {f1.sought}; excluded with reasons
{sum(ft_excl.values()) + f1.not_retrieved} (the {f1.not_retrieved} not retrieved counted as
"Full text not retrieved"); studies included in qualitative and in quantitative synthesis
{len(f1.included)}.

Disagreements (resolved by `consensus` rows): at title/abstract T003, T008, T020, T045, T046,
T055, T059, T065, T066, T075; at full text T006, T007, T068. T011 is `maybe` for both reviewers
and so goes to full text without a consensus row. Kurita 2015 (T007) and Yokoyama 2015 (T008)
treated *previously untreated* patients and Labirua-Iturburu 2013 (T006) pooled tacrolimus with
cyclosporine: one reviewer excludes each, and consensus includes them because Ge 2015 did.

### Not retrieved (`retrieval.csv`)

{chr(10).join(f"- {r.key} (`{r.decision_key}`): {r.not_retrieved}." for r in nr)}

### Full texts: attaching your own PDFs (`screener fulltext attach`)

This folder holds no PDFs (the papers are copyrighted). A reviewer repeating the review keeps
the full texts where they already are, in a reference manager's storage (Zotero's
`storage/XXXXXXXX/*.pdf`, EndNote's `.Data/PDF/`) or a downloads folder with the publishers'
file names, and points `screener` at that folder once the title/abstract verdicts are in:

```console
$ screener fulltext attach ~/Zotero/storage --review my-review
$ screener fulltext status --review my-review --missing-out my-review/to-request.ris
$ screener screen --review my-review --stage full-text --reviewer ann
```

`attach` reads each PDF's metadata and first pages and matches it to a record at full text by
DOI, PMID or PMCID, else by its title confirmed by the authors and year; it stores how each file
was matched and lists the files it could not place (ambiguous, unmatched, scans without a text
layer, encrypted or damaged) instead of guessing. It copies nothing unless `--copy` (then the
files go to `my-review/fulltext/`). `status` counts the reports sought ({f1.sought} here), attached,
not retrieved (with the reasons of `retrieval.csv`) and missing, and writes the missing ones as
RIS or CSV for an interlibrary-loan request. In the app the full-text stage opens on the PDF's
text, with the protocol's terms highlighted, `/` to search it, `M`/`R` to jump to Methods and
Results, `o` to open the PDF itself and `a` for the abstract.

To try it without the papers, `bench/fulltext_speed.py --pdfs-for my-review --out DIR` writes a
stand-in PDF (title, authors, DOI or PMID, the demo's abstract) for every record at full text.

## Extraction (`extraction.csv`)

Columns: `study, citation, design, n`, then `<outcome>_events, <outcome>_total` for each outcome of
review.toml ({", ".join(OUTCOMES)}), then `<outcome>_source` (where the number comes from, or why a
cell is empty), `n_source` and `record_key` (the decision key). A cell holds a number only when the
study's own abstract reports that count (seed-facts.md section 2); everything else is empty.
`n` is the number of tacrolimus-treated (or analysed) patients in the study's abstract; Ge's own
per-study n is unknown (the known n sum to 108 without Mitsui, against the paper's 134).

**The paper's Table 1 is not public**, so any pooled figure computed from extraction.csv is the
demo's own; the paper's printed totals are known and differ:

| outcome | paper (known) | extraction.csv cells (demo) |
|---|---|---|
{ext}

## Update round (`update/`)

`update/pubmed-2016.nbib` is the PubMed search rerun on {T.UPDATE_DATE} (round 2): {f2.identified}
records, of which {len(T.UPDATE_REPEATS)} are round-1 papers with the same PMIDs
({", ".join(T.UPDATE_REPEATS)}: they must link to the round-1 records and not be screened again)
and {f2.unique} are new (constructed, 2015 Jul-Dec, no PMID: T086-T088). `update/decisions.csv`
decides the new ones. Expected round-2 numbers: records identified {f2.identified}; duplicates
of earlier records {len(T.UPDATE_REPEATS)}; new records screened {f2.screened}; excluded
{f2.ta_excluded}; full texts assessed {f2.assessed}; **new studies included
{len(f2.included)}** ({", ".join(f2.included)}). Studies included in the previous version
8, new studies {len(f2.included)}, **total {8 + len(f2.included)}**. T086 is constructed, so
extraction.csv (the 8 real studies) does not include it; pooling stays on the 8.
The update records are dated 2015, so `year_max = 2015` does not exclude them.

## What is not known about the real records

{chr(10).join(f"- {r.key} ({r.bib}): {r.source_note}." for r in r1 if r.source_note)}

Bibliographic facts of every real record are those of bibliography.csv (checked by
tests/test_demo_data.py); `Oddis CV` and `Wilkes MR` come from seed-facts.md section 2.

## Every record

Decisions: `i` include, `m` maybe, `eN` exclude with reason N of that stage (review.toml), in the
order reviewer1 / reviewer2 / consensus.

{record_table(records)}
"""  # noqa: E501 (Markdown table rows and paragraphs as they should read)
    return text
