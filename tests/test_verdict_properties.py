"""Random decision logs (several reviewers, undo, consensus, automation, duplicates, retrieval,
1 to 3 reviewers required) against an oracle written here: it replays the log its own way and
derives everything, full-text eligibility included, from its own replay, never from the
library (issues 13 and 18)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from builders import add_search
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screener.db import connect
from screener.prisma.counts import PrismaSettings, compute_flow
from screener.record import Record
from screener.screening.progress import progress
from screener.screening.verdict import included, record_decision, stage_records, verdicts

WHO = {  # reviewer -> source
    "ann": "human",
    "bob": "human",
    "cat": "human",
    "imp": "import",
    "lead": "consensus",
    "criteria": "criteria",
}
STAGES = ("title_abstract", "full_text")
PEOPLE = ("human", "import")


@dataclass(frozen=True)
class Event:
    record: int  # index into the records
    stage: str
    reviewer: str
    decision: str  # include | exclude | maybe | undo
    reason: str | None


events = st.builds(
    Event,
    st.integers(0, 5),
    st.sampled_from(STAGES),
    st.sampled_from(sorted(WHO)),
    st.sampled_from(["include", "exclude", "maybe", "undo"]),
    st.sampled_from([None, "R1", "R2"]),
)


def _oracle_current(log: list[Event]) -> dict[tuple[int, str], dict[str, tuple[int, Event]]]:
    """(record, stage) -> reviewer -> (position in the log, event) of the current decision."""
    stacks: dict[tuple[int, str, str], list[tuple[int, Event]]] = {}
    for i, e in enumerate(log):
        stack = stacks.setdefault((e.record, e.stage, e.reviewer), [])
        if e.decision == "undo":
            if stack:
                stack.pop()
        else:
            stack.append((i, e))
    out: dict[tuple[int, str], dict[str, tuple[int, Event]]] = {}
    for (rec, stage, who), stack in stacks.items():
        if stack:
            out.setdefault((rec, stage), {})[who] = stack[-1]
    return out


def _oracle_verdict(
    current: dict[str, tuple[int, Event]], required: int
) -> tuple[str, str | None, str | None] | None:
    """(kind, decision, reason); kind is final | conflict | awaiting; None when undecided."""
    by_source: dict[str, list[tuple[int, Event]]] = {}
    for who, item in current.items():
        by_source.setdefault(WHO[who], []).append(item)
    if by_source.get("consensus"):
        _, e = max(by_source["consensus"], key=lambda x: x[0])
        return ("final", e.decision, e.reason)
    people = by_source.get("human", []) + by_source.get("import", [])
    if people:
        if len({e.decision for _, e in people}) > 1:
            return ("conflict", None, None)
        if len(people) < required:
            return ("awaiting", None, None)
        # the reason: the first reason in the order the reviewers first decided the record
        return ("final", people[0][1].decision, None)
    if by_source.get("criteria"):
        _, e = max(by_source["criteria"], key=lambda x: x[0])
        return ("final", e.decision, e.reason)
    return None


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    log=st.lists(events, max_size=40),
    required=st.integers(1, 3),
    dup=st.sampled_from([None, (3, 0), (5, 2)]),
    missing=st.sets(st.integers(0, 5), max_size=2),
)
def test_verdicts_progress_and_flow_match_the_oracle(
    log: list[Event], required: int, dup: tuple[int, int] | None, missing: set[int]
) -> None:
    db = connect(":memory:")
    ids = add_search(db, [Record(title=f"T{i}") for i in range(6)])
    if dup is not None:
        db.execute("update records set duplicate_of = ? where id = ?", [ids[dup[1]], ids[dup[0]]])
    for e in log:
        record_decision(
            db, ids[e.record], e.stage, e.reviewer, e.decision, e.reason, None, WHO[e.reviewer]
        )
    for i in sorted(missing):
        db["retrieval"].insert({"record_id": ids[i], "status": "not_retrieved", "reason": "x"})

    # the oracle, from the log alone
    current = _oracle_current(log)
    canonical = [i for i in range(6) if dup is None or i != dup[0]]
    ta = {
        i: v for i in canonical if (v := _oracle_verdict(current.get((i, STAGES[0]), {}), required))
    }
    passed = [i for i in canonical if i in ta and ta[i][0] == "final" and ta[i][1] != "exclude"]
    ft = {i: v for i in passed if (v := _oracle_verdict(current.get((i, STAGES[1]), {}), required))}

    # verdicts and the full-text queue
    for stage, expected, eligible in (("title_abstract", ta, canonical), ("full_text", ft, passed)):
        got = verdicts(db, stage, required=required)
        assert set(got) == {ids[i] for i in expected}
        for i, (kind, decision, reason) in expected.items():
            v = got[ids[i]]
            assert (v.conflict, v.awaiting) == (kind == "conflict", kind == "awaiting")
            assert v.decision == decision
            if v.source in ("consensus", "criteria"):
                assert v.reason == reason
        assert stage_records(db, stage, required=required) == [ids[i] for i in eligible]
    final_includes = [
        ids[i] for i, v in ft.items() if v[:2] == ("final", "include") and i not in missing
    ]
    assert included(db, required=required) == final_includes

    # progress: one definition of done / left / awaiting, and each reviewer's queue
    for stage, expected, eligible in (("title_abstract", ta, canonical), ("full_text", ft, passed)):
        assessed = [i for i in eligible if stage == "title_abstract" or i not in missing]
        kinds = Counter(
            expected[i][1] if expected[i][0] == "final" else expected[i][0]
            for i in assessed
            if i in expected
        )
        automated = sum(
            1
            for i in assessed
            if i in expected
            and expected[i][1] == "exclude"
            and not any(WHO[w] in (*PEOPLE, "consensus") for w in current.get((i, stage), {}))
        )
        p = progress(db, stage, required=required)
        assert (p.records, p.not_retrieved) == (len(eligible), len(eligible) - len(assessed))
        assert (p.included, p.excluded, p.maybe) == (
            kinds["include"],
            kinds["exclude"],
            kinds["maybe"],
        )
        assert (p.conflicts, p.awaiting) == (kinds["conflict"], kinds["awaiting"])
        assert p.undecided == sum(1 for i in assessed if i not in expected)
        assert p.done + p.left == len(assessed)
        assert p.by_criteria == automated
        for who in ("ann", "bob", "cat", "imp"):
            mine = p.reviewers.get(who)
            done = sum(1 for i in assessed if who in current.get((i, stage), {}))
            if mine is None:
                assert done == 0
                continue
            assert (mine.queue, mine.done) == (len(assessed) - automated, done)

    # PRISMA: every canonical record is in exactly one place, pending = progress's left
    flow = compute_flow(db, settings=PrismaSettings(reviewers=required))
    pending = flow.dbr_pending
    p_ta = progress(db, "title_abstract", required=required)
    p_ft = progress(db, "full_text", required=required)
    assert pending.title_abstract == p_ta.left
    assert len(pending.ta_awaiting) == p_ta.awaiting
    assert len(pending.ft_awaiting) == p_ft.awaiting
    assert len(pending.ft_undecided) + len(pending.ft_conflict) + len(pending.ft_awaiting) == (
        p_ft.left
    )
    assert flow.dbr_included_reports == len(final_includes)
    db.close()
