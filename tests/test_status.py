"""screener status: the documented JSON keys, and the numbers they carry."""

from __future__ import annotations

import json

from builders import add_search, decide
from typer.testing import CliRunner

from screener.cli import app
from screener.db import Review
from screener.record import Record
from screener.screening.blinding import unblind
from screener.screening.status import review_status
from screener.screening.verdict import record_decision

TA, FT = "title_abstract", "full_text"


def build(review: Review) -> None:
    review.protocol_path.write_text("[screening]\nreviewers = 2\n", encoding="utf-8")
    db = review.db
    for first, database in ((1, "PubMed"), (5, "Embase")):
        add_search(db, [Record(title=f"R{i}") for i in range(first, first + 4)], database=database)
    db.execute("update records set duplicate_of = 1 where id = 5")  # 7 canonical records
    ann = {1: "include", 2: "include", 3: "exclude", 4: "maybe", 7: "exclude"}
    bob = {1: "include", 2: "exclude", 3: "exclude", 4: "maybe"}
    decide(db, TA, "ann", ann, reason="Wrong population")
    decide(db, TA, "bob", bob, reason="Not a study")
    record_decision(
        db,
        8,
        TA,
        "criteria",
        "exclude",
        reason="Published before 1980 (limit year_min)",
        source="criteria",
    )
    # full text: records 1 and 4 (included / maybe at title/abstract)
    record_decision(db, 1, FT, "ann", "include")
    db["retrieval"].insert({"record_id": 4, "status": "not_retrieved", "reason": "No access"})


def test_json_keys_are_stable(review: Review, runner: CliRunner) -> None:
    build(review)
    unblind(review.db, "lead")
    result = runner.invoke(app, ["status", "--json", "--review", str(review.path)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert sorted(data) == ["records", "screening", "searches", "stopping"]
    assert sorted(data["searches"][0]) == [
        "database",
        "file_name",
        "format",
        "id",
        "n_records",
        "records",
        "round",
    ]
    assert sorted(data["records"]) == ["canonical", "duplicates", "total"]
    assert sorted(data["screening"]) == [
        "agreement_convention",
        "blinding",
        "reviewers_required",
        "stages",
    ]
    assert sorted(data["screening"]["blinding"]) == ["blind", "unblinded"]
    assert sorted(data["screening"]["blinding"]["unblinded"]) == ["at", "reviewer"]
    assert sorted(data["screening"]["stages"]) == ["full_text", "title_abstract"]
    stage = data["screening"]["stages"]["title_abstract"]
    assert sorted(stage) == [
        "agreement",
        "awaiting_reviewers",
        "done",
        "final",
        "left",
        "not_retrieved",
        "records",
        "reviewers",
    ]
    assert sorted(stage["final"]) == [
        "awaiting",
        "by_criteria",
        "conflicts",
        "excluded",
        "excluded_by_reason",
        "included",
        "maybe",
        "undecided",
    ]
    assert sorted(stage["reviewers"]["ann"]) == [
        "excluded",
        "excluded_by_reason",
        "included",
        "left",
        "maybe",
        "queue",
        "screened",
    ]
    assert sorted(stage["agreement"][0]) == ["agree", "kappa", "n", "percent", "reviewers"]
    assert sorted(data["stopping"]) == [
        "confidence",
        "includes_found",
        "method",
        "p_value",
        "recall_lower_bound",
        "recall_target",
        "screened",
        "streak",
        "target_reached",
        "total",
    ]


def test_numbers(review: Review) -> None:
    build(review)
    unblind(review.db, "lead")
    data = review_status(review)
    assert [s["records"] for s in data["searches"]] == [4, 4]
    assert data["records"] == {"total": 8, "canonical": 7, "duplicates": 1}
    # stopping aid: records 1, 2, 3, 4, 7 screened by a person in that order (the conflict on 2
    # counts as an include, 7 awaits bob: ann's exclude), out of 7 canonical minus 1 automation
    stop = data["stopping"]
    assert (stop["screened"], stop["total"], stop["includes_found"], stop["streak"]) == (5, 6, 3, 1)
    ta = data["screening"]["stages"]["title_abstract"]
    assert ta["records"] == 7
    # reviewers = 2: 1 include (both), 2 conflict, 3 exclude (both), 4 maybe (both),
    # 6 undecided, 7 awaiting bob (ann excluded it), 8 exclude (criteria)
    assert ta["final"] == {
        "included": 1,
        "excluded": 2,
        "maybe": 1,
        "conflicts": 1,
        "awaiting": 1,
        "undecided": 1,
        "excluded_by_reason": {"Published before 1980 (limit year_min)": 1, "Wrong population": 1},
        "by_criteria": 1,
    }
    assert (ta["done"], ta["left"], ta["awaiting_reviewers"]) == (4, 3, 1)
    # each reviewer's queue: 7 records less the automation exclusion (8)
    assert ta["reviewers"]["ann"] == {
        "queue": 6,
        "screened": 5,
        "included": 2,
        "excluded": 2,
        "maybe": 1,
        "left": 1,
        "excluded_by_reason": {"Wrong population": 2},
    }
    assert ta["reviewers"]["bob"]["left"] == 2
    # ann vs bob on 1-4: not-excluded/excluded table ((2, 1), (0, 1)): observed 3/4,
    # chance 0.75*0.5 + 0.25*0.5 = 0.5, kappa 0.5
    assert ta["agreement"] == [
        {"reviewers": ["ann", "bob"], "n": 4, "agree": 3, "percent": 75.0, "kappa": 0.5}
    ]
    ft = data["screening"]["stages"]["full_text"]
    # full text: 1 (include) and 4 (maybe); 4 not retrieved; 1 decided by ann only: awaiting
    assert (ft["records"], ft["not_retrieved"]) == (2, 1)
    assert ft["final"]["included"] == 0 and ft["final"]["awaiting"] == 1
    assert ft["reviewers"]["ann"]["left"] == 0
    assert (ft["reviewers"]["bob"]["queue"], ft["reviewers"]["bob"]["left"]) == (1, 1)
    record_decision(review.db, 1, FT, "bob", "include")
    ft = review_status(review)["screening"]["stages"]["full_text"]
    assert (ft["final"]["included"], ft["done"], ft["left"]) == (1, 1, 0)


def test_blinded_status_shows_only_the_named_reviewer(review: Review, runner: CliRunner) -> None:
    build(review)  # reviewers = 2: blind by default
    data = review_status(review)
    assert data["screening"]["blinding"] == {"blind": True, "unblinded": None}
    ta = data["screening"]["stages"]["title_abstract"]
    assert ta["reviewers"] == {} and ta["agreement"] == []
    assert ta["final"]["conflicts"] == 1  # totals stay visible
    mine = review_status(review, "bob")["screening"]["stages"]["title_abstract"]
    assert list(mine["reviewers"]) == ["bob"] and mine["agreement"] == []
    result = runner.invoke(app, ["status", "--review", str(review.path), "--reviewer", "bob"])
    assert result.exit_code == 0, result.output
    assert "  bob: 4 of 6 screened (1 included, 2 excluded, 1 maybe), 2 left" in result.output
    assert "ann" not in result.output
    assert "Blinded" in result.output
    result = runner.invoke(app, ["status", "--review", str(review.path)])
    assert "ann" not in result.output and "bob" not in result.output


def test_text_output(review: Review, runner: CliRunner) -> None:
    build(review)
    unblind(review.db, "lead")
    result = runner.invoke(app, ["status", "--review", str(review.path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:3] == [
        "#1 PubMed (round 1): 4 records from PubMed.txt",
        "#2 Embase (round 1): 4 records from Embase.txt",
        "Records: 8 (kept 7, duplicates 1)",
    ]
    assert "Title/abstract: 7 records" in lines
    assert (
        "  final: 1 included, 2 excluded, 1 maybe; left 3: 1 conflict, 1 awaiting another"
        " reviewer, 1 undecided" in lines
    )
    assert "  ann: 5 of 6 screened (2 included, 2 excluded, 1 maybe), 1 left" in lines
    assert "  ann vs bob: agreement 75.0% over 4 records, Cohen's kappa 0.500" in lines
    assert "  full text not retrieved: 1" in lines
