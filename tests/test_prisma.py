"""PRISMA counts from the hand-built review (tests/data/prisma/review.json), and their checks."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from builders import add_search
from test_prisma_fixture import build_review

from screener.db import Review
from screener.errors import DataError, ProtocolError
from screener.prisma.classic import flow_2009
from screener.prisma.counts import Flow, PrismaSettings, compute_flow, load_prisma_settings
from screener.prisma.identities import check, identities_2009, identities_2020, problems
from screener.record import Record
from screener.screening.verdict import record_decision


def test_round_one_with_other_methods_counts_every_box(review: Review) -> None:
    build_review(review)
    f = compute_flow(review.db, 1)
    assert (f.round, f.cumulative, f.updated, f.has_other_methods) == (1, True, False, True)
    assert f.database_specific_results == {"Embase": 5, "PubMed": 6}
    assert f.register_specific_results == {"ClinicalTrials.gov": 2}
    assert (f.database_results, f.register_results) == (11, 2)
    assert (f.website_results, f.organisation_results, f.citations_results) == (1, 1, 3)
    assert f.other_specific_results == {
        "website": {"Google Scholar": 1},
        "organisation": {"WHO": 1},
        "citation": {"Reference lists": 3},
    }
    assert (f.duplicates, f.excluded_automatic, f.excluded_other) == (2, 1, 0)
    assert (f.records_screened, f.records_excluded) == (10, 2)
    assert (f.records_excluded_human, f.records_excluded_automatic) == (2, 0)
    assert (f.dbr_sought_reports, f.dbr_notretrieved_reports, f.dbr_assessed) == (8, 1, 7)
    assert f.dbr_excluded == 4
    assert f.dbr_excluded_reasons == {"Wrong outcomes": 2, "Wrong study design": 2}
    assert f.dbr_included_reports == 3
    assert (f.other_duplicates, f.other_excluded_automatic, f.other_records_excluded) == (1, 0, 0)
    assert (f.other_sought_reports, f.other_notretrieved_reports, f.other_assessed) == (4, 1, 3)
    assert (f.other_excluded, f.other_excluded_reasons) == (1, {"Wrong population": 1})
    assert f.other_included_reports == 2
    # study A has two reports (p1, p2), study B two (r1 and the WHO report o1), study C one
    assert (f.new_studies, f.new_reports) == (3, 5)
    assert (f.previous_studies, f.previous_reports, f.total_studies, f.total_reports) == (
        0,
        0,
        3,
        5,
    )
    assert (f.total_studies_ma, f.total_reports_ma) == (3, 5)
    assert problems(f) == []


def test_updated_round_counts_previous_new_and_total(review: Review) -> None:
    build_review(review)
    f = compute_flow(review.db)  # latest round: 2
    assert (f.round, f.updated, f.rounds) == (2, True, [1, 2])
    assert f.database_specific_results == {"PubMed": 4}
    assert (f.duplicates, f.records_screened, f.records_excluded) == (1, 3, 1)
    assert (f.dbr_sought_reports, f.dbr_assessed, f.dbr_excluded) == (2, 2, 0)
    assert (f.citations_results, f.other_sought_reports, f.other_included_reports) == (1, 1, 1)
    # q3 is a new report of the previous study A: a new report, not a new study
    assert (f.previous_studies, f.previous_reports) == (3, 5)
    assert (f.new_studies, f.new_reports) == (2, 3)
    assert (f.total_studies, f.total_reports) == (5, 8)
    assert problems(f) == []


def test_databases_only_variants(review: Review) -> None:
    build_review(review, other_methods=False)
    first, second = compute_flow(review.db, 1), compute_flow(review.db, 2)
    assert not first.has_other_methods and first.other_identified == 0
    assert (first.new_studies, first.new_reports) == (2, 3)
    assert (second.previous_studies, second.new_studies, second.total_studies) == (2, 1, 3)
    assert (second.previous_reports, second.new_reports, second.total_reports) == (3, 2, 5)


def test_2009_view_is_cumulative(review: Review) -> None:
    build_review(review)
    v = flow_2009(compute_flow(review.db, 2, cumulative=True))
    assert (v.records_database, v.records_other, v.duplicates) == (17, 6, 4)
    assert (v.records_after_duplicates, v.records_screened, v.records_excluded) == (19, 19, 4)
    assert v.records_excluded_automatic == 1
    assert (v.fulltext_assessed, v.fulltext_excluded) == (15, 7)
    assert v.fulltext_excluded_reasons == {
        "Wrong outcomes": 2,
        "Wrong study design": 2,
        "Wrong population": 1,
        "Full text not retrieved": 2,
    }
    assert (v.reports_included, v.studies_qualitative, v.studies_quantitative) == (8, 5, 5)
    assert identities_2009(v) == []


def test_missing_decisions_are_named_with_their_ids(review: Review) -> None:
    ids = build_review(review, other_methods=False)
    db = review.db
    new = []
    for i in range(3):
        new.append(db["records"].insert({"search_id": 1, "position": 100 + i}).last_pk)
    record_decision(db, new[1], "title_abstract", "ann", "include")
    record_decision(db, new[1], "title_abstract", "bob", "exclude", "Wrong population")
    record_decision(db, new[2], "title_abstract", "ann", "include")
    record_decision(db, new[2], "full_text", "ann", "exclude")  # no reason
    f = compute_flow(db, 1)
    messages = [p.message for p in problems(f)]
    assert messages == [
        f"1 record has no title/abstract decision (id {new[0]})",
        f"1 record has conflicting title/abstract decisions (id {new[1]})",
        f"1 full-text exclusion has no reason (id {new[2]})",
    ]
    with pytest.raises(DataError) as err:
        check(f)
    assert err.value.message == "The PRISMA flow is not final: " + "; ".join(messages) + "."
    assert "--allow-incomplete" in (err.value.hint or "")
    warnings = check(f, allow_incomplete=True)
    assert warnings[:3] == [f"pending: {m}" for m in messages]
    # the identities hold once the pending records are counted
    assert [p for p in problems(f) if p.kind != "incomplete"] == []
    assert f.dbr_pending.title_abstract == 2 and f.dbr_pending.ft_no_reason == [new[2]]
    assert ids["p1"] not in f.dbr_pending.ta_undecided


def test_full_text_maybe_and_missing_decision(review: Review) -> None:
    ids = build_review(review, other_methods=False)
    db = review.db
    record_decision(db, ids["p1"], "full_text", "ann", "undo")
    record_decision(db, ids["p2"], "full_text", "ann", "maybe")
    messages = [p.message for p in problems(compute_flow(db, 1))]
    assert messages == [
        f"1 report has no full-text decision (id {ids['p1']})",
        f"1 report has only a 'maybe' at full text (id {ids['p2']})",
    ]


def test_many_ids_are_shortened(review: Review) -> None:
    build_review(review, other_methods=False)
    db = review.db
    new = [db["records"].insert({"search_id": 1, "position": 200 + i}).last_pk for i in range(12)]
    (message,) = [p.message for p in problems(compute_flow(db, 1))]
    shown = ", ".join(str(i) for i in new[:10])
    assert message == f"12 records have no title/abstract decision (ids {shown} and 2 more)"


def _flow(review: Review) -> Flow:
    build_review(review)
    return compute_flow(review.db, 1)


IDENTITY_CASES = [
    ({"database_results": 12}, "Databases (12) does not equal the sum over databases (11) = 11"),
    ({"register_results": 1}, "Registers (1) does not equal the sum over registers (2) = 2"),
    (
        {"records_screened": 9},
        "Records screened (9) does not equal records identified (13) − duplicate records "
        "removed (2) − records marked as ineligible by automation tools (1) − records removed "
        "for other reasons (0) = 10",
    ),
    (
        {"records_excluded_automatic": 1},
        "Records excluded (2) does not equal excluded by a human (2) + excluded by automation "
        "tools (1) = 3",
    ),
    (
        {"dbr_sought_reports": 7, "dbr_assessed": 6},
        "Reports sought for retrieval (7) does not equal records screened (10) − records "
        "excluded (2) − records pending a title/abstract decision (0) = 8",
    ),
    (
        {"dbr_notretrieved_reports": 2},
        "Reports assessed for eligibility (7) does not equal reports sought for retrieval (8) − "
        "reports not retrieved (2) = 6",
    ),
    (
        {"dbr_excluded_reasons": {"Wrong outcomes": 2}},
        "The sum of exclusion reasons (2) does not equal reports excluded (4) − exclusions "
        "without a reason (0) = 4",
    ),
    (
        {"dbr_included_reports": 4, "new_reports": 6},
        "Reports included (databases and registers) (4) does not equal reports assessed (7) − "
        "reports excluded (4) − reports pending a full-text decision (0) = 3",
    ),
    (
        {"citations_results": 4},
        "Other methods: reports sought for retrieval (4) does not equal records identified by "
        "other methods (6) − duplicates (1) − records marked as ineligible by automation tools "
        "(0) − records excluded at title/abstract (0) − records pending a title/abstract "
        "decision (0) = 5",
    ),
    (
        {"other_notretrieved_reports": 0},
        "Other methods: reports assessed for eligibility (3) does not equal reports sought for "
        "retrieval (4) − reports not retrieved (0) = 4",
    ),
    (
        {"other_excluded_reasons": {}},
        "Other methods: the sum of exclusion reasons (0) does not equal reports excluded (1) − "
        "exclusions without a reason (0) = 1",
    ),
    (
        {"other_included_reports": 1, "new_reports": 4},
        "Other methods: reports included (1) does not equal reports assessed (3) − reports "
        "excluded (1) − reports pending a full-text decision (0) = 2",
    ),
    (
        {"new_reports": 6},
        "Reports of included studies (6) does not equal reports included from databases and "
        "registers (3) + reports included from other methods (2) = 5",
    ),
    (
        {"new_studies": 6, "new_reports": 5},
        "Studies included (6) exceeds reports of included studies (5)",
    ),
    (
        {"total_studies_ma": 4},
        "Studies included in meta-analysis (4) exceeds total studies included (3)",
    ),
]


@pytest.mark.parametrize(("changes", "message"), IDENTITY_CASES)
def test_each_2020_identity_broken_on_purpose(
    review: Review, changes: dict[str, object], message: str
) -> None:
    broken = dataclasses.replace(_flow(review), **changes)  # type: ignore[arg-type]
    assert message in [p.message for p in identities_2020(broken) if p.kind == "identity"]
    with pytest.raises(DataError, match="The PRISMA counts are inconsistent: "):
        check(broken, allow_incomplete=True)


def test_total_identity_is_only_a_warning(review: Review) -> None:
    flow = dataclasses.replace(_flow(review), total_studies=4)
    assert [(p.kind, p.message) for p in identities_2020(flow)] == [
        (
            "warning",
            "Total studies included (4) does not equal previous studies (0) + new studies (3) = 3",
        )
    ]
    assert check(flow)[0].startswith("Total studies included (4)")


CASES_2009 = [
    (
        {"records_after_duplicates": 18},
        "Records after duplicates removed (18) does not equal "
        "records identified through database searching (17) + additional records from other "
        "sources (6) − duplicates (4) = 19",
    ),
    (
        {"records_screened": 18, "fulltext_assessed": 14},
        "Records screened (18) does not equal records after duplicates removed (19) = 19",
    ),
    (
        {"fulltext_assessed": 14, "reports_included": 7},
        "Full-text articles assessed (14) does "
        "not equal records screened (19) − records excluded (4) − records pending a "
        "title/abstract decision (0) = 15",
    ),
    (
        {"fulltext_excluded_reasons": {"Wrong outcomes": 2}},
        "The sum of full-text exclusion "
        "reasons (2) does not equal full-text articles excluded (7) − exclusions without a reason "
        "(0) = 7",
    ),
    (
        {"reports_included": 9},
        "Reports included in qualitative synthesis (9) does not equal "
        "full-text articles assessed (15) − full-text articles excluded (7) − reports pending a "
        "full-text decision (0) = 8",
    ),
    (
        {"studies_qualitative": 9, "studies_quantitative": 5},
        "Studies included in qualitative synthesis (9) exceeds their reports (8)",
    ),
    (
        {"studies_quantitative": 6},
        "Studies included in quantitative synthesis (6) exceeds "
        "studies included in qualitative synthesis (5)",
    ),
]


@pytest.mark.parametrize(("changes", "message"), CASES_2009)
def test_each_2009_identity_broken_on_purpose(
    review: Review, changes: dict[str, object], message: str
) -> None:
    build_review(review)
    view = flow_2009(compute_flow(review.db, 2, cumulative=True))
    broken = dataclasses.replace(view, **changes)  # type: ignore[arg-type]
    assert message in [p.message for p in identities_2009(broken)]


def test_meta_analysis_setting_and_nr(review: Review) -> None:
    build_review(review)
    unknown = compute_flow(review.db, 1, settings=PrismaSettings(meta_analysis_studies="unknown"))
    assert (unknown.total_studies_ma, unknown.total_reports_ma) == (None, None)
    two = compute_flow(review.db, 1, settings=PrismaSettings(meta_analysis_studies=2))
    assert (two.total_studies_ma, two.total_reports_ma) == (2, None)
    too_many = compute_flow(review.db, 1, settings=PrismaSettings(meta_analysis_studies=4))
    with pytest.raises(DataError, match=r"meta-analysis \(4\) exceeds total studies"):
        check(too_many)


def test_update_without_earlier_rounds_is_nr_unless_set(review: Review) -> None:
    db = review.db
    a, b = add_search(db, [Record(), Record()], round=3)
    for rid, decision in ((a, "include"), (b, "exclude")):
        record_decision(db, rid, "title_abstract", "ann", decision, "Wrong population")
    record_decision(db, a, "full_text", "ann", "include")
    with pytest.raises(DataError, match=r"has no searches of round 2 \(it has rounds 3\)"):
        compute_flow(db, 2)
    flow = compute_flow(db)
    assert (flow.round, flow.updated, flow.new_studies, flow.new_reports) == (3, True, 1, 1)
    assert (flow.previous_studies, flow.total_studies, flow.total_reports) == (None, None, None)
    given = compute_flow(db, 3, settings=PrismaSettings("all", 7, 9))
    assert (given.previous_studies, given.previous_reports) == (7, 9)
    assert (given.total_studies, given.total_reports) == (8, 10)
    assert problems(given) == []


def test_empty_review_is_a_data_error(review: Review) -> None:
    with pytest.raises(DataError) as error:
        compute_flow(review.db)
    assert error.value.message == "The review has no searches yet, so there is no flow to draw."
    assert error.value.hint == "Import a search first: screener import FILE."


def test_a_round_without_searches_is_refused_naming_the_rounds(review: Review) -> None:
    add_search(review.db, [Record()], round=1)
    add_search(review.db, [Record()], round=3)
    with pytest.raises(DataError) as error:
        compute_flow(review.db, 2)
    assert error.value.message == "The review has no searches of round 2 (it has rounds 1, 3)."
    assert error.value.hint == "Pass --round with one of those rounds."


def test_unknown_source_types_count_as_other_methods_a_missing_one_as_database(
    review: Review,
) -> None:
    db = review.db
    add_search(db, [Record()], database="Hand search", source_type="other")
    add_search(db, [Record(), Record()], database="Blog", source_type="blog")
    add_search(db, [Record()], database="Old import")
    db.execute("update searches set source_type = null where database = 'Old import'")
    flow = compute_flow(db, 1)
    assert (flow.database_specific_results, flow.database_results) == ({"Old import": 1}, 1)
    assert flow.other_method_results == 3
    assert flow.other_specific_results == {"other": {"Blog": 2, "Hand search": 1}}
    assert flow.notes == ["Search #2 has unknown source_type 'blog'; counted as other."]


def test_reports_not_retrieved_add_up_over_searches(review: Review) -> None:
    db = review.db
    ids = add_search(db, [Record(), Record()]) + add_search(db, [Record()], database="Embase")
    for rid in ids:
        record_decision(db, rid, "title_abstract", "ann", "include")
    for rid in (ids[0], ids[2]):
        db["retrieval"].insert({"record_id": rid, "status": "not_retrieved", "reason": "Paywall"})
    flow = compute_flow(db, 1)
    assert (flow.dbr_sought_reports, flow.dbr_notretrieved_reports, flow.dbr_assessed) == (3, 2, 1)


def test_exclusion_reasons_are_listed_most_frequent_first_ties_by_name(review: Review) -> None:
    """The diagram lists full-text reasons by count, then by name (not in the order met: the
    first search's reason comes first in the rows, yet sorts last among the ties)."""
    db = review.db
    first = add_search(db, [Record()], database="Embase")
    second = add_search(db, [Record(), Record(), Record()], database="PubMed")
    why = ["Wrong population", "Not a trial", "Wrong outcomes", "Wrong outcomes"]
    for rid, reason in zip(first + second, why, strict=True):
        record_decision(db, rid, "title_abstract", "ann", "include")
        record_decision(db, rid, "full_text", "ann", "exclude", reason)
    flow = compute_flow(db, 1)
    assert list(flow.dbr_excluded_reasons.items()) == [
        ("Wrong outcomes", 2),
        ("Not a trial", 1),
        ("Wrong population", 1),
    ]


def test_prisma_settings_from_review_toml(tmp_path: Path) -> None:
    toml = tmp_path / "review.toml"
    toml.write_text("[prisma]\nmeta_analysis_studies = 4\nprevious_studies = 2\n")
    assert load_prisma_settings(toml) == PrismaSettings(4, 2, None)
    toml.write_text("[prisma]\nprevious_studies = 2\nprevious_reports = 3\n")
    assert load_prisma_settings(toml) == PrismaSettings("all", 2, 3)
    assert load_prisma_settings(tmp_path / "none.toml") == PrismaSettings()
    toml.write_text('[prisma]\nmeta_analysis_studies = "some"\n')
    with pytest.raises(ProtocolError, match="'meta_analysis_studies' in \\[prisma\\] must be"):
        load_prisma_settings(toml)
    toml.write_text("[prisma]\nstudies = 3\n")
    with pytest.raises(ProtocolError, match="unknown key 'studies'"):
        load_prisma_settings(toml)


def test_declared_count_mismatch_is_noted(review: Review) -> None:
    build_review(review, other_methods=False)
    review.db.execute("update searches set n_records = 7 where id = 1")
    flow = compute_flow(review.db, 1)
    assert flow.notes == [
        "Search #1 (PubMed) declares 7 records but 6 are stored; the flow counts the stored "
        "records."
    ]
