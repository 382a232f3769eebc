"""Cohen's kappa against a hand-computed table; conflicts; the conflicts command and --resolve."""

from __future__ import annotations

import pytest
from builders import add_search
from typer.testing import CliRunner

from screener.cli import app
from screener.db import Review
from screener.errors import DataError
from screener.record import Record
from screener.screening.agreement import (
    agreement,
    cohen_kappa,
    conflicts,
    pairwise,
    resolve,
    unresolve,
)
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


# An asymmetric example (the reviewers' marginals differ, neither at 0.5), by hand:
#                 bob not excl  bob excl
# ann not excl         5           3        ann not-excluded 8/10 = 0.8
# ann excl             1           1        bob not-excluded 6/10 = 0.6
# observed (5 + 1)/10 = 0.6; chance 0.8*0.6 + 0.2*0.4 = 0.56;
# kappa = (0.6 - 0.56) / (1 - 0.56) = 0.04 / 0.44 = 1/11 = 0.0909...
# (taking either reviewer's marginal twice would give chance 0.68 or 0.52, kappa -0.25 or 1/6)
ASYM = [
    ("include", "include"),
    ("maybe", "include"),
    ("include", "maybe"),
    ("include", "include"),
    ("maybe", "maybe"),
    ("include", "exclude"),
    ("maybe", "exclude"),
    ("include", "exclude"),
    ("exclude", "include"),
    ("exclude", "exclude"),
]


def test_kappa_of_an_asymmetric_table_checked_by_hand(review: Review) -> None:
    ids = add_search(review.db, [Record(title=f"A{i}") for i in range(len(ASYM))])
    for rid, (a, b) in zip(ids, ASYM, strict=True):
        record_decision(review.db, rid, TA, "ann", a, reason="X" if a == "exclude" else None)
        record_decision(review.db, rid, TA, "bob", b, reason="Y" if b == "exclude" else None)
    result = agreement(review.db, TA, "ann", "bob")
    assert result.table == ((5, 3), (1, 1))
    assert (result.n, result.agree) == (10, 6)
    assert result.kappa == pytest.approx(1 / 11)
    assert cohen_kappa(((5, 3), (1, 1))) == pytest.approx(0.04 / 0.44)
    assert cohen_kappa(((5, 1), (3, 1))) == pytest.approx(1 / 11)  # bob as rows: same kappa


def test_resolve_and_unresolve_are_consensus_rows(review: Review) -> None:
    ids = screened(review)
    rid = ids[4]  # ann include, bob exclude
    resolve(review.db, rid, TA, "exclude", "Not a study", note="agreed on call", by="lead")
    v = verdicts(review.db, TA)[rid]
    assert (v.decision, v.reason, v.source, v.conflict) == (
        "exclude",
        "Not a study",
        "consensus",
        False,
    )
    note = review.db.execute("select note from decisions order by id desc limit 1").fetchone()[0]
    assert note == "resolved by lead; agreed on call"
    unresolve(review.db, rid, TA)
    assert verdicts(review.db, TA)[rid].conflict
    with pytest.raises(DataError):
        resolve(review.db, rid, "full_text", "exclude")  # a full-text exclusion needs a reason
