"""Cohen's kappa against a hand-computed table; conflicts; the conflicts command and --resolve."""

from __future__ import annotations

import pytest
from builders import add_search
from typer.testing import CliRunner

from screener.cli import app
from screener.db import Review
from screener.record import Record
from screener.screening.agreement import agreement, cohen_kappa, conflicts, pairwise
from screener.screening.verdict import record_decision, verdicts

TA = "title_abstract"


# ann and bob on records 1..10 (maybe counts as include, i.e. "not excluded"):
#                 bob not excl  bob excl
# ann not excl         4           1
# ann excl             2           3
# observed 7/10 = 0.7; ann not-excl 5/10, bob not-excl 6/10;
# chance 0.5*0.6 + 0.5*0.4 = 0.5; kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4
ANN = [
    "include",
    "maybe",
    "include",
    "include",
    "include",
    "exclude",
    "exclude",
    "exclude",
    "exclude",
    "exclude",
]
BOB = [
    "include",
    "include",
    "maybe",
    "include",
    "exclude",
    "include",
    "include",
    "exclude",
    "exclude",
    "exclude",
]


def screened(review: Review) -> list[int]:
    ids = add_search(review.db, [Record(title=f"Study {i + 1}", year=2000 + i) for i in range(12)])
    for rid, a, b in zip(ids, ANN, BOB, strict=False):
        record_decision(
            review.db, rid, TA, "ann", a, reason="Wrong population" if a == "exclude" else None
        )
        record_decision(
            review.db, rid, TA, "bob", b, reason="Not a study" if b == "exclude" else None
        )
    record_decision(review.db, ids[10], TA, "ann", "exclude")  # only ann: not in the table
    return ids


def test_kappa_matches_the_hand_computed_table(review: Review) -> None:
    screened(review)
    result = agreement(review.db, TA, "ann", "bob")
    assert result.table == ((4, 1), (2, 3))
    assert (result.n, result.agree) == (10, 7)
    assert result.percent == pytest.approx(70.0)
    assert result.kappa == pytest.approx(0.4)
    assert agreement(review.db, TA, "bob", "ann").table == ((4, 2), (1, 3))


def test_kappa_edge_cases() -> None:
    assert cohen_kappa(((0, 0), (0, 0))) is None
    assert cohen_kappa(((5, 0), (0, 0))) is None  # chance agreement 1: undefined
    assert cohen_kappa(((3, 0), (0, 2))) == pytest.approx(1.0)
    assert cohen_kappa(((0, 2), (2, 0))) == pytest.approx(-1.0)


def test_conflicts_are_the_unsettled_disagreements(review: Review) -> None:
    ids = screened(review)
    found = conflicts(review.db, TA)
    # include vs maybe is a conflict too (the final decision is not settled)
    assert [c.record_id for c in found] == [ids[1], ids[2], ids[4], ids[5], ids[6]]
    first = found[2]
    assert (first.title, first.year) == ("Study 5", 2004)
    assert {w: (d.decision, d.reason) for w, d in first.decisions.items()} == {
        "ann": ("include", None),
        "bob": ("exclude", "Not a study"),
    }
    record_decision(review.db, ids[4], TA, "consensus", "include", source="consensus")
    assert ids[4] not in [c.record_id for c in conflicts(review.db, TA)]


def test_three_reviewers_are_compared_pairwise(review: Review) -> None:
    ids = screened(review)
    for rid in ids[:4]:
        record_decision(review.db, rid, TA, "cat", "exclude")
    pairs = {(p.a, p.b): (p.n, p.agree) for p in pairwise(review.db, TA)}
    assert pairs == {("ann", "bob"): (10, 7), ("ann", "cat"): (4, 0), ("bob", "cat"): (4, 0)}


def test_conflicts_command_lists_and_states_the_convention(
    review: Review, runner: CliRunner
) -> None:
    screened(review)
    result = runner.invoke(
        app, ["conflicts", "--stage", "title-abstract", "--review", str(review.path)]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Title/abstract: 5 conflicts."
    assert (
        lines[1]
        == "  ann vs bob: 10 records decided by both, agreement 70.0% (7/10), Cohen's kappa 0.400"
    )
    assert lines[2] == "  (maybe counts as include: agreement is on excluded vs not excluded)"
    assert "  #5 Study 5 (2004)" in lines
    assert "      bob: exclude (Not a study)" in lines
    bad = runner.invoke(app, ["conflicts", "--stage", "abstracts", "--review", str(review.path)])
    assert bad.exit_code == 2


def test_resolve_records_consensus_decisions(review: Review, runner: CliRunner) -> None:
    ids = screened(review)
    # conflict 1: include; 2: skip; 3: exclude, reason 2 of the template (Wrong intervention);
    # 4: a wrong key, then maybe; then quit
    keys = "i\ns\ne\n2\nx\nm\nq\n"
    result = runner.invoke(
        app,
        [
            "conflicts",
            "--resolve",
            "--stage",
            "ta",
            "--reviewer",
            "lead",
            "--review",
            str(review.path),
        ],
        input=keys,
    )
    assert result.exit_code == 0, result.output
    assert "Recorded 3 consensus decisions." in result.output
    rows = review.db.execute(
        "select record_id, reviewer, decision, reason, note, source from decisions"
        " where source = 'consensus' order by id"
    ).fetchall()
    assert rows == [
        (ids[1], "consensus", "include", None, "resolved by lead", "consensus"),
        (ids[4], "consensus", "exclude", "Wrong intervention", "resolved by lead", "consensus"),
        (ids[5], "consensus", "maybe", None, "resolved by lead", "consensus"),
    ]
    final = verdicts(review.db, TA)
    assert (final[ids[4]].decision, final[ids[4]].source) == ("exclude", "consensus")
    assert [c.record_id for c in conflicts(review.db, TA)] == [ids[2], ids[6]]
