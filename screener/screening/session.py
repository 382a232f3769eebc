"""A reviewer's screening session: queue, decisions, undo, resume, notes, search, progress.

No UI here (the Textual app in ``screener/tui`` drives a :class:`Session`). Every decision goes
through :func:`screener.screening.verdict.record_decision`, which commits at once, so nothing
is lost on a crash: a new session resumes at the first record this reviewer has not decided.

Blinding: a session reads only its own reviewer's decisions, plus automation (``criteria``)
exclusions, which are shown as such and left out of the queue unless asked for.

Start-up stays cheap on large reviews: only record ids and this reviewer's decisions are read;
a record's fields are read when it is shown. Texts for ranking are read by
:func:`screener.ranking.ranker.load_texts`,
meant for a background thread with its own connection.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from screener.db import Review, now, transaction
from screener.dedupe import link as _link
from screener.record import Record
from screener.screening.fulltext import full_text_location
from screener.screening.protocol import Protocol, load_protocol
from screener.screening.verdict import (
    AUTOMATION_SOURCE,
    STAGE_LABELS,
    STAGES,
    Decision,
    current_decisions,
    not_retrieved,
)
from screener.screening.verdict import record_decision as _record_decision
from screener.screening.verdict import stage_records as _stage_records

ORDERS = ("file", "random", "relevance")
DECISION_KINDS = ("include", "exclude", "maybe")
SEARCH_LIMIT = 50


@dataclass(frozen=True)
class Progress:
    """Where this reviewer stands at this stage."""

    done: int
    total: int
    included: int
    excluded: int
    maybe: int
    streak: int  # consecutive excludes, most recent first
    automated: int  # records excluded by criteria (not in the queue unless asked for)


@dataclass(frozen=True)
class SearchHit:
    record_id: int
    title: str
    year: int | None
    decision: str | None  # this reviewer's current decision


class Session:
    """One reviewer screening one stage of a review, in one order."""

    def __init__(
        self,
        review: Review,
        stage: str,
        reviewer: str,
        order: str = "file",
        seed: int | None = None,
        include_automated: bool = False,
        protocol: Protocol | None = None,
    ) -> None:
        if stage not in STAGES:
            raise ValueError(f"unknown stage {stage!r}")
        if order not in ORDERS:
            raise ValueError(f"unknown order {order!r}")
        self.review = review
        self.db = review.db
        self.stage = stage
        self.reviewer = reviewer
        self.order_name = order
        self.protocol = protocol or load_protocol(review.protocol_path)
        self.stage_ids: list[int] = _stage_records(self.db, stage, required=self.protocol.reviewers)
        self.stage_index = {rid: i for i, rid in enumerate(self.stage_ids)}  # for the ranker
        mine = current_decisions(self.db, stage, reviewer)
        self.decisions: dict[int, Decision] = {
            rid: by[reviewer] for rid, by in mine.items() if reviewer in by
        }
        self.automated: dict[int, Decision] = self._automation()
        self.not_retrieved: dict[int, str | None] = (
            not_retrieved(self.db) if stage == "full_text" else {}
        )
        self.decisions = {r: d for r, d in self.decisions.items() if r in self.stage_index}
        ids = [
            r
            for r in self.stage_ids
            if include_automated or r not in self.automated or r in self.decisions
        ]
        if order == "random":
            random.Random(seed).shuffle(ids)
        self.order: list[int] = ids
        self._index: dict[int, int] = {}
        self._reindex()
        self.counts: Counter[str] = Counter(d.decision for d in self.decisions.values())
        self.streak = self._streak()
        self.pending_notes: dict[int, str] = {}
        self.actions = 0  # decisions taken in this session (the relevance model uses it)
        self.trained_on = 0  # decisions the current ranking was fitted on
        self.pos = 0
        first = self.next_undecided(start=0) if self.order else None
        self.pos = first if first is not None else max(0, len(self.order) - 1)
        self._records: dict[int, Record] = {}

    # ----------------------------------------------------------------------------- reading
    def _automation(self) -> dict[int, Decision]:
        names = [
            r[0]
            for r in self.db.execute(
                "select distinct reviewer from decisions where stage = ? and source = ?",
                [self.stage, AUTOMATION_SOURCE],
            ).fetchall()
        ]
        out: dict[int, Decision] = {}
        for name in names:
            for rid, by in current_decisions(self.db, self.stage, name).items():
                d = by[name]
                if d.source == AUTOMATION_SOURCE and d.decision == "exclude":
                    out[rid] = d
        return out

    def _reindex(self) -> None:
        self._index = {rid: i for i, rid in enumerate(self.order)}

    def _streak(self) -> int:
        streak = 0
        for d in sorted(self.decisions.values(), key=lambda d: d.id, reverse=True):
            if d.decision != "exclude":
                break
            streak += 1
        return streak

    def record(self, record_id: int) -> Record:
        """The record's fields (read on demand, a few kept in memory)."""
        cached = self._records.get(record_id)
        if cached is not None:
            return cached
        row = self.db.execute("select * from records where id = ?", [record_id]).fetchone()
        if row is None:
            raise KeyError(record_id)
        columns = [c[0] for c in self.db.execute("select * from records limit 0").description]
        record = Record.from_row(dict(zip(columns, row, strict=True)))
        if len(self._records) > 64:
            self._records.clear()
        self._records[record_id] = record
        return record

    def location(self, record_id: int) -> dict[str, str]:
        return full_text_location(self.review.path, self.record(record_id), record_id, self.db)

    @property
    def current(self) -> int | None:
        """The record shown now, or None when the queue is empty."""
        return self.order[self.pos] if self.order else None

    @property
    def finished(self) -> bool:
        """True when every record in the queue is decided (or not retrieved)."""
        return self.next_undecided(self.pos) is None if self.order else True

    def is_done(self, record_id: int) -> bool:
        return record_id in self.decisions or record_id in self.not_retrieved

    def next_undecided(self, start: int) -> int | None:
        """The first undecided position at or after ``start``, wrapping round; None if none."""
        n = len(self.order)
        for step in range(n):
            i = (start + step) % n
            if not self.is_done(self.order[i]):
                return i
        return None

    def progress(self) -> Progress:
        total = len(self.order)
        done = self._done()
        return Progress(
            done=done,
            total=total,
            included=self.counts["include"],
            excluded=self.counts["exclude"],
            maybe=self.counts["maybe"],
            streak=self.streak,
            automated=len(self.automated),
        )

    def _done(self) -> int:
        # every record this reviewer decided is in the queue (see __init__); retrieval is rare
        missing = sum(1 for r in self.not_retrieved if r in self._index and r not in self.decisions)
        return len(self.decisions) + missing

    # ----------------------------------------------------------------------------- moving
    def move(self, step: int) -> int | None:
        """Go ``step`` records forward (or back), clamped to the queue."""
        if self.order:
            self.pos = max(0, min(len(self.order) - 1, self.pos + step))
        return self.current

    def jump(self, record_id: int) -> int:
        """Show a record of this stage (to see or change its decision)."""
        if record_id not in self._index:
            if record_id not in self.stage_index:
                raise KeyError(record_id)
            self.order.insert(self.pos + 1 if self.order else 0, record_id)
            self._reindex()
        self.pos = self._index[record_id]
        return record_id

    def search(self, text: str, limit: int = SEARCH_LIMIT) -> list[SearchHit]:
        """Records of this stage whose id, PMID, DOI, title, author or abstract match ``text``."""
        q = text.strip()
        if not q:
            return []
        ids: list[int] = []
        if q.isdigit():
            ids += [
                r[0]
                for r in self.db.execute(
                    "select id from records where id = ? or pmid = ?", [int(q), q]
                ).fetchall()
            ]
        doi = q.lower().removeprefix("https://doi.org/").removeprefix("doi:")
        like = f"%{q}%"
        ids += (
            []
            if q.isdigit()
            else [
                r[0]
                for r in self.db.execute(
                    "select id from records where lower(doi) = ? or title like ? or authors like ?"
                    " or title_translated like ? or abstract like ? order by id limit ?",
                    [doi, like, like, like, like, limit * 4],
                ).fetchall()
            ]
        )
        hits: list[SearchHit] = []
        seen: set[int] = set()
        for rid in ids:
            if rid in seen or rid not in self.stage_index:
                continue
            seen.add(rid)
            rec = self.record(rid)
            d = self.decisions.get(rid)
            hits.append(SearchHit(rid, rec.title or "", rec.year, d.decision if d else None))
            if len(hits) >= limit:
                break
        return hits

    # ----------------------------------------------------------------------------- deciding
    def decide(self, decision: str, reason: str | None = None, note: str | None = None) -> int:
        """Record this reviewer's decision on the current record (committed), then advance."""
        if decision not in DECISION_KINDS:
            raise ValueError(f"unknown decision {decision!r}")
        rid = self.current
        if rid is None:
            raise IndexError("the queue is empty")
        note = note or self.pending_notes.pop(rid, None)
        row_id = _record_decision(
            self.db, rid, self.stage, self.reviewer, decision, reason, note, "human"
        )
        old = self.decisions.get(rid)
        if old is not None:
            self.counts[old.decision] -= 1
        self.decisions[rid] = Decision(row_id, decision, reason, note, "human", now())
        self.counts[decision] += 1
        self.streak = self.streak + 1 if decision == "exclude" else 0
        self.actions += 1
        nxt = self.next_undecided(self.pos)
        if nxt is not None:
            self.pos = nxt
        return row_id

    def undo(self) -> int | None:
        """Cancel this reviewer's latest standing decision (an ``undo`` row) and show it again."""
        if not self.decisions:
            return None
        rid = max(self.decisions, key=lambda r: self.decisions[r].id)
        old = self.decisions[rid]
        _record_decision(self.db, rid, self.stage, self.reviewer, "undo")
        self.counts[old.decision] -= 1
        mine = (
            current_decisions(self.db, self.stage, self.reviewer, record_id=rid)
            .get(rid, {})
            .get(self.reviewer)
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

    def note(self, text: str) -> None:
        """Attach a note to the current record.

        A decided record gets its decision recorded again with the note; an undecided one keeps
        the note until its decision is recorded.
        """
        rid = self.current
        if rid is None or not text.strip():
            return
        d = self.decisions.get(rid)
        if d is None:
            self.pending_notes[rid] = text.strip()
            return
        row_id = _record_decision(
            self.db, rid, self.stage, self.reviewer, d.decision, d.reason, text.strip(), "human"
        )
        self.decisions[rid] = Decision(row_id, d.decision, d.reason, text.strip(), "human", now())

    def mark_not_retrieved(self, reason: str) -> None:
        """Full text: the current record's report could not be retrieved (a ``retrieval`` row)."""
        rid = self._retrieval("not_retrieved", reason)
        self.not_retrieved[rid] = reason
        nxt = self.next_undecided(self.pos)
        if nxt is not None:
            self.pos = nxt

    def mark_retrieved(self) -> None:
        """Full text: cancel a "not retrieved" mark on the current record."""
        self.not_retrieved.pop(self._retrieval("retrieved", None), None)

    def _retrieval(self, status: str, reason: str | None) -> int:
        if self.stage != "full_text":
            raise ValueError("retrieval is recorded at the full-text stage only")
        rid = self.current
        if rid is None:
            raise IndexError("the queue is empty")
        where = self.location(rid)
        location = where.get("pdf") or where.get("doi") or where.get("pubmed") or where.get("url")
        with transaction(self.db) as conn:
            conn.execute(
                "insert into retrieval (record_id, status, reason, location, reviewer, created_at)"
                " values (?, ?, ?, ?, ?, ?)",
                [rid, status, reason, location, self.reviewer, now()],
            )
        return rid

    def mark_duplicate(self, other_id: int) -> int:
        """Link the current record and ``other_id`` as one work; returns the kept record's id.

        The link goes through :func:`screener.dedupe.link` (a confirmed pair that every later
        ``screener dedupe`` run honours). The kept record is chosen by the deduplication rules
        (a record with screening decisions first), so it may be either of the two; the other
        leaves the queue and the progress totals. ``screener dedupe --unlink ID`` undoes it.
        """
        rid = self.current
        if rid is None:
            raise IndexError("the queue is empty")
        if other_id == rid:
            raise ValueError("a record cannot be a duplicate of itself")
        kept = _link(self.db, rid, other_id, self.reviewer, self.protocol.prefer_databases)
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
        for rid in now_in:  # a record that became canonical (rare): screened at the end
            if rid not in self.stage_index:
                self.stage_ids.append(rid)
                self.stage_index[rid] = len(self.stage_ids) - 1
                self.order.append(rid)
        if not gone:
            self._reindex()
            return
        for rid in gone:
            del self.stage_index[rid]
            self.decisions.pop(rid, None)
            self.automated.pop(rid, None)
            self.not_retrieved.pop(rid, None)
            self.pending_notes.pop(rid, None)
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

    # ----------------------------------------------------------------------------- ranking
    def labels(self) -> dict[int, bool]:
        """Index in ``stage_ids`` -> included?, from this reviewer's decisions (maybe = include)."""
        position = self.stage_index
        return {position[rid]: d.decision != "exclude" for rid, d in self.decisions.items()}

    def apply_ranking(self, ranked: Sequence[int], trained_on: int) -> None:
        """Reorder the records after the current one; ``ranked`` are indices into stage_ids."""
        ids = [self.stage_ids[i] for i in ranked]
        head = self.order[: self.pos + 1]
        if self.actions == 0 and self.order and not self.is_done(self.order[self.pos]):
            head = self.order[: self.pos]  # nothing done yet: the top-ranked record comes first
        in_head = set(head)
        queued = set(self.order)
        rest = [r for r in ids if r not in in_head and r in queued and not self.is_done(r)]
        placed = in_head | set(rest)
        tail = [r for r in self.order if r not in placed]
        self.order = head + rest + tail
        self._reindex()
        self.trained_on = trained_on
        if len(head) == self.pos and self.order:
            nxt = self.next_undecided(self.pos)
            self.pos = nxt if nxt is not None else self.pos

    def summary(self) -> str:
        p = self.progress()
        return (
            f"{self.reviewer} screened {p.done} of {p.total} records at {STAGE_LABELS[self.stage]}"
            f" ({p.included} included, {p.excluded} excluded, {p.maybe} maybe);"
            f" {p.total - p.done} left."
        )
