"""The one-pass screener.screening.verdict.verdicts equals the rules written plainly
(``_final`` below) over ``current_decisions`` per record, over random decision logs with undos,
conflicts, consensus, automation and duplicates."""

from __future__ import annotations

import random
from typing import Any

import pytest
from builders import add_search

from screener.db import connect
from screener.record import Record
from screener.screening.verdict import (
    AUTOMATION_SOURCE,
    CONSENSUS_SOURCE,
    HUMAN_SOURCES,
    Decision,
    Verdict,
    current_decisions,
    stage_records,
    verdicts,
)


def _final(  # the rules written plainly: the oracle for the one-pass version
    record_id: int, stage: str, current: dict[str, Decision]
) -> Verdict | None:
    consensus = [d for d in current.values() if d.source == CONSENSUS_SOURCE]
    humans = {w: d for w, d in current.items() if d.source in HUMAN_SOURCES}
    shown = {w: d.decision for w, d in humans.items()}
    if consensus:
        last = max(consensus, key=lambda d: d.id)
        return Verdict(record_id, stage, last.decision, last.reason, CONSENSUS_SOURCE, False, shown)
    if humans:
        kinds = {d.decision for d in humans.values()}
        if len(kinds) == 1:
            last = max(humans.values(), key=lambda d: d.id)
            reason = next((d.reason for d in humans.values() if d.reason), None)
            return Verdict(record_id, stage, last.decision, reason, last.source, False, shown)
        return Verdict(record_id, stage, None, None, "human", True, shown)
    automation = [d for d in current.values() if d.source == AUTOMATION_SOURCE]
    if automation:
        last = max(automation, key=lambda d: d.id)
        return Verdict(record_id, stage, last.decision, last.reason, AUTOMATION_SOURCE)
    return None


def _current(db: Any, stage: str) -> dict[int, dict[str, Decision]]:
    """Every row of the log replayed in order, a stack per (record, reviewer): the oracle for
    ``current_decisions``."""
    stacks: dict[tuple[int, str], list[Decision]] = {}
    for row in db.execute(
        "select id, record_id, reviewer, decision, reason, note, source, created_at"
        " from decisions where stage = ? order by id",
        [stage],
    ):
        stack = stacks.setdefault((row[1], row[2]), [])
        if row[3] == "undo":
            if stack:
                stack.pop()
        else:
            stack.append(Decision(row[0], row[3], row[4], row[5], row[6], row[7]))
    out: dict[int, dict[str, Decision]] = {}
    for (record_id, who), stack in stacks.items():
        if stack:
            out.setdefault(record_id, {})[who] = stack[-1]
    return out


REVIEWERS = {
    "ann": "human",
    "bob": "human",
    "imp": "import",
    "lead": "consensus",
    "criteria": "criteria",
}


@pytest.mark.parametrize("seed", range(12))
def test_fast_verdicts_equal_the_reference_rules(seed: int) -> None:
    rng = random.Random(seed)
    db = connect(":memory:")
    add_search(db, [Record(title=f"T{i}") for i in range(40)], database="X", format="ris")
    for rid in range(2, 41):
        if rng.random() < 0.15:
            db["records"].update(rid, {"duplicate_of": rng.randrange(1, rid)})
    rows = []
    for _ in range(300):
        who = rng.choice(list(REVIEWERS))
        rows.append(
            (
                rng.randrange(1, 41),
                rng.choice(["title_abstract", "full_text"]),
                who,
                rng.choice(["include", "exclude", "maybe", "undo", "undo"]),
                rng.choice([None, "R1", "R2"]),
                REVIEWERS[who],
            )
        )
    db.conn.executemany(
        "insert into decisions (record_id, stage, reviewer, decision, reason, source, created_at)"
        " values (?, ?, ?, ?, ?, ?, 't')",
        rows,
    )
    canonical = {r[0] for r in db.execute("select id from records where duplicate_of is null")}
    passed: set[int] = set()  # from the reference title/abstract verdicts, not the library
    for stage in ("title_abstract", "full_text"):
        eligible = canonical if stage == "title_abstract" else passed
        assert set(stage_records(db, stage)) == eligible
        reference = {}
        assert current_decisions(db, stage) == _current(db, stage)
        for rid, current in _current(db, stage).items():
            if rid in eligible and (verdict := _final(rid, stage, current)) is not None:
                reference[rid] = verdict
        fast = verdicts(db, stage)
        assert fast == reference
        passed = {r for r, v in reference.items() if v.decision in ("include", "maybe")}
        assert [list(v.reviewers) for v in fast.values()] == [
            list(v.reviewers) for v in reference.values()
        ]
    ta = verdicts(db, "title_abstract")
    assert verdicts(db, "full_text", title_abstract=ta) == verdicts(db, "full_text")
