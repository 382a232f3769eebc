"""screener.dedupe through its library API: pitfalls, rounds, idempotence, manual links."""

from __future__ import annotations

from typing import Any

import pytest
from dedupe_helpers import add_record, add_search, duplicate_of, pitfall_cases

from screener import dedupe
from screener.db import Review
from screener.screening.verdict import record_decision

CASES = pitfall_cases()


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_pitfall(review: Review, case: dict[str, Any]) -> None:
    db = review.db
    a = add_record(db, add_search(db, "PubMed"), **case["a"])
    b = add_record(db, add_search(db, "Embase"), **case["b"])
    summary = dedupe.deduplicate(db)
    queue = dedupe.review_queue(db)
    if case["expect"] == "auto":
        assert {duplicate_of(db, a), duplicate_of(db, b)} in ({None, a}, {None, b})
        assert summary.duplicates == 1 and summary.groups == 1
        assert queue == []
    elif case["expect"] == "review":
        assert duplicate_of(db, a) is None and duplicate_of(db, b) is None
        assert [(p.record_a, p.record_b) for p in queue] == [(a, b)]
    else:
        assert duplicate_of(db, a) is None and duplicate_of(db, b) is None
        assert queue == []


def _two_rounds(review: Review) -> tuple[int, int, int]:
    db = review.db
    kept = add_record(
        db,
        add_search(db, "PubMed"),
        title="Tacrolimus in refractory myositis: a cohort study",
        authors=["Ge Y", "Zhou H"],
        year=2014,
        journal="Clin Rheumatol",
        volume="33",
        pages="1405-1410",
    )
    copy = add_record(
        db,
        add_search(db, "Embase"),
        title="Tacrolimus in refractory myositis: a cohort study",
        authors=["Ge, Yongpeng", "Zhou, Hao"],
        year=2014,
        journal="Clinical Rheumatology",
        volume="33",
        pages="1405-10",
        abstract="A long abstract " * 20,
        doi="10.1007/s10067-014-2699-0",
    )
    other = add_record(
        db,
        add_search(db, "CNKI"),
        title="Cyclophosphamide for interstitial lung disease",
        authors=["Li H"],
        year=2013,
        journal="Chin J Rheumatol",
        volume="17",
        pages="20-24",
    )
    return kept, copy, other


def test_kept_record_is_most_complete_and_runs_are_idempotent(review: Review) -> None:
    db = review.db
    pubmed, embase, other = _two_rounds(review)
    first = dedupe.deduplicate(db)
    assert (first.new, first.groups, first.duplicates, first.changed) == (3, 1, 1, 1)
    assert duplicate_of(db, pubmed) == embase  # Embase's copy has the DOI and the abstract
    pairs = list(db.query("select * from duplicate_pairs"))
    assert [(p["record_a"], p["record_b"], p["status"]) for p in pairs] == [
        (pubmed, embase, "auto")
    ]
    second = dedupe.deduplicate(db)
    assert (second.new, second.candidates, second.changed, second.duplicates) == (0, 0, 0, 1)
    again = dedupe.deduplicate(db, full=True)
    assert (again.new, again.changed, again.duplicates) == (3, 0, 1)
    assert list(db.query("select * from duplicate_pairs")) == pairs
    assert duplicate_of(db, other) is None


def test_prefer_databases_chooses_the_kept_record(review: Review) -> None:
    pubmed, embase, _ = _two_rounds(review)
    dedupe.deduplicate(review.db, prefer_databases=["PubMed"])
    assert duplicate_of(review.db, embase) == pubmed


def test_update_round_points_to_the_screened_record(review: Review) -> None:
    db = review.db
    pubmed, embase, _ = _two_rounds(review)
    dedupe.deduplicate(db, prefer_databases=["PubMed"])
    record_decision(db, pubmed, "title_abstract", "ana", "include")
    update = add_search(db, "Embase", round=2)
    late = add_record(
        db,
        update,
        title="Tacrolimus in refractory myositis: a cohort study.",
        authors=["Ge Y", "Zhou H", "Shi J"],
        year=2014,
        journal="Clin. Rheumatol.",
        volume="33",
        issue="10",
        pages="1405-1410",
        abstract="A much longer abstract " * 40,
        doi="10.1007/s10067-014-2699-0",
    )
    fresh = add_record(db, update, title="A new trial of rituximab in myositis", year=2016)
    summary = dedupe.deduplicate(db)
    assert summary.new == 2
    assert duplicate_of(db, late) == pubmed  # never steals canonical status from screened
    assert duplicate_of(db, embase) == pubmed
    assert duplicate_of(db, fresh) is None
    assert dedupe.duplicates_removed(db) == 2
    assert dedupe.duplicates_removed(db, round=1) == 1
    assert dedupe.duplicates_removed(db, round=2) == 1


def test_screened_record_stays_kept_over_a_more_complete_one(review: Review) -> None:
    db = review.db
    pubmed, embase, _ = _two_rounds(review)
    record_decision(db, pubmed, "title_abstract", "ana", "exclude", reason="Wrong population")
    dedupe.deduplicate(db)
    assert duplicate_of(db, embase) == pubmed
    assert dedupe.decisions_on_duplicates(db) == []


def test_manual_link_and_unlink_survive_reruns(review: Review) -> None:
    db = review.db
    pubmed, embase, other = _two_rounds(review)
    dedupe.deduplicate(db)
    record_decision(db, other, "title_abstract", "ana", "include")
    record_decision(db, embase, "title_abstract", "ana", "exclude")
    kept = dedupe.link(db, other, pubmed, "ana")
    assert kept == embase  # screened first by id among the two screened records
    assert dedupe.group(db, other) == [embase, pubmed, other]
    moved = dedupe.decisions_on_duplicates(db)
    assert [(d["record_id"], d["kept_record"], d["decision"]) for d in moved] == [
        (other, embase, "include")
    ]
    dedupe.deduplicate(db, full=True)
    assert dedupe.group(db, other) == [embase, pubmed, other]
    split = dedupe.unlink(db, other, "ana")
    assert split == [pubmed, embase]
    dedupe.deduplicate(db, full=True)
    assert duplicate_of(db, other) is None
    assert duplicate_of(db, pubmed) == embase
    statuses = {
        (r["record_a"], r["record_b"]): (r["status"], r["reviewer"])
        for r in db.query("select * from duplicate_pairs")
    }
    assert statuses[(pubmed, other)] == ("rejected", "ana")
    assert statuses[(embase, other)] == ("rejected", "ana")


def test_review_queue_decisions_are_honoured(review: Review) -> None:
    db = review.db
    case = next(c for c in CASES if c["expect"] == "review")
    a = add_record(db, add_search(db, "PubMed"), **case["a"])
    b = add_record(db, add_search(db, "Embase"), **case["b"])
    dedupe.deduplicate(db)
    [pair] = dedupe.review_queue(db)
    dedupe.decide_pair(db, pair.id, "rejected", "ben")
    dedupe.deduplicate(db, full=True)
    assert dedupe.review_queue(db) == []
    assert duplicate_of(db, b) is None
    dedupe.decide_pair(db, pair.id, "confirmed", "ben")
    dedupe.deduplicate(db, full=True)
    assert duplicate_of(db, b) == a or duplicate_of(db, a) == b
    row = db.execute("select status, reviewer from duplicate_pairs where id = ?", [pair.id])
    assert row.fetchone() == ("confirmed", "ben")


def test_chain_never_joins_two_dois(review: Review) -> None:
    db = review.db
    base = {"authors": ["Ge Y", "Zhou H"], "year": 2014, "journal": "Clin Rheumatol"}
    a = add_record(
        db,
        add_search(db, "PubMed"),
        title="Tacrolimus in refractory myositis",
        doi="10.1007/s10067-014-0001-1",
        volume="33",
        pages="1-9",
        **base,
    )
    b = add_record(
        db,
        add_search(db, "Scopus"),
        title="Tacrolimus in refractory myositis",
        volume="33",
        pages="1-9",
        **base,
    )
    c = add_record(
        db,
        add_search(db, "Embase"),
        title="Tacrolimus in refractory myositis",
        doi="10.1007/s10067-014-0002-2",
        volume="33",
        pages="1-9",
        **base,
    )
    dedupe.deduplicate(db)
    assert {duplicate_of(db, a), duplicate_of(db, c)} != {b}  # a and c never in one group
    groups = {tuple(dedupe.group(db, r)) for r in (a, b, c)}
    assert len(groups) == 2


def test_explain_says_why(review: Review) -> None:
    db = review.db
    pubmed, embase, other = _two_rounds(review)
    erratum = add_record(
        db,
        add_search(db, "Scopus"),
        title="Erratum: Tacrolimus in refractory myositis: a cohort study",
        authors=["Ge Y"],
        year=2014,
        journal="Clin Rheumatol",
        volume="33",
        pages="1800",
    )
    dedupe.deduplicate(db)
    lines = dedupe.explain(db, pubmed)
    assert (
        lines[0]
        == f"Record {pubmed} is a duplicate of record {embase} (group of 2: {embase}, {pubmed})."
    )
    assert lines[1] == f"  pair 1 with {embase}: auto; rule score"
    assert lines[2].split() == ["field", "evidence", "input", "weight", "contribution"]
    # every field of the model, its evidence and its part of the score, then the sum
    rows = {line.split()[0]: line.split() for line in lines[3:14]}
    assert rows["title"][1:3] == ["1.0", "+1.00"]
    assert rows["issue"][1:3] == ["-", "+0.00"]  # missing on one side: neither for nor against
    assert rows["year"][1:4] == ["0", "apart", "+1.00"]
    weights = dedupe.model.MODEL.weights
    assert float(rows["pages"][-1]) == pytest.approx(weights["pages"], abs=0.01)
    total = sum(float(r[-1]) for name, r in rows.items() if name != "intercept")
    z = float(lines[14].split()[1])
    assert z == pytest.approx(total + dedupe.model.MODEL.intercept, abs=0.03)
    assert f"  not linked to {erratum}: veto:notice(article/erratum)" in lines
    assert (
        dedupe.explain(db, other)[0] == f"Record {other} is kept: it is linked to no other record."
    )


@pytest.mark.parametrize(
    "name", ["van der Berg AB", "van der Berg, A. B.", "van der Berg A B", "Van der Berg, Anna"]
)
def test_author_formats_share_one_surname(name: str) -> None:
    from screener.dedupe.features import surname_key

    assert surname_key(name) == "vanderberg"


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        ("1493-8", ("1493", "1498")),
        ("S-1178", ("S1178", "")),
        ("08-Nov", ("", "")),
        ("Suppl-29", ("", "")),
        ("e012345", ("E12345", "")),
        ("221--228", ("221", "228")),
        ("1763-1762", ("1763", "1762")),
        ("587-0", ("587", "")),
        ('"123-130"', ("123", "130")),
        ("123 Suppl 2", ("123", "")),
        ("123-5, 130-2", ("123", "125")),
    ],
)
def test_page_forms(pages: str, expected: tuple[str, str]) -> None:
    from screener.dedupe.features import _unquote
    from screener.dedupe.pages import page_parts

    parts = page_parts(_unquote(pages))
    assert (parts.first, parts.last) == expected


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Curr Opin Lipidol", "Current opinion in lipidology", True),
        (
            "Proc Natl Acad Sci U S A",
            "Proceedings of the National Academy of Sciences of the United States of America",
            True,
        ),
        ("J Pathol", "The Journal of Pathology", True),
        ("Clin Sci (Lond)", "Clinical Science", True),
        ("Diabetes", "Diabetes Care", False),
        ("J Clin Virol", "Journal of Clinical Investigation", False),
    ],
)
def test_journal_abbreviations(a: str, b: str, same: bool) -> None:
    from screener.normalize import journals_match

    assert journals_match(a, b) is same
