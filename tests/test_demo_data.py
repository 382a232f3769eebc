"""Checks on the worked example's data (records/tacrolimus-2015/): counts, marks, keys, decisions.

The first part reads the exports with a few lines of standard-library parsing (and
screener.normalize); the last part reads them again through screener's own readers.
"""

from __future__ import annotations

import csv
import json
import re
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT

from screener import normalize

DEMO = ROOT / "records" / "tacrolimus-2015"
ROUND1 = {"pubmed.nbib": "medline", "embase.ris": "ris", "central.ris": "ris", "cnki.txt": "cnki"}
UPDATE = "update/pubmed-2016.nbib"
NOTE = re.compile(r"screener demo (T\d{3}): (constructed|real record \(seed bibliography (\S+)\))")
LANG = {
    "english": "eng",
    "chinese": "chi",
    "japanese": "jpn",
    "spanish": "spa",
    "portuguese": "por",
}


@dataclass
class Copy:
    """One exported record, reduced to what the checks need."""

    file: str
    tags: dict[str, list[str]]
    t: str = ""
    constructed: bool = False
    bib: str | None = None
    pmid: str | None = None
    doi: str | None = None
    title: str | None = None
    year: int | None = None
    language: str | None = None
    types: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    accession: str | None = None


def _medline(text: str) -> list[dict[str, list[str]]]:
    blocks = []
    for chunk in re.split(r"\n\s*\n", text.strip("\n")):
        tags: dict[str, list[str]] = defaultdict(list)
        last = ""
        for line in chunk.splitlines():
            if line.startswith("      "):
                tags[last][-1] += " " + line.strip()
            else:
                last = line[:4].strip()
                tags[last].append(line[6:].strip())
        blocks.append(dict(tags))
    return blocks


def _ris(text: str) -> list[dict[str, list[str]]]:
    blocks: list[dict[str, list[str]]] = []
    tags: dict[str, list[str]] | None = None
    for line in text.lstrip("\ufeff").splitlines():
        match = re.match(r"^([A-Z][A-Z0-9])  -\s?(.*)$", line)
        if not match:
            continue
        tag, value = match.group(1), match.group(2).strip()
        if tag == "TY":
            tags = defaultdict(list)
        elif tag == "ER" and tags is not None:
            blocks.append(dict(tags))
            tags = None
        if tags is not None:
            tags[tag].append(value)
    return blocks


def _cnki(text: str) -> list[dict[str, list[str]]]:
    blocks = []
    for chunk in re.split(r"(?m)^(?=%0 )", text):
        tags: dict[str, list[str]] = defaultdict(list)
        for line in chunk.splitlines():
            if line.startswith("%") and len(line) > 1:
                tags[line[1]].append(line[2:].strip())
        if tags:
            blocks.append(dict(tags))
    return blocks


def _first(tags: dict[str, list[str]], *names: str) -> str | None:
    for name in names:
        if tags.get(name):
            return tags[name][0]
    return None


def read_copies(name: str, kind: str) -> list[Copy]:
    text = (DEMO / name).read_text(encoding="utf-8-sig")
    parse = {"medline": _medline, "ris": _ris, "cnki": _cnki}[kind]
    copies = []
    for tags in parse(text):
        c = Copy(name, tags)
        note = _first(tags, "GN", "N1", "Z") or ""
        match = NOTE.search(note)
        if match:
            c.t, c.constructed, c.bib = (
                match.group(1),
                match.group(2) == "constructed",
                match.group(3),
            )
        if kind == "medline":
            c.pmid = _first(tags, "PMID")
            dois = [v for v in tags.get("LID", []) + tags.get("AID", []) if v.endswith("[doi]")]
            c.doi = normalize.doi(dois[0]) if dois else None
            c.title, c.year = _first(tags, "TI"), normalize.year(_first(tags, "DP"))
            c.language, c.types, c.authors = (
                _first(tags, "LA"),
                tags.get("PT", []),
                tags.get("AU", []),
            )
        elif kind == "ris":
            xref = re.search(r"PUBMED (\d+)", _first(tags, "C3") or "")
            c.pmid = _first(tags, "C5") or (xref.group(1) if xref else None)
            c.doi = normalize.doi(_first(tags, "DO"))
            c.title, c.year = _first(tags, "T1"), normalize.year(_first(tags, "Y1", "PY"))
            lang = _first(tags, "LA")
            c.language = LANG.get(lang.lower(), lang) if lang else None
            c.types, c.authors = tags.get("M3", []), tags.get("A1", [])
            c.accession = _first(tags, "U2", "AN")
        else:
            c.doi, c.title, c.year = (
                normalize.doi(_first(tags, "R")),
                _first(tags, "T"),
                normalize.year(_first(tags, "D")),
            )
            c.language, c.types, c.authors = "chi", tags.get("0", []), tags.get("A", [])
        copies.append(c)
    return copies


@pytest.fixture(scope="module")
def round1() -> list[Copy]:
    return [c for name, kind in ROUND1.items() for c in read_copies(name, kind)]


@pytest.fixture(scope="module")
def update() -> list[Copy]:
    return read_copies(UPDATE, "medline")


def read_csv(name: str) -> list[dict[str, str]]:
    with (DEMO / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def protocol() -> dict[str, Any]:
    return tomllib.loads((DEMO / "review.toml").read_text(encoding="utf-8"))


def resolve(key: str, copies: list[Copy]) -> set[str]:
    """The T numbers of the copies a decision key names."""
    kind, _, value = key.partition(":")
    if kind == "pmid":
        return {c.t for c in copies if c.pmid == value}
    if kind == "doi":
        return {c.t for c in copies if c.doi == normalize.doi(value)}
    if kind == "title":
        return {
            c.t
            for c in copies
            if c.title and normalize.title_key(c.title) == normalize.title_key(value)
        }
    if kind == "accession":
        return {c.t for c in copies if c.accession == value}
    raise AssertionError(f"unknown key kind in {key!r}")


def final(rows: list[dict[str, str]], stage: str) -> dict[str, str]:
    """key -> final decision at a stage (consensus, else the two reviewers' shared decision)."""
    by_key: dict[str, dict[str, str]] = defaultdict(dict)
    for row in rows:
        if row["stage"] == stage:
            assert row["reviewer"] not in by_key[row["key"]], f"{row['key']} twice by one reviewer"
            by_key[row["key"]][row["reviewer"]] = row["decision"]
    out = {}
    for key, who in by_key.items():
        assert set(who) - {"consensus"} == {"reviewer1", "reviewer2"}, key
        agree = who["reviewer1"] == who["reviewer2"]
        assert agree != ("consensus" in who), f"{key}: consensus row iff the reviewers disagree"
        out[key] = who.get("consensus", who["reviewer1"])
    return out


# --------------------------------------------------------------------------- counts and files
def test_record_counts_per_file_by_simple_counting() -> None:
    text = {name: (DEMO / name).read_text(encoding="utf-8-sig") for name in ROUND1}
    counts = {
        "pubmed.nbib": len(re.findall(r"(?m)^PMID- ", text["pubmed.nbib"])),
        "embase.ris": len(re.findall(r"(?m)^ER  -", text["embase.ris"])),
        "central.ris": len(re.findall(r"(?m)^ER  -", text["central.ris"])),
        "cnki.txt": len(re.findall(r"(?m)^%0 ", text["cnki.txt"])),
    }
    assert counts == {"pubmed.nbib": 17, "embase.ris": 62, "central.ris": 8, "cnki.txt": 20}
    assert sum(counts.values()) == 107
    assert len(re.findall(r"(?m)^%W CNKI", text["cnki.txt"])) == 20
    headers = re.findall(r"(?m)^Record #(\d+) of (\d+)$", text["central.ris"])
    assert headers == [(str(i), "8") for i in range(1, 9)]
    searches = {row["file"]: int(row["records"]) for row in read_csv("searches.csv")}
    assert searches == {**counts, UPDATE: 6}


def test_update_file_counts() -> None:
    text = (DEMO / UPDATE).read_text(encoding="utf-8")
    assert len(re.split(r"\n\s*\n", text.strip())) == 6
    assert len(re.findall(r"(?m)^PMID- ", text)) == 3


def test_encodings_and_line_ends() -> None:
    assert (DEMO / "embase.ris").read_bytes().startswith(b"\xef\xbb\xbfTY  - JOUR")
    for name in ("pubmed.nbib", "central.ris", "cnki.txt", UPDATE):
        raw = (DEMO / name).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf"), name
        raw.decode("utf-8")
    cnki = (DEMO / "cnki.txt").read_bytes()
    assert b"\r\n%W CNKI\n" in cnki and cnki.startswith(b"%0 Journal Article\r\n")
    assert "\u2010" in (DEMO / "central.ris").read_text(encoding="utf-8")


def test_every_record_is_marked_real_or_constructed(round1: list[Copy], update: list[Copy]) -> None:
    for c in round1 + update:
        assert c.t, f"{c.file}: a record without its demo note: {c.title!r}"
    for name in [*ROUND1, UPDATE]:
        numbers = [c.t for c in round1 + update if c.file == name]
        assert len(numbers) == len(set(numbers)), f"{name} exports one paper twice"


def test_constructed_records_have_test_dois_and_no_pmid(
    round1: list[Copy], update: list[Copy]
) -> None:
    constructed = [c for c in round1 + update if c.constructed]
    assert len({c.t for c in constructed}) == 52  # 49 in round 1, 3 in the update
    for c in constructed:
        assert c.pmid is None, f"{c.t} in {c.file} has a PMID"
        assert c.doi is None or c.doi.startswith("10.5555/"), f"{c.t}: DOI {c.doi}"
        assert c.bib is None
    for c in round1 + update:
        if not c.constructed:
            assert c.bib and not (c.doi or "").startswith("10.5555/"), c.t


def test_copies_of_one_paper_agree_and_duplicates_count(round1: list[Copy]) -> None:
    by_t: dict[str, list[Copy]] = defaultdict(list)
    for c in round1:
        by_t[c.t].append(c)
    assert len(by_t) == 85
    assert len(round1) - len(by_t) == 22  # duplicate records by construction
    assert Counter(len(v) for v in by_t.values()) == {1: 64, 2: 20, 3: 1}
    for t, copies in by_t.items():
        for attr in ("pmid", "doi", "year"):
            values = {getattr(c, attr) for c in copies} - {None}
            assert len(values) <= 1, f"{t}: copies disagree on {attr}: {values}"


# --------------------------------------------------------------------------- real records
def _bib_authors(value: str) -> list[str]:
    value = value.split("(")[0]
    return [a.strip() for a in value.split(";") if a.strip() and a.strip() != "et al."]


# authors not in bibliography.csv but named in seed-facts.md section 2 ("Oddis CV ... [U]",
# "Wilkes MR et al.")
SEED_FACTS_AUTHORS = {"oddis1999": ["Oddis CV"], "wilkes2005": ["Wilkes MR"]}


def test_real_records_carry_the_bibliography_facts(
    shared: Path, round1: list[Copy], update: list[Copy]
) -> None:
    with (shared / "seed-review" / "bibliography.csv").open(encoding="utf-8") as fh:
        bib = {row["key"]: row for row in csv.DictReader(fh)}
    for c in round1 + update:
        if c.constructed:
            continue
        row = bib[c.bib or ""]
        where = f"{c.t} ({row['key']}) in {c.file}"
        assert c.pmid == (row["pmid"] or None), where
        assert c.doi is None or c.doi == normalize.doi(row["doi"]), where
        if row["doi"] and c.file != "cnki.txt" and not c.file.startswith("central"):
            assert c.doi == normalize.doi(row["doi"]), where
        assert c.year == (int(row["year"]) if row["year"] else None), where
        if row["title"]:
            # a non-English title may be exported in its original or its bracketed English form
            forms = {
                row["title"],
                *re.findall(r"^(.*?) \[", row["title"]),
                *re.findall(r"\[(.*)\]$", row["title"]),
            }
            assert normalize.title_key(c.title) in {normalize.title_key(f) for f in forms}, where
        else:
            assert c.title is None, where
        known = _bib_authors(row["authors"]) or SEED_FACTS_AUTHORS.get(row["key"], [])
        assert [normalize.author(a) for a in c.authors] == known, where
        tags = c.tags
        volume = _first(tags, "VI", "VL")
        assert volume == (row["volume"] or None), where
        pages = _first(tags, "PG") or "-".join(tags.get("SP", []) + tags.get("EP", []))
        assert normalize.pages(pages or None) == normalize.pages(row["pages"] or None), where


def test_the_eight_included_studies_are_the_papers_eight(shared: Path, round1: list[Copy]) -> None:
    with (shared / "seed-review" / "bibliography.csv").open(encoding="utf-8") as fh:
        included_bib = {row["key"] for row in csv.DictReader(fh) if row["role"] == "included"}
    rows = read_csv("decisions.csv")
    included = [k for k, d in final(rows, "full_text").items() if d == "include"]
    assert len(included) == 8
    bibs = set()
    for key in included:
        ts = resolve(key, round1)
        assert len(ts) == 1, key
        bibs |= {c.bib for c in round1 if c.t in ts}
    assert bibs == included_bib


# --------------------------------------------------------------------------- decisions
def _limited(copies: list[Copy], limits: dict[str, Any]) -> set[str]:
    """T numbers every copy of which a limit of review.toml excludes."""
    languages = set(limits["languages"])
    types = {t.lower() for t in limits["exclude_publication_types"]}

    def out(c: Copy) -> bool:
        y = c.year
        return bool(
            (y is not None and not limits["year_min"] <= y <= limits["year_max"])
            or (c.language and c.language not in languages)
            or any(t.lower() in types for t in c.types)
        )

    by_t: dict[str, list[Copy]] = defaultdict(list)
    for c in copies:
        by_t[c.t].append(c)
    return {t for t, cs in by_t.items() if all(out(c) for c in cs)}


def test_decisions_cover_exactly_the_records_left_after_limits(round1: list[Copy]) -> None:
    limits = protocol()["limits"]
    limited = _limited(round1, limits)
    assert len(limited) == 13
    rows = read_csv("decisions.csv")
    decided: set[str] = set()
    for row in rows:
        ts = resolve(row["key"], round1)
        assert len(ts) == 1, f"key {row['key']!r} names {len(ts)} papers"
        decided |= ts
    assert decided.isdisjoint(limited)
    assert decided == {c.t for c in round1} - limited
    assert len(final(rows, "title_abstract")) == 72


def test_decisions_follow_the_protocol() -> None:
    proto = protocol()
    reasons = proto["reasons"]
    for name in ("decisions.csv", "update/decisions.csv"):
        rows = read_csv(name)
        assert list(rows[0]) == ["key", "stage", "reviewer", "decision", "reason", "note"]
        for number, row in enumerate(rows, start=2):
            where = f"{name} row {number}"
            assert row["stage"] in ("title_abstract", "full_text"), where
            assert row["reviewer"] in ("reviewer1", "reviewer2", "consensus"), where
            assert row["decision"] in ("include", "exclude", "maybe"), where
            if row["decision"] == "exclude":
                assert row["reason"] in reasons[row["stage"]], where
            else:
                assert row["reason"] == "", where
        ta = final(rows, "title_abstract")
        ft = final(rows, "full_text")
        not_retrieved = (
            {r["key"] for r in read_csv("retrieval.csv")} if name == "decisions.csv" else set()
        )
        sought = {k for k, d in ta.items() if d in ("include", "maybe")}
        assert set(ft) == sought - not_retrieved, name
        assert all(d in ("include", "exclude") for d in ft.values())


def test_flow_numbers_of_round_one() -> None:
    rows = read_csv("decisions.csv")
    ta, ft = final(rows, "title_abstract"), final(rows, "full_text")
    retrieval = read_csv("retrieval.csv")
    assert [r["decision"] for r in retrieval] == ["not_retrieved"] and retrieval[0]["reason"]
    sought = [k for k, d in ta.items() if d != "exclude"]
    assert (len(ta), len(ta) - len(sought), len(sought), len(ft)) == (72, 57, 15, 14)
    assert Counter(ft.values()) == {"include": 8, "exclude": 6}


def test_update_round(round1: list[Copy], update: list[Copy]) -> None:
    old = {c.pmid for c in round1 if c.pmid}
    repeats = [c for c in update if c.pmid]
    assert len(repeats) == 3 and all(c.pmid in old for c in repeats)
    new = [c for c in update if not c.pmid]
    rows = read_csv("update/decisions.csv")
    assert {t for row in rows for t in resolve(row["key"], update)} == {c.t for c in new}
    assert Counter(final(rows, "full_text").values()) == {"include": 1}


# --------------------------------------------------------------------------- extraction
def test_extraction_sheet() -> None:
    outcomes = protocol()["outcomes"]["names"]
    rows = read_csv("extraction.csv")
    header = ["study", "citation", "design", "n"]
    for o in outcomes:
        header += [f"{o}_events", f"{o}_total"]
    assert list(rows[0])[: len(header)] == header
    assert {f"{o}_source" for o in outcomes} <= set(rows[0])
    included = {
        k for k, d in final(read_csv("decisions.csv"), "full_text").items() if d == "include"
    }
    assert len(rows) == 8 and {r["record_key"] for r in rows} == included
    cells = {}
    for row in rows:
        for o in outcomes:
            events, total = row[f"{o}_events"], row[f"{o}_total"]
            assert (events == "") == (total == ""), f"{row['study']} {o}"
            if total:
                assert 0 <= int(events) <= int(total), f"{row['study']} {o}"
                assert row[f"{o}_source"], f"{row['study']} {o} has no source"
                cells[(row["study"], o)] = (int(events), int(total))
    assert cells == {
        ("Oddis 1999", "muscle_strength"): (8, 8),
        ("Wilkes 2005", "muscle_strength"): (10, 13),
        ("Matsubara 2012", "muscle_strength"): (8, 9),
        ("Labirua-Iturburu 2013", "fvc"): (13, 15),
    }


def test_review_toml_loads_as_a_protocol() -> None:
    from screener.screening.protocol import load_protocol

    proto = load_protocol(DEMO / "review.toml")
    assert (proto.limits.year_min, proto.limits.year_max) == (1980, 2015)
    assert proto.limits.languages == ["eng", "chi"]
    assert proto.outcomes == ["muscle_strength", "physical_function", "ck_decreased", "fvc", "dlco"]
    assert [len(proto.reasons[s]) for s in ("title_abstract", "full_text")] == [5, 5]
    for texts in proto.reasons.values():
        assert all("," not in t and ";" not in t for t in texts)


def test_readme_states_the_counts() -> None:
    readme = (DEMO / "README.md").read_text(encoding="utf-8")
    for line in (
        "| PubMed | pubmed.nbib | 17 |",
        "| Embase | embase.ris | 62 |",
        "| CENTRAL | central.ris | 8 |",
        "| CNKI | cnki.txt | 20 |",
        "| Duplicate records removed | 22 |",
        "| Records screened | 72 |",
    ):
        assert line in readme
    for t in range(1, 89):
        assert f"| T{t:03d} |" in readme


# --------------------------------------------------------------------------- with the readers
def test_screener_readers_read_every_file(round1: list[Copy], update: list[Copy]) -> None:
    from screener.readers.detect import detect
    from screener.readers.source import open_source

    expected = {
        "pubmed.nbib": ("medline", 17),
        "embase.ris": ("ris", 62),
        "central.ris": ("ris", 8),
        "cnki.txt": ("cnki-refer", 20),
        UPDATE: ("medline", 6),
    }
    for name, (fmt, count) in expected.items():
        source = open_source(DEMO / name)
        reader = detect(source)
        records = list(reader.parse(source.lines(), name))
        assert (reader.name, len(records)) == (fmt, count), name
        mine = [c for c in round1 + update if c.file == name]
        for record, copy in zip(records, mine, strict=True):
            assert record.pmid == copy.pmid, f"{name} {copy.t}"
            if copy.doi:
                assert record.doi == copy.doi, f"{name} {copy.t}"
            assert record.year == copy.year, f"{name} {copy.t}"
            if copy.language in ("jpn", "spa", "por"):
                assert record.language == copy.language, f"{name} {copy.t}"


def test_expected_json_matches_the_files(round1: list[Copy], update: list[Copy]) -> None:
    expected = json.loads((DEMO / "expected.json").read_text(encoding="utf-8"))
    r1 = expected["round1"]
    numbers = [
        r1[k]
        for k in (
            "identified",
            "duplicates_removed",
            "unique",
            "automation_excluded",
            "screened",
            "screened_excluded",
            "sought",
            "not_retrieved",
            "assessed",
            "full_text_excluded",
        )
    ]
    assert numbers == [107, 22, 85, 13, 72, 57, 15, 1, 14, 6]
    assert r1["per_database"] == {"PubMed": 17, "Embase": 62, "CENTRAL": 8, "CNKI": 20}
    assert len(r1["included"]) == 8 and expected["known_from_paper"]["patients"] == 134
    by_place: dict[str, list[Copy]] = defaultdict(list)
    for c in round1 + update:
        by_place[c.file].append(c)  # in file order: position p is by_place[file][p - 1]
    groups = r1["duplicate_groups"]
    seen = set()
    for group in groups:
        ts = {by_place[g["file"]][g["position"] - 1].t for g in group}
        assert len(ts) == 1, group
        seen |= ts
    copies = Counter(c.t for c in round1)
    assert seen == {t for t, n in copies.items() if n > 1}
    assert sum(len(g) - 1 for g in groups) == 22
    r2 = expected["round2"]
    assert (r2["identified"], r2["duplicates_removed"], r2["included"]) == (6, 3, ["T086"])
