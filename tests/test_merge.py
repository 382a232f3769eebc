"""screener merge: another reviewer's copy, matched by stable keys, idempotent, read-only."""

from __future__ import annotations

from pathlib import Path

from builders import add_search
from test_finals import assert_tables_as_rebuilt
from typer.testing import CliRunner

from screener.cli import app
from screener.db import Review, init_review
from screener.record import Record
from screener.screening.merge import merge_review
from screener.screening.verdict import current_decisions, not_retrieved, record_decision

TA, FT = "title_abstract", "full_text"
RECORDS = [
    Record(title="Tacrolimus in polymyositis", year=2012, pmid="90000001"),
    Record(title="Mice and myositis", year=2010, doi="10.1000/a2"),
    Record(title="A CENTRAL trial", year=2014, accessions={"central": "CN-00778158"}),
    Record(title="No ids: matched by title and year", year=2001),
    Record(title="Same title, other year", year=1999),
]


def build(folder: Path, order: list[int], extra: list[Record] = ()) -> Review:  # type: ignore[assignment]
    review = init_review(folder, title="t")
    add_search(review.db, [RECORDS[i] for i in order] + list(extra))
    return review


def ids_by_title(review: Review) -> dict[str, int]:
    return {t: i for i, t in review.db.execute("select id, title from records").fetchall()}


def test_merge_matches_by_keys_and_is_idempotent(tmp_path: Path) -> None:
    mine = build(tmp_path / "ann", [0, 1, 2, 3, 4])
    theirs = build(
        tmp_path / "bob",
        [4, 3, 2, 1, 0],
        extra=[
            Record(title="Only in bob's copy", year=2020),
            Record(title="Same title, other year", year=2000),
        ],
    )
    b = ids_by_title(theirs)
    db = theirs.db
    record_decision(db, b["Tacrolimus in polymyositis"], TA, "bob", "include")
    record_decision(db, b["Mice and myositis"], TA, "bob", "exclude", reason="Animals", note="mice")
    record_decision(db, b["A CENTRAL trial"], TA, "bob", "maybe")
    record_decision(db, b["No ids: matched by title and year"], TA, "bob", "exclude", reason="X")
    record_decision(db, b["No ids: matched by title and year"], TA, "bob", "undo")
    record_decision(db, b["No ids: matched by title and year"], TA, "bob", "include")
    record_decision(db, b["Only in bob's copy"], TA, "bob", "include")
    record_decision(db, 1, TA, "bob", "include")  # id 1 = "Same title, other year" (1999)
    record_decision(db, 7, TA, "bob", "include")  # "Same title, other year" 2000: no match
    record_decision(
        db, b["Mice and myositis"], TA, "criteria", "exclude", "Year", source="criteria"
    )
    record_decision(db, b["Tacrolimus in polymyositis"], FT, "bob", "include")
    db["retrieval"].insert(
        {
            "record_id": b["A CENTRAL trial"],
            "status": "not_retrieved",
            "reason": "No access",
            "reviewer": "bob",
            "created_at": "2026-01-01",
        }
    )
    theirs.close()

    result = merge_review(mine.db, tmp_path / "bob")
    assert (result.added, result.already, result.kept_newer) == (7, 0, 0)
    assert result.unmatched == [6, 7]
    assert result.reviewers == ["bob"]
    now = current_decisions(mine.db, TA)
    a = ids_by_title(mine)
    assert {rid: (d["bob"].decision, d["bob"].reason, d["bob"].note) for rid, d in now.items()} == {
        a["Tacrolimus in polymyositis"]: ("include", None, None),
        a["Mice and myositis"]: ("exclude", "Animals", "mice"),
        a["A CENTRAL trial"]: ("maybe", None, None),
        a["No ids: matched by title and year"]: ("include", None, None),
        a["Same title, other year"]: ("include", None, None),
    }
    assert "criteria" not in now[a["Mice and myositis"]]
    assert (
        current_decisions(mine.db, FT)[a["Tacrolimus in polymyositis"]]["bob"].decision == "include"
    )
    assert not_retrieved(mine.db) == {a["A CENTRAL trial"]: "No access"}
    rows = mine.db.execute("select count(*) from decisions").fetchone()[0]

    again = merge_review(mine.db, tmp_path / "bob")
    assert (again.added, again.already) == (0, 7)
    assert mine.db.execute("select count(*) from decisions").fetchone()[0] == rows
    # the summary and tallies kept by triggers followed the merged rows (the counts read them)
    assert_tables_as_rebuilt(mine.db)


def test_merge_into_a_duplicate_goes_to_the_canonical_record(tmp_path: Path) -> None:
    mine = build(tmp_path / "ann", [0, 1], extra=[Record(title="Embase copy", year=2012, pmid="1")])
    mine.db.execute("update records set pmid = '90000001', duplicate_of = 1 where id = 3")
    mine.db.execute("update records set pmid = null where id = 1")
    theirs = build(tmp_path / "bob", [0])
    record_decision(theirs.db, 1, TA, "bob", "include")
    theirs.close()
    assert merge_review(mine.db, tmp_path / "bob").added == 1
    assert list(current_decisions(mine.db, TA)) == [1]


def test_a_newer_local_decision_of_the_same_reviewer_is_kept(tmp_path: Path) -> None:
    mine = build(tmp_path / "ann", [0])
    theirs = build(tmp_path / "copy", [0])
    theirs.db["decisions"].insert(
        {
            "record_id": 1,
            "stage": TA,
            "reviewer": "ann",
            "decision": "include",
            "source": "human",
            "created_at": "2026-01-01T10:00:00+00:00",
        }
    )
    theirs.close()
    mine.db["decisions"].insert(
        {
            "record_id": 1,
            "stage": TA,
            "reviewer": "ann",
            "decision": "exclude",
            "source": "human",
            "created_at": "2026-02-01T10:00:00+00:00",
        }
    )
    result = merge_review(mine.db, tmp_path / "copy")
    assert (result.added, result.kept_newer) == (0, 1)
    assert current_decisions(mine.db, TA)[1]["ann"].decision == "exclude"


def test_merge_command_reports_counts(tmp_path: Path, runner: CliRunner) -> None:
    mine = build(tmp_path / "ann", [0, 1])
    theirs = build(tmp_path / "bob", [1, 0], extra=[Record(title="Only here", year=2020)])
    record_decision(theirs.db, 1, TA, "bob", "exclude", reason="Animals")
    record_decision(theirs.db, 3, TA, "bob", "include")
    record_decision(theirs.db, 2, TA, "cat", "include")
    theirs.close()
    args = ["merge", str(tmp_path / "bob"), "--review", str(mine.path), "--reviewer", "bob"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"Merged from {tmp_path / 'bob'} (reviewers: bob):",
        "  added: 1",
        "  already present: 0",
        "  unmatched records: 1 (ids in the other review: 3)",
    ]
    missing = runner.invoke(app, ["merge", str(tmp_path / "nope"), "--review", str(mine.path)])
    assert missing.exit_code == 1
    assert "is not a review" in missing.stderr
