from __future__ import annotations

import pytest
from builders import add_search

from screener.db import Review, transaction
from screener.record import Record
from screener.screening.verdict import (
    Verdict,
    current_decisions,
    included,
    not_retrieved,
    record_decision,
    stage_records,
    verdicts,
)


def _records(review: Review, n: int) -> list[int]:
    return add_search(review.db, [Record(title=f"T{i}") for i in range(n)])


def test_undo_pops_the_reviewers_stack(review: Review) -> None:
    a, b = _records(review, 2)
    db = review.db
    record_decision(db, a, "title_abstract", "ann", "include")
    record_decision(db, a, "title_abstract", "ann", "exclude", reason="Wrong population")
    record_decision(db, a, "title_abstract", "ann", "undo")
    assert current_decisions(db, "title_abstract")[a]["ann"].decision == "include"
    record_decision(db, a, "title_abstract", "ann", "undo")
    record_decision(db, b, "title_abstract", "ann", "undo")  # nothing to undo: no effect
    assert current_decisions(db, "title_abstract") == {}


def test_final_verdicts_agreement_conflict_consensus_automation(review: Review) -> None:
    a, b, c, d, e = _records(review, 5)
    db = review.db
    ta = "title_abstract"
    record_decision(db, a, ta, "ann", "include")
    record_decision(db, a, ta, "bob", "include")
    record_decision(db, b, ta, "ann", "include")
    record_decision(db, b, ta, "bob", "exclude", reason="Wrong design")
    record_decision(db, c, ta, "ann", "exclude", reason="Wrong population")
    record_decision(db, c, ta, "bob", "maybe")
    record_decision(db, c, ta, "consensus", "maybe", source="consensus")
    record_decision(db, d, ta, "criteria", "exclude", reason="Year", source="criteria")
    record_decision(db, e, ta, "criteria", "exclude", reason="Year", source="criteria")
    record_decision(db, e, ta, "ann", "include")
    final = verdicts(db, ta)
    assert (final[a].decision, final[a].conflict) == ("include", False)
    assert (final[b].decision, final[b].conflict) == (None, True)
    assert final[b].reviewers == {"ann": "include", "bob": "exclude"}
    assert (final[c].decision, final[c].source) == ("maybe", "consensus")
    assert (final[d].decision, final[d].source, final[d].reason) == ("exclude", "criteria", "Year")
    assert (final[e].decision, final[e].source) == ("include", "human")
    # a and c (include, maybe) and e go on to full text; the conflict b does not
    assert stage_records(db, "full_text") == [a, c, e]


def test_included_needs_full_text_include_and_retrieval(review: Review) -> None:
    a, b, c = _records(review, 3)
    db = review.db
    for rid in (a, b, c):
        record_decision(db, rid, "title_abstract", "ann", "include")
    record_decision(db, a, "full_text", "ann", "include")
    record_decision(db, b, "full_text", "ann", "include")
    record_decision(db, c, "full_text", "ann", "exclude", reason="Wrong outcomes")
    db["retrieval"].insert({"record_id": b, "status": "not_retrieved", "reason": "No access"})
    assert not_retrieved(db) == {b: "No access"}
    assert included(db) == [a]
    # a duplicate never counts, even with decisions on it
    db.execute("update records set duplicate_of = ? where id = ?", [b, a])
    assert included(db) == []


def test_with_two_reviewers_required_one_decision_awaits_the_other(review: Review) -> None:
    a, b, c, d, e = _records(review, 5)
    db = review.db
    ta, ft = "title_abstract", "full_text"
    record_decision(db, a, ta, "ann", "include")  # awaiting bob
    record_decision(db, b, ta, "ann", "include")
    record_decision(db, b, ta, "bob", "maybe")  # conflict
    record_decision(db, c, ta, "ann", "include")
    record_decision(db, c, ta, "bob", "include")  # final include
    record_decision(db, d, ta, "criteria", "exclude", reason="Year", source="criteria")
    record_decision(db, d, ta, "ann", "include")  # a person opened it: it needs two
    record_decision(db, e, ta, "ann", "exclude", reason="Wrong population")
    record_decision(db, e, ta, "lead", "include", source="consensus")  # consensus settles it
    final = verdicts(db, ta, required=2)
    assert (final[a].decision, final[a].awaiting, final[a].conflict) == (None, True, False)
    assert final[a].reviewers == {"ann": "include"} and not final[a].final
    assert (final[b].decision, final[b].conflict, final[b].awaiting) == (None, True, False)
    assert (final[c].decision, final[c].final) == ("include", True)
    assert (final[d].decision, final[d].awaiting) == (None, True)
    assert (final[e].decision, final[e].source) == ("include", "consensus")
    assert stage_records(db, ft, required=2) == [c, e]
    assert stage_records(db, ft) == [a, c, d, e]  # one reviewer required: a and d pass
    for rid in (c, e):
        record_decision(db, rid, ft, "ann", "include")
    assert included(db, required=2) == []
    assert included(db) == [c, e]
    record_decision(db, c, ft, "bob", "include")
    assert included(db, required=2) == [c]
    # one reviewer undoes: the record awaits again
    record_decision(db, c, ta, "bob", "undo")
    assert verdicts(db, ta, required=2)[c].awaiting
    assert included(db, required=2) == []


def test_every_library_call_passes_the_required_reviewers() -> None:
    """A verdict computed without the protocol's number of reviewers would count a record
    decided by one of two reviewers as final: every call in the package names ``required``."""
    import ast
    from pathlib import Path

    wanted = {"verdicts", "stage_records", "included", "conflicts", "progress", "select"}
    wanted |= {"agreement", "pairwise", "reviewers"}
    homes = ("verdict", "progress", "agreement")
    modules = {f"screener.screening.{m}" for m in homes} | {"screener.handoff.studies"}
    missing = []
    for path in sorted((Path(__file__).parents[1] / "screener").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        ours = set(wanted) if path.parent.name == "screening" and path.stem in homes else set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module in modules:
                ours |= {a.asname or a.name for a in node.names if a.name in wanted}
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ours
                and not any(k.arg == "required" for k in node.keywords)
            ):
                missing.append(f"{path.name}:{node.lineno} {node.func.id}()")
    assert missing == [], "\n".join(missing)


# --------------------------------------------------------------------------- found by mutation
# (bench/mutation.py: each test below fails on a mutant of screener/screening/verdict.py that the
# rest of the suite let through)


def test_record_decision_returns_the_stored_id_and_names_what_it_refuses(review: Review) -> None:
    (a,) = _records(review, 1)
    db = review.db
    for _ in range(2):
        new = record_decision(db, a, "title_abstract", "ann", "include")
        assert new == db.execute("select max(id) from decisions").fetchone()[0]
    with pytest.raises(ValueError) as error:
        record_decision(db, a, "abstract", "ann", "include")
    assert str(error.value) == "unknown stage 'abstract'"
    with pytest.raises(ValueError) as error:
        record_decision(db, a, "title_abstract", "ann", "yes")
    assert str(error.value) == "unknown decision 'yes'"
    assert db.execute("select count(*) from decisions").fetchone()[0] == 2


def test_current_decisions_of_one_record(review: Review) -> None:
    a, b = _records(review, 2)
    db = review.db
    for rid in (a, b):
        record_decision(db, rid, "title_abstract", "ann", "include")
        record_decision(db, rid, "title_abstract", "bob", "exclude", reason="Wrong design")
    assert set(current_decisions(db, "title_abstract", record_id=b)) == {b}
    only = current_decisions(db, "title_abstract", reviewer="bob", record_id=a)
    assert {rid: list(by) for rid, by in only.items()} == {a: ["bob"]}


def test_awaiting_verdict_names_its_record_stage_and_source(review: Review) -> None:
    (a,) = _records(review, 1)
    db = review.db
    record_decision(db, a, "title_abstract", "imp", "include", source="import")
    assert verdicts(db, "title_abstract", required=2) == {
        a: Verdict(a, "title_abstract", None, None, "import", False, {"imp": "include"}, True)
    }


@pytest.mark.parametrize("source", ["consensus", "criteria"])
def test_the_latest_of_two_consensus_or_automation_decisions_wins(
    review: Review, source: str
) -> None:
    # two reviewers with the same source (a decision file may import either under any name):
    # the later row wins, whichever reviewer appeared first in the log
    a, b, c = _records(review, 3)
    db = review.db
    for _ in range(4):  # decision ids well above the record ids
        record_decision(db, c, "title_abstract", "ann", "include")
    record_decision(db, a, "title_abstract", "lead", "include", source=source)
    record_decision(db, a, "title_abstract", "chair", "exclude", reason="R", source=source)
    record_decision(db, b, "title_abstract", "lead", "include", source=source)
    record_decision(db, b, "title_abstract", "chair", "exclude", reason="R", source=source)
    record_decision(db, b, "title_abstract", "lead", "maybe", source=source)
    final = verdicts(db, "title_abstract")
    assert (final[a].decision, final[a].reason, final[a].source) == ("exclude", "R", source)
    assert (final[b].decision, final[b].reason, final[b].source) == ("maybe", None, source)


def test_undo_replay_covers_records_beyond_one_chunk_of_500(review: Review) -> None:
    ids = _records(review, 1001)
    rows = [
        (rid, "title_abstract", "ann", decision, "t")
        for rid in ids
        for decision in ("include", "undo", "exclude")
    ]
    with transaction(review.db) as conn:
        conn.executemany(
            "insert into decisions (record_id, stage, reviewer, decision, source, created_at)"
            " values (?, ?, ?, ?, 'human', ?)",
            rows,
        )
    current = current_decisions(review.db, "title_abstract")
    assert sorted(current) == ids
    assert {by["ann"].decision for by in current.values()} == {"exclude"}
