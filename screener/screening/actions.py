"""What a screening session does besides deciding: retrieval marks and duplicate links.

Both are actions of the reviewer that ``u`` takes back (see :mod:`screener.screening.session`):

* **Retrieval** (full text only): a ``retrieval`` row per mark; the latest row of a record says
  whether its report was retrieved. A record this reviewer has decided cannot be marked "not
  retrieved" (and the session refuses a decision on a record marked so): the two exclude each
  other. Undoing a mark appends a row restoring the status before it.
* **Duplicate links**: through :func:`screener.dedupe.link` (a confirmed pair every later
  ``screener dedupe`` run honours); undoing one goes through :func:`screener.dedupe.unlink`
  (a rejected pair). The record that became a duplicate leaves the queue; undone, it returns.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import sqlite_utils

from screener.db import now, transaction
from screener.dedupe import link as _link
from screener.dedupe import unlink as _unlink
from screener.errors import ScreenerError
from screener.screening.agreement import unresolve
from screener.screening.protocol import Protocol
from screener.screening.verdict import Decision, current_decisions
from screener.screening.verdict import record_decision as _record_decision
from screener.screening.verdict import stage_records as _stage_records


@dataclass(frozen=True)
class Action:
    """One step of a session that ``u`` can take back."""

    kind: str  # decision | duplicate | retrieval
    record_id: int  # the record it was about (shown again after the undo)
    other_id: int | None = None  # duplicate: the record kept
    previous: str | None = None  # retrieval: the status before ("retrieved" when none)
    previous_reason: str | None = None


class SessionActions:
    """Retrieval marks and duplicate links of a :class:`~screener.screening.session.Session`."""

    db: sqlite_utils.Database
    stage: str
    reviewer: str
    decider: str
    conflicts: bool
    protocol: Protocol
    stage_ids: list[int]
    stage_index: dict[int, int]
    order: list[int]
    decisions: dict[int, Decision]
    automated: dict[int, Decision]
    not_retrieved: dict[int, str | None]
    notes: dict[int, str]
    counts: Counter[str]
    actions: int
    streak: int
    history: list[Action]
    pos: int

    # provided by the session
    @property
    def current(self) -> int | None:
        raise NotImplementedError

    @property
    def _index(self) -> dict[int, int]:
        raise NotImplementedError

    def _target(self, record_id: int | None) -> int:
        raise NotImplementedError

    def jump(self, record_id: int) -> int:
        raise NotImplementedError

    def next_undecided(self, start: int) -> int | None:
        raise NotImplementedError

    def location(self, record_id: int) -> dict[str, str]:
        raise NotImplementedError

    def _reindex(self) -> None:
        raise NotImplementedError

    def _streak(self) -> int:
        raise NotImplementedError

    # ------------------------------------------------------------------------- undo
    def undo(self) -> int | None:
        """Take back the last action (see the module's rules); returns the record shown again."""
        if self.history:
            action = self.history.pop()
            if action.kind == "duplicate":
                return self._undo_duplicate(action)
            if action.kind == "retrieval":
                return self._undo_retrieval(action)
            if action.record_id in self.decisions:
                return self._undo_decision(action.record_id)
        if not self.decisions:
            return None
        return self._undo_decision(max(self.decisions, key=lambda r: self.decisions[r].id))

    def last_action(self) -> str | None:
        """What ``u`` would take back: decision, duplicate or retrieval (None: nothing)."""
        if self.history:
            return self.history[-1].kind
        return "decision" if self.decisions else None

    def _undo_decision(self, rid: int) -> int:
        old = self.decisions[rid]
        if self.conflicts:
            unresolve(self.db, rid, self.stage)
        else:
            _record_decision(self.db, rid, self.stage, self.decider, "undo")
        self.counts[old.decision] -= 1
        mine = (
            current_decisions(self.db, self.stage, self.decider, record_id=rid)
            .get(rid, {})
            .get(self.decider)
        )
        if mine is None:
            del self.decisions[rid]
        else:
            self.decisions[rid] = mine
            self.counts[mine.decision] += 1
        self.streak = self._streak()
        self.actions += 1
        self.jump(rid)
        return rid

    # ------------------------------------------------------------------------- retrieval
    def _undo_retrieval(self, action: Action) -> int:
        self.jump(action.record_id)
        status = action.previous or "retrieved"
        self._retrieval(status, action.previous_reason, action.record_id)
        if status == "not_retrieved":
            self.not_retrieved[action.record_id] = action.previous_reason
        else:
            self.not_retrieved.pop(action.record_id, None)
        return action.record_id

    def mark_not_retrieved(self, reason: str, record_id: int | None = None) -> None:
        """Full text: the record's report could not be retrieved (a ``retrieval`` row)."""
        rid = self._target(record_id)
        if rid in self.decisions:
            raise ScreenerError(
                f"Record #{rid} has your decision: undo it (u) or change it before marking"
                " its full text as not retrieved."
            )
        self._remember_retrieval(rid)
        self._retrieval("not_retrieved", reason, rid)
        self.not_retrieved[rid] = reason
        nxt = self.next_undecided(self.pos)
        if nxt is not None:
            self.pos = nxt

    def mark_retrieved(self, record_id: int | None = None) -> None:
        """Full text: cancel a "not retrieved" mark on the record."""
        rid = self._target(record_id)
        self._remember_retrieval(rid)
        self._retrieval("retrieved", None, rid)
        self.not_retrieved.pop(rid, None)

    def _remember_retrieval(self, rid: int) -> None:
        missing = rid in self.not_retrieved
        self.history.append(
            Action(
                "retrieval",
                rid,
                previous="not_retrieved" if missing else None,
                previous_reason=self.not_retrieved.get(rid),
            )
        )

    def _retrieval(self, status: str, reason: str | None, rid: int) -> None:
        if self.stage != "full_text":
            raise ValueError("retrieval is recorded at the full-text stage only")
        where = self.location(rid)
        location = where.get("pdf") or where.get("doi") or where.get("pubmed") or where.get("url")
        with transaction(self.db) as conn:
            conn.execute(
                "insert into retrieval (record_id, status, reason, location, reviewer, created_at)"
                " values (?, ?, ?, ?, ?, ?)",
                [rid, status, reason, location, self.reviewer, now()],
            )

    # ------------------------------------------------------------------------- duplicates
    def mark_duplicate(self, other_id: int, record_id: int | None = None) -> int:
        """Link the record and ``other_id`` as one work; returns the kept record's id.

        The link goes through :func:`screener.dedupe.link` (a confirmed pair that every later
        ``screener dedupe`` run honours). The kept record is chosen by the deduplication rules
        (a record with screening decisions first), so it may be either of the two; the other
        leaves the queue and the progress totals. ``u`` (or ``screener dedupe --unlink ID``)
        undoes it.
        """
        rid = self._target(record_id)
        if other_id == rid:
            raise ValueError("a record cannot be a duplicate of itself")
        kept = _link(self.db, rid, other_id, self.reviewer, self.protocol.prefer_databases)
        duplicate = other_id if kept == rid else rid
        self.history.append(Action("duplicate", duplicate, other_id=kept))
        self._refresh_stage()
        return kept

    def _refresh_stage(self) -> None:
        """Follow a regrouping: records that became duplicates leave the queue.

        ``stage_ids`` keeps its positions (the ranker's indices); only ``stage_index`` drops
        the records that left, so the ranker never places them again.
        """
        now_in = _stage_records(self.db, self.stage, required=self.protocol.reviewers)
        members = set(now_in)
        gone = {r for r in self.stage_index if r not in members}
        back = [rid for rid in now_in if rid not in self.stage_index]
        known = {rid: i for i, rid in enumerate(self.stage_ids)} if back else {}
        for rid in back:  # canonical again (an undone link): screened at the end
            if rid not in known:
                self.stage_ids.append(rid)
            self.stage_index[rid] = known.get(rid, len(self.stage_ids) - 1)
            mine = current_decisions(self.db, self.stage, self.decider, record_id=rid)
            if self.decider in mine.get(rid, {}):
                self.decisions[rid] = mine[rid][self.decider]
            if not self.conflicts:
                self.order.append(rid)
        if back:
            self.counts = Counter(d.decision for d in self.decisions.values())
        if not gone:
            self._reindex()
            return
        for rid in gone:
            del self.stage_index[rid]
            self.decisions.pop(rid, None)
            self.automated.pop(rid, None)
            self.not_retrieved.pop(rid, None)
            self.notes.pop(rid, None)
        shown = self.current
        kept_pos = self.pos
        self.order = [r for r in self.order if r not in gone]
        self._reindex()
        self.counts = Counter(d.decision for d in self.decisions.values())
        self.streak = self._streak()
        if not self.order:
            self.pos = 0
        elif shown is not None and shown not in gone:
            self.pos = self._index[shown]
        else:
            start = min(kept_pos, len(self.order) - 1)
            nxt = self.next_undecided(start)
            self.pos = nxt if nxt is not None else start

    def _undo_duplicate(self, action: Action) -> int:
        assert action.other_id is not None
        _unlink(
            self.db,
            action.record_id,
            self.reviewer,
            other_id=action.other_id,
            prefer_databases=self.protocol.prefer_databases,
        )
        self._refresh_stage()
        self.jump(action.record_id)
        return action.record_id
