"""A reviewer's screening session: queue, decisions, undo, resume, notes, search, progress.

No UI here (the Textual app in ``screener/tui`` drives a :class:`Session`). Every decision goes
through :func:`screener.screening.verdict.record_decision`, which commits at once, so nothing
is lost on a crash. Rules the app relies on:

* **The record on screen never moves under the reader.** Only the reviewer's own keys change
  :attr:`Session.current`; a new ranking (:meth:`Session.apply_ranking`) reorders what comes
  after it. Every action takes the record id the reviewer saw (``record_id=``) and acts on it.
* **Resume where the reviewer was**: the record on screen is stored in the database each time it
  changes (:mod:`screener.screening.notes`); a new session starts there, or at the first
  undecided record when it has left the stage.
* **Undo** (:meth:`Session.undo`) takes back the last action of this session of any kind:
  a decision, a duplicate link or a retrieval mark; with none left, this reviewer's latest
  standing decision (from an earlier session).
* **Notes** are stored when typed, also on an undecided record; a later decision carries them.
* At full text, "not retrieved" and a decision of this reviewer exclude each other.
* With ``conflicts=True`` the queue is the records the human reviewers disagree on
  (:mod:`screener.screening.consensus`); the keys record consensus decisions.

Blinding: a session reads only its own reviewer's decisions, plus automation (``criteria``)
exclusions, which are shown as such and left out of the queue unless asked for. While the review
is blinded (:attr:`Session.blinded`) the reviewer's labels are their own (:attr:`label_viewer`).

Start-up stays cheap on large reviews: only record ids and this reviewer's decisions are read;
a record's fields are read when it is shown. Texts for ranking are read by
:func:`screener.ranking.ranker.load_texts`,
meant for a background thread with its own connection.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, fields

from screener.db import Review, now, transaction
from screener.errors import ScreenerError
from screener.outputs import printable
from screener.record import Record
from screener.screening.actions import Action, SessionActions
from screener.screening.agreement import resolve
from screener.screening.blinding import blinded, require_unblinded
from screener.screening.consensus import (
    CONSENSUS_REVIEWER,
    disagreements,
    human_votes,
)
from screener.screening.fulltext import full_text_location
from screener.screening.notes import latest_notes, load_position, save_note, save_position
from screener.screening.protocol import Protocol, load_protocol
from screener.screening.verdict import (
    AUTOMATION_SOURCE,
    HUMAN_SOURCES,
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


class Session(SessionActions):
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
        conflicts: bool = False,
    ) -> None:
        if stage not in STAGES:
            raise ValueError(f"unknown stage {stage!r}")
        if order not in ORDERS:
            raise ValueError(f"unknown order {order!r}")
        self.review = review
        self.db = review.db
        self.stage = stage
        self.reviewer = reviewer
        self.conflicts = conflicts  # resolving disagreements: decisions are consensus ones
        self.mode = "conflicts" if conflicts else "screen"
        self.decider = CONSENSUS_REVIEWER if conflicts else reviewer
        self.order_name = "file" if conflicts else order
        self.protocol = protocol or load_protocol(review.protocol_path)
        # blinded (read once, at start): this reviewer sees only their own decisions and labels
        self.blinded = not conflicts and blinded(review)
        self.label_viewer: str | None = reviewer if self.blinded else None
        self.stage_ids: list[int] = _stage_records(self.db, stage, required=self.protocol.reviewers)
        self.stage_index = {rid: i for i, rid in enumerate(self.stage_ids)}  # for the ranker
        mine = current_decisions(self.db, stage, self.decider)
        self.decisions: dict[int, Decision] = {
            rid: by[self.decider] for rid, by in mine.items() if self.decider in by
        }
        self.automated: dict[int, Decision] = {} if conflicts else self._automation()
        self.automated_only: set[int] = self._automation_only()
        self.not_retrieved: dict[int, str | None] = (
            not_retrieved(self.db) if stage == "full_text" else {}
        )
        self.decisions = {r: d for r, d in self.decisions.items() if r in self.stage_index}
        if conflicts:
            require_unblinded(review, "Resolving conflicts")
            ids = disagreements(self.db, stage, required=self.protocol.reviewers)
            disagreed = set(ids)
            self.decisions = {r: d for r, d in self.decisions.items() if r in disagreed}
        else:
            ids = [
                r
                for r in self.stage_ids
                if include_automated or r not in self.automated or r in self.decisions
            ]
        if self.order_name == "random":
            random.Random(seed).shuffle(ids)
        self.order: list[int] = ids
        self._queued: set[int] = set()  # the records in ``order``
        self._index_map: dict[int, int] | None = None  # record -> position in ``order``
        self._reindex()
        self.counts: Counter[str] = Counter(d.decision for d in self.decisions.values())
        self.streak = self._streak()
        self.notes: dict[int, str] = latest_notes(self.db, stage, reviewer)
        self.history: list[Action] = []  # this session's actions, for undo
        self.actions = 0  # decisions taken in this session (the relevance model uses it)
        self.trained_on = 0  # decisions the current ranking was fitted on
        self._records: dict[int, Record] = {}
        self._pos = 0
        self._saved: int | None = load_position(self.db, self.mode, stage, reviewer)
        saved = self._saved
        self.resumed = saved is not None and saved in self._queued
        if saved is not None and self.resumed:  # the record on screen at the last quit
            self._pos = self.order.index(saved)
        else:
            first = self.next_undecided(start=0) if self.order else None
            self.pos = first if first is not None else max(0, len(self.order) - 1)

    @property
    def pos(self) -> int:
        """The position of the record on screen in :attr:`order`."""
        return self._pos

    @pos.setter
    def pos(self, value: int) -> None:
        self._pos = value
        shown = self.current
        if shown is not None and shown != self._saved:  # stored at once: a crash keeps it
            save_position(self.db, self.mode, self.stage, self.reviewer, shown)
            self._saved = shown

    @property
    def pending_notes(self) -> dict[int, str]:
        """Notes on records this reviewer has not decided yet (saved with their decision)."""
        return {r: n for r, n in self.notes.items() if r not in self.decisions}

    def votes(self, record_id: int) -> dict[str, Decision]:
        """The human reviewers' current decisions on a record (only when resolving conflicts:
        screening is blinded)."""
        if not self.conflicts:
            return {}
        return human_votes(self.db, self.stage, record_id).get(record_id, {})

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

    def _automation_only(self) -> set[int]:
        """The automated exclusions no human has decided (out of every reviewer's queue)."""
        marks = ", ".join("?" * len(HUMAN_SOURCES))
        touched = {
            r[0]
            for r in self.db.execute(
                f"select distinct record_id from decisions where stage = ? and source in ({marks})",
                [self.stage, *HUMAN_SOURCES],
            )
        }
        out = set(self.automated)
        for rid in out & touched:
            by = current_decisions(self.db, self.stage, record_id=rid).get(rid, {})
            if any(d.source in HUMAN_SOURCES for d in by.values()):
                out.discard(rid)
        return out

    def _reindex(self) -> None:
        """After records joined or left :attr:`order` (a reordering needs no call)."""
        self._queued = set(self.order)
        self._index_map = None

    @property
    def _index(self) -> dict[int, int]:
        """Record id -> its position in :attr:`order` (built when first needed after the order
        changed: a new ranking at 100k records costs no index)."""
        if self._index_map is None:
            self._index_map = {rid: i for i, rid in enumerate(self.order)}
        return self._index_map

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
        record = _shown(Record.from_row(dict(zip(columns, row, strict=True))))
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
        """This reviewer's done/total, counted as :mod:`screener.screening.progress` counts a
        reviewer's done/queue (``screener status``): the records at the stage, less those not
        retrieved and those excluded by automation alone; done = with this reviewer's own
        decision. Resolving conflicts: resolved of the records disagreed on."""
        if self.conflicts:
            total, done = len(self.order), len(self.decisions)
        else:  # counted from the few records left out (drawn after every key at 100k records)
            index = self.stage_index
            out = {r for r in self.not_retrieved if r in index}
            out.update(r for r in self.automated_only if r in index)
            total = len(index) - len(out)
            # this reviewer's decisions are on records of the stage only (kept so by the
            # session: decisions outside it are dropped at start and when records leave)
            done = len(self.decisions) - sum(1 for r in out if r in self.decisions)
        return Progress(
            done=done,
            total=total,
            included=self.counts["include"],
            excluded=self.counts["exclude"],
            maybe=self.counts["maybe"],
            streak=self.streak,
            automated=len(self.automated),
        )

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
        number = q.isascii() and q.isdecimal()  # "²" is a digit to Python, not to int()
        if number:
            ids += [
                r[0]
                for r in self.db.execute(
                    "select id from records where id = ? or pmid = ?", [int(q), q]
                ).fetchall()
            ]
        doi = q.lower().removeprefix("https://doi.org/").removeprefix("doi:")
        like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        ids += (
            []
            if number
            else [
                r[0]
                for r in self.db.execute(
                    "select id from records where lower(doi) = ? or title like ? escape '\\'"
                    " or authors like ? escape '\\' or title_translated like ? escape '\\'"
                    " or abstract like ? escape '\\' order by id limit ?",
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
    def _target(self, record_id: int | None) -> int:
        """The record an action is about: the one the reviewer saw (shown again if needed)."""
        rid = self.current if record_id is None else record_id
        if rid is None:
            raise IndexError("the queue is empty")
        if rid != self.current:
            self.jump(rid)
        return rid

    def decide(
        self,
        decision: str,
        reason: str | None = None,
        note: str | None = None,
        record_id: int | None = None,
    ) -> int:
        """Record this reviewer's decision on the record (committed), then advance."""
        if decision not in DECISION_KINDS:
            raise ValueError(f"unknown decision {decision!r}")
        rid = self._target(record_id)
        if rid in self.not_retrieved and not self.conflicts:
            raise ScreenerError(
                f"Record #{rid} is marked as not retrieved: press r to mark it retrieved first."
            )
        note = note or self.notes.get(rid)
        # the decision and the record shown next are one commit (one fsync per key press)
        with transaction(self.db):
            decided = self._write(rid, decision, reason, note)
            old = self.decisions.get(rid)
            if old is not None:
                self.counts[old.decision] -= 1
            self.decisions[rid] = decided
            self.automated_only.discard(rid)  # a human decision wins over automation
            self.counts[decision] += 1
            self.streak = self.streak + 1 if decision == "exclude" else 0
            self.actions += 1
            self.history.append(Action("decision", rid))
            nxt = self.next_undecided(self.pos)
            if nxt is not None:
                self.pos = nxt
        return decided.id

    def _write(self, rid: int, decision: str, reason: str | None, note: str | None) -> Decision:
        """Append this reviewer's decision (or, resolving conflicts, the consensus one)."""
        if not self.conflicts:
            row_id = _record_decision(
                self.db, rid, self.stage, self.reviewer, decision, reason, note, "human"
            )
            return Decision(row_id, decision, reason, note, "human", now())
        row_id = resolve(self.db, rid, self.stage, decision, reason, note, by=self.reviewer)
        mine = current_decisions(self.db, self.stage, CONSENSUS_REVIEWER, record_id=rid)
        return mine[rid][CONSENSUS_REVIEWER]

    def note(self, text: str, record_id: int | None = None) -> None:
        """Attach a note to the record, stored at once (an empty text clears it).

        A decided record also gets its decision recorded again with the note; an undecided one
        carries the note into its decision when it is made.
        """
        rid = self._target(record_id)
        text = text.strip()
        if text == self.notes.get(rid, ""):
            return
        save_note(self.db, rid, self.stage, self.reviewer, text)
        if text:
            self.notes[rid] = text
        else:
            self.notes.pop(rid, None)
        d = self.decisions.get(rid)
        if d is None:
            return
        self.decisions[rid] = self._write(rid, d.decision, d.reason, text or None)

    # ----------------------------------------------------------------------------- ranking
    def labels(self) -> dict[int, bool]:
        """Index in ``stage_ids`` -> included?, from this reviewer's decisions (maybe = include)."""
        position = self.stage_index
        return {position[rid]: d.decision != "exclude" for rid, d in self.decisions.items()}

    def apply_ranking(self, ranked: Sequence[int], trained_on: int, lead: bool = False) -> None:
        """Reorder the records after the one on screen; ``ranked`` are indices into stage_ids.

        The record on screen and the records before it keep their places: a ranking changes
        what comes next, never what the reviewer is reading. With ``lead`` (the app's first
        order, before the reviewer pressed any key) the ranking's best undecided record takes
        the place of the one on screen, which goes back to its place in the queue.
        """
        ids = [self.stage_ids[i] for i in ranked if i < len(self.stage_ids)]
        cut = self.pos + (0 if lead else 1)
        head = self.order[:cut]
        in_head = set(head)
        queued = self._queued
        rest = [r for r in ids if r not in in_head and r in queued and not self.is_done(r)]
        placed = set(rest)
        tail = self.order[cut:]
        if placed:
            tail = [r for r in tail if r not in placed]
        self.order = head + rest + tail
        self._index_map = None  # the same records, in a new order
        self.trained_on = trained_on
        if lead:
            self.pos = self.pos  # the record now on screen is stored (resume)

    def summary(self) -> str:
        p = self.progress()
        return (
            f"{self.reviewer} screened {p.done} of {p.total} records at {STAGE_LABELS[self.stage]}"
            f" ({p.included} included, {p.excluded} excluded, {p.maybe} maybe);"
            f" {p.total - p.done} left."
        )


def _shown(record: Record) -> Record:
    """The record as it may be shown on a terminal: escape sequences and control characters
    removed from its text (an export can carry them; ``raw`` keeps the original)."""
    for spec in fields(record):
        name = spec.name
        value = getattr(record, name)
        if name == "raw":
            continue
        if isinstance(value, str):
            setattr(record, name, printable(value))
        elif isinstance(value, list):
            setattr(record, name, [printable(v) if isinstance(v, str) else v for v in value])
    return record
