"""The PRISMA flow: every count a query over searches, records, duplicates, verdicts, retrieval.

Nothing here is typed in. Each record of the rounds asked for is put in exactly one place:

* its **column**: ``dbr`` when its search's ``source_type`` is ``database`` or ``register``,
  else ``other`` (websites, organisations, citation searching, other methods);
* its **period**: ``new`` (searches of the round drawn; every round up to it when cumulative,
  as the 2009 template has no update variant) or ``previous`` (earlier rounds of an update);
* its **fate**, from ``records.duplicate_of`` and the final verdicts (the rules of
  ``screener.screening.verdict``, counted by ``screener.screening.finals``): duplicate
  (``duplicate_of`` set), marked ineligible by automation (final title/abstract verdict
  exclude with source ``criteria``), excluded at title/abstract by a human, passed
  (include or maybe: a report sought for retrieval), not retrieved (latest ``retrieval`` row),
  excluded at full text (grouped by reason), included; or pending: the stage's ``left`` of
  ``screener.screening.progress`` (no decision, a conflict, awaiting the protocol's number of
  reviewers), a full-text maybe, or a full-text exclusion without a reason.

"Records removed for other reasons" is 0 by construction: screener has no mechanism that removes
a record before screening other than duplicate links and automation (``screener criteria``).
Automation exclusions are counted as removed before screening, so "records excluded ... by
automation tools" in the screening box is also 0 by construction (stated apart, as PRISMA asks).

Studies: reports of one study share ``records.study_id``; a record's study is
``coalesce(study_id, id)``. Counts that cannot be known are ``None`` and drawn "NR".
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from screener.errors import DataError
from screener.screening.protocol import load_protocol
from screener.screening.finals import canonical_set, finals, not_retrieved_ids, passed

DBR_TYPES = ("database", "register")
OTHER_TYPES = ("website", "organisation", "citation", "other")
PASSED = ("include", "maybe")


@dataclass(frozen=True)
class PrismaSettings:
    """The optional ``[prisma]`` table of review.toml.

    ``meta_analysis_studies``: "all" (default: every included study is meta-analysed), a number,
    or "unknown" (drawn NR). ``previous_studies`` / ``previous_reports``: for an update whose
    earlier version was not screened in this review database.
    """

    meta_analysis_studies: int | str = "all"
    previous_studies: int | None = None
    previous_reports: int | None = None
    reviewers: int = 1  # [screening] reviewers: human reviewers needed for a final verdict


def load_prisma_settings(path: Path) -> PrismaSettings:
    """The ``[prisma]`` table of review.toml, checked by the protocol loader (a missing file or
    table gives the defaults)."""
    protocol = load_protocol(path)
    return PrismaSettings(
        protocol.meta_analysis_studies,
        protocol.previous_studies,
        protocol.previous_reports,
        protocol.reviewers,
    )


@dataclass
class Pending:
    """Record ids whose state keeps the flow from being final, for one column."""

    ta_undecided: list[int] = field(default_factory=list)
    ta_conflict: list[int] = field(default_factory=list)
    ta_awaiting: list[int] = field(default_factory=list)  # fewer reviewers than required
    ft_undecided: list[int] = field(default_factory=list)
    ft_maybe: list[int] = field(default_factory=list)
    ft_conflict: list[int] = field(default_factory=list)
    ft_awaiting: list[int] = field(default_factory=list)
    ft_no_reason: list[int] = field(default_factory=list)

    @property
    def title_abstract(self) -> int:
        return len(self.ta_undecided) + len(self.ta_conflict) + len(self.ta_awaiting)

    @property
    def full_text(self) -> int:
        return (
            len(self.ft_undecided)
            + len(self.ft_maybe)
            + len(self.ft_conflict)
            + len(self.ft_awaiting)
        )

    @property
    def total(self) -> int:
        return self.title_abstract + self.full_text + len(self.ft_no_reason)


@dataclass
class Column:
    """The counts of one column (databases/registers or other methods) for one period."""

    identified: Counter[tuple[str, str]] = field(default_factory=Counter)  # (type, name) -> n
    duplicates: int = 0
    canonical: int = 0
    automatic: int = 0
    excluded: int = 0
    sought: int = 0
    not_retrieved: int = 0
    assessed: int = 0
    ft_excluded: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    included: list[int] = field(default_factory=list)
    studies: set[int] = field(default_factory=set)
    pending: Pending = field(default_factory=Pending)


@dataclass
class Flow:
    """Every number of a PRISMA flow diagram (names follow the PRISMA2020 CSV template)."""

    round: int
    rounds: list[int]
    cumulative: bool  # every round up to ``round`` counted as one flow (2009; round 1)
    has_other_methods: bool
    # identification, databases and registers
    database_specific_results: dict[str, int]
    register_specific_results: dict[str, int]
    database_results: int
    register_results: int
    # identification, other methods
    website_results: int
    organisation_results: int
    citations_results: int
    other_method_results: int  # source_type "other" (hand searching, contacts, ...)
    other_specific_results: dict[str, dict[str, int]]  # source_type -> source name -> records
    # removed before screening, screening (databases and registers)
    duplicates: int
    excluded_automatic: int
    excluded_other: int
    records_screened: int
    records_excluded: int
    records_excluded_human: int
    records_excluded_automatic: int
    dbr_sought_reports: int
    dbr_notretrieved_reports: int
    dbr_assessed: int
    dbr_excluded: int
    dbr_excluded_reasons: dict[str, int]
    dbr_included_reports: int
    # other methods: the template has no dedup or screening boxes there; these are shown
    # only when not 0 (extra screening declared)
    other_duplicates: int
    other_excluded_automatic: int
    other_records_excluded: int
    other_sought_reports: int
    other_notretrieved_reports: int
    other_assessed: int
    other_excluded: int
    other_excluded_reasons: dict[str, int]
    other_included_reports: int
    # included
    new_studies: int
    new_reports: int
    previous_studies: int | None
    previous_reports: int | None
    total_studies: int | None
    total_reports: int | None
    total_studies_ma: int | None
    total_reports_ma: int | None
    records_canonical: int  # kept records of the period, both columns (2009 "after duplicates")
    dbr_pending: Pending
    other_pending: Pending
    previous_pending: Pending
    notes: list[str]

    @property
    def updated(self) -> bool:
        """Drawn as an updated review (a "Previous studies" column)."""
        return not self.cumulative and self.round > 1

    @property
    def records_identified(self) -> int:
        return self.database_results + self.register_results

    @property
    def other_identified(self) -> int:
        return (
            self.website_results
            + self.organisation_results
            + self.citations_results
            + self.other_method_results
        )


def review_rounds(db: sqlite_utils.Database) -> list[int]:
    return [r[0] for r in db.execute("select distinct round from searches order by round")]


def _records(db: sqlite_utils.Database, up_to: int) -> list[tuple[int, int, str, str, int, int]]:
    sql = (
        "select r.id, s.round, coalesce(s.source_type, 'database'), s.database,"
        " r.duplicate_of, coalesce(r.study_id, r.id)"
        " from records r join searches s on s.id = r.search_id where s.round <= ? order by r.id"
    )
    return [tuple(row) for row in db.execute(sql, [up_to]).fetchall()]


def _source_notes(db: sqlite_utils.Database, up_to: int) -> list[str]:
    sql = (
        "select s.id, s.database, s.n_records, count(r.id) from searches s"
        " left join records r on r.search_id = s.id where s.round <= ? group by s.id order by s.id"
    )
    notes = []
    for sid, name, declared, stored in db.execute(sql, [up_to]).fetchall():
        if declared is not None and declared != stored:
            notes.append(
                f"Search #{sid} ({name}) declares {declared} records but {stored} are stored;"
                " the flow counts the stored records."
            )
    unknown = db.execute(
        "select id, source_type from searches where round <= ? and source_type is not null"
        " and source_type not in (?, ?, ?, ?, ?, ?)",
        [up_to, *DBR_TYPES, *OTHER_TYPES],
    ).fetchall()
    notes.extend(
        f"Search #{sid} has unknown source_type {st!r}; counted as other." for sid, st in unknown
    )
    return notes


def compute_flow(
    db: sqlite_utils.Database,
    round: int | None = None,
    *,
    cumulative: bool = False,
    settings: PrismaSettings | None = None,
) -> Flow:
    """The flow of round ``round`` (default: the latest), counted from the tables."""
    settings = settings or PrismaSettings()
    rounds = review_rounds(db)
    if not rounds:
        raise DataError(
            "The review has no searches yet, so there is no flow to draw.",
            hint="Import a search first: screener import FILE.",
        )
    n = rounds[-1] if round is None else round
    if n not in rounds:
        raise DataError(
            f"The review has no searches of round {n} (it has rounds "
            f"{', '.join(map(str, rounds))}).",
            hint="Pass --round with one of those rounds.",
        )
    cumulative = cumulative or n == 1
    ta = finals(db, "title_abstract", required=settings.reviewers)
    eligible = passed(ta, canonical_set(db))
    ft = finals(db, "full_text", required=settings.reviewers, eligible=eligible)
    missing = not_retrieved_ids(db)
    cols = {key: Column() for key in ("dbr", "other", "previous")}
    for rid, rnd, stype, name, dup_of, study in _records(db, n):
        is_dbr = stype in DBR_TYPES
        col = cols["dbr" if is_dbr else "other"] if cumulative or rnd == n else cols["previous"]
        col.identified[(stype if stype in DBR_TYPES + OTHER_TYPES else "other", name)] += 1
        if dup_of is not None:
            col.duplicates += 1
            continue
        col.canonical += 1
        v = ta.get(rid)
        if v is None:
            col.pending.ta_undecided.append(rid)
            continue
        if v.kind == "conflict":
            col.pending.ta_conflict.append(rid)
            continue
        if v.kind == "awaiting":
            col.pending.ta_awaiting.append(rid)
            continue
        if v.kind == "exclude":
            if v.source == "criteria":
                col.automatic += 1
            else:
                col.excluded += 1
            continue
        col.sought += 1  # include or maybe
        if rid in missing:
            col.not_retrieved += 1
            continue
        col.assessed += 1
        f = ft.get(rid)
        if f is None:
            col.pending.ft_undecided.append(rid)
        elif f.kind == "conflict":
            col.pending.ft_conflict.append(rid)
        elif f.kind == "awaiting":
            col.pending.ft_awaiting.append(rid)
        elif f.kind == "maybe":
            col.pending.ft_maybe.append(rid)
        elif f.kind == "exclude":
            col.ft_excluded += 1
            if f.reason:
                col.reasons[f.reason] += 1
            else:
                col.pending.ft_no_reason.append(rid)
        else:
            col.included.append(rid)
            col.studies.add(study)
    dbr, other, prev = cols["dbr"], cols["other"], cols["previous"]
    new_keys = dbr.studies | other.studies
    new_reports = len(dbr.included) + len(other.included)
    prev_studies: int | None
    prev_reports: int | None
    total_studies: int | None
    if cumulative:
        prev_studies, prev_reports = 0, 0
        total_studies = len(new_keys)
        new_studies = len(new_keys)
    elif prev.identified:
        prev_studies, prev_reports = len(prev.studies), len(prev.included)
        new_studies = len(new_keys - prev.studies)
        total_studies = len(new_keys | prev.studies)
    else:  # an update whose earlier version is not in this database
        prev_studies, prev_reports = settings.previous_studies, settings.previous_reports
        new_studies = len(new_keys)
        total_studies = None if prev_studies is None else prev_studies + new_studies
    total_reports = None if prev_reports is None else prev_reports + new_reports
    ma = settings.meta_analysis_studies
    total_ma: int | None = total_studies if ma == "all" else ma if isinstance(ma, int) else None
    by_type: Counter[str] = Counter()
    for (stype, _name), count in (dbr.identified + other.identified).items():
        by_type[stype] += count
    return Flow(
        round=n,
        rounds=rounds,
        cumulative=cumulative,
        has_other_methods=bool(other.identified),
        database_specific_results=_names(dbr.identified, "database"),
        register_specific_results=_names(dbr.identified, "register"),
        database_results=by_type["database"],
        register_results=by_type["register"],
        website_results=by_type["website"],
        organisation_results=by_type["organisation"],
        citations_results=by_type["citation"],
        other_method_results=by_type["other"],
        other_specific_results={
            t: names for t in OTHER_TYPES if (names := _names(other.identified, t))
        },
        duplicates=dbr.duplicates,
        excluded_automatic=dbr.automatic,
        excluded_other=0,
        records_screened=dbr.canonical - dbr.automatic,
        records_excluded=dbr.excluded,
        records_excluded_human=dbr.excluded,
        records_excluded_automatic=0,
        dbr_sought_reports=dbr.sought,
        dbr_notretrieved_reports=dbr.not_retrieved,
        dbr_assessed=dbr.assessed,
        dbr_excluded=dbr.ft_excluded,
        dbr_excluded_reasons=_by_count(dbr.reasons),
        dbr_included_reports=len(dbr.included),
        other_duplicates=other.duplicates,
        other_excluded_automatic=other.automatic,
        other_records_excluded=other.excluded,
        other_sought_reports=other.sought,
        other_notretrieved_reports=other.not_retrieved,
        other_assessed=other.assessed,
        other_excluded=other.ft_excluded,
        other_excluded_reasons=_by_count(other.reasons),
        other_included_reports=len(other.included),
        new_studies=new_studies,
        new_reports=new_reports,
        previous_studies=prev_studies,
        previous_reports=prev_reports,
        total_studies=total_studies,
        total_reports=total_reports,
        total_studies_ma=total_ma,
        total_reports_ma=total_reports if ma == "all" else None,
        records_canonical=dbr.canonical + other.canonical,
        dbr_pending=dbr.pending,
        other_pending=other.pending,
        previous_pending=prev.pending,
        notes=_source_notes(db, n),
    )


def _names(identified: Counter[tuple[str, str]], stype: str) -> dict[str, int]:
    return dict(sorted((name, n) for (kind, name), n in identified.items() if kind == stype))


def _by_count(counter: Counter[str]) -> dict[str, int]:
    """Reasons, most frequent first (ties by name)."""
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))
