"""Deduplication: link the records of one work across databases and search rounds.

Nothing is deleted. A duplicate gets ``records.duplicate_of`` = the id of the record kept for
its group; the evidence for every link is a row of ``duplicate_pairs`` (scores per field as
JSON, the rule that decided, ``status`` auto | review | confirmed | rejected, reviewer, time).

Library API (the CLI ``screener dedupe`` only calls these):

* ``deduplicate(db, prefer_databases=(), full=False) -> DedupeSummary`` -- compare the records
  not compared before (all with ``full``) against every record; link, queue, regroup.
  Idempotent; after an import only the new records are compared. Human decisions on pairs are
  never overwritten.
* ``review_queue(db)`` -- pairs the rules could not decide, best first;
  ``decide_pair(db, pair_id, "confirmed" | "rejected", reviewer)`` records a decision.
* ``link(db, a, b, reviewer)`` / ``unlink(db, a, reviewer, other_id=None)`` -- manual links
  (a duplicate found mid-screening), stored as confirmed / rejected pairs that every later run
  honours.
* ``explain(db, record_id) -> list[str]`` -- why a record is or is not linked.
* ``duplicates_removed(db, round=None) -> int`` -- PRISMA "duplicate records removed": records
  that point to a kept record, all rounds or only the records imported in search round
  ``round`` (an update's records that duplicate anything earlier count in their own round).
* ``decisions_on_duplicates(db)`` -- screening decisions attached to records that are now
  duplicates.

How a run decides (details in the modules):

1. ``features`` -- a comparable form of each record (normalised title, surnames, journal,
   volume, first page, identifiers, notice and conference flags).
2. ``blocking`` -- candidate pairs from exact keys (DOI, PMID and accession numbers including
   cross-references, title, title prefix, first author + year, volume + first page, ISSN,
   abstract start) plus a fuzzy title pass (``rapidfuzz.process.cdist`` in chunks).
3. ``scoring`` -- similarity per field; ``rules`` -- vetoes first (different DOI or PMID, year
   more than one apart, erratum/reply/comment/retraction vs article, conference abstract vs
   article, different volume or first page), then duplicate rules that each need the title plus
   independent agreement; undecidable pairs go to the review queue. A CJK record and a
   Latin-script record meet only through identifiers or the translated title together with
   year, volume and first page.
4. ``clustering`` -- connected components with cannot-link constraints (rejected pairs; two
   DOIs or PMIDs in one automatic group), then the kept record per group: a record that has
   screening decisions first, then the earliest search round, then the preferred database
   (review.toml ``[dedupe] prefer_databases``), then completeness, then the smallest id.

Decisions are never moved: ``decisions`` rows reference the record they were made on. Because a
screened record is always kept for its group, a record imported later never takes its place;
only when two records that *both* carry decisions are linked does one (the later in that order)
become a duplicate, and its decisions stay attached to it, listed by
``decisions_on_duplicates`` and ``explain``; the kept record's own decisions stand.
"""

from screener.dedupe.links import (
    Pair,
    decide_pair,
    decisions_on_duplicates,
    duplicates_removed,
    explain,
    group,
    link,
    review_queue,
    unlink,
)
from screener.dedupe.run import DedupeSummary, deduplicate

__all__ = [
    "DedupeSummary",
    "Pair",
    "decide_pair",
    "decisions_on_duplicates",
    "deduplicate",
    "duplicates_removed",
    "explain",
    "group",
    "link",
    "review_queue",
    "unlink",
]
