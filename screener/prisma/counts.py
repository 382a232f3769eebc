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
from screener.screening.finals import verdicts_sql
from screener.screening.protocol import load_protocol

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


# Each record of the rounds drawn, put in its place (module docstring) by SQLite; the rows are
# grouped by search and place, with the ids where the flow needs them (pending and included).
# ``LIMIT -1 OFFSET 0`` keeps SQLite from copying the verdict expressions into every place
# they are read (each row's kinds are computed once: half the time at 100,000 records).
_PLACE = """CASE WHEN dup IS NOT NULL THEN 'duplicate'
  WHEN tk IS NULL THEN 'ta_undecided' WHEN tk = 'conflict' THEN 'ta_conflict'
  WHEN tk = 'awaiting' THEN 'ta_awaiting'
  WHEN tk = 'exclude' THEN CASE WHEN tsrc = 'criteria' THEN 'automatic' ELSE 'excluded' END
  WHEN missing THEN 'not_retrieved'
  WHEN fk IS NULL THEN 'ft_undecided' WHEN fk = 'conflict' THEN 'ft_conflict'
  WHEN fk = 'awaiting' THEN 'ft_awaiting' WHEN fk = 'maybe' THEN 'ft_maybe'
  WHEN fk = 'exclude' THEN CASE WHEN coalesce(fwhy, '') <> '' THEN 'ft_excluded'
    ELSE 'ft_no_reason' END
  ELSE 'included' END"""
_LISTED = ("ta_undecided", "ta_conflict", "ta_awaiting", "ft_undecided", "ft_conflict",
           "ft_awaiting", "ft_maybe", "ft_no_reason", "included")  # fmt: skip
def _flow_sql() -> str:
    """The query placing each record (built when counting)."""
    return f"""
WITH facts AS (
  SELECT r.id AS id, r.search_id AS sid, coalesce(r.study_id, r.id) AS study,
    r.duplicate_of AS dup, ta.kind AS tk, ta.source AS tsrc, ft.kind AS fk, ft.reason AS fwhy,
    latest.status IS 'not_retrieved' AS missing
  FROM records r
    LEFT JOIN {verdicts_sql("title_abstract")} ta ON ta.record_id = r.id
    LEFT JOIN {verdicts_sql("full_text")} ft ON ft.record_id = r.id
    LEFT JOIN (SELECT record_id, max(id) AS id FROM retrieval GROUP BY record_id) last
      ON last.record_id = r.id
    LEFT JOIN retrieval latest ON latest.id = last.id
  WHERE r.search_id IN (SELECT id FROM searches WHERE round <= :up_to) LIMIT -1 OFFSET 0
), placed AS (
  SELECT id, sid, study, {_PLACE} AS place,
    CASE WHEN fk = 'exclude' THEN nullif(fwhy, '') END AS reason
  FROM facts LIMIT -1 OFFSET 0
)
SELECT sid, place, reason, count(*),
  group_concat(CASE WHEN place IN {_LISTED} THEN id END),
  group_concat(CASE WHEN place = 'included' THEN study END)
FROM placed GROUP BY sid, place, reason
    """


def _ids(text: str | None) -> list[int]:
    return [] if text is None else [int(i) for i in text.split(",")]


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
    cols = {key: Column() for key in ("dbr", "other", "previous")}
    params = {"up_to": n, "required": settings.reviewers}
    search = {
        sid: (rnd, stype, name)
        for sid, rnd, stype, name in db.execute(
            "SELECT id, round, coalesce(source_type, 'database'), database FROM searches"
        )
    }
    for sid, place, reason, count, ids, studies in db.execute(_flow_sql(), params):
        rnd, stype, name = search[sid]
        is_dbr = stype in DBR_TYPES
        col = cols["dbr" if is_dbr else "other"] if cumulative or rnd == n else cols["previous"]
        col.identified[(stype if stype in DBR_TYPES + OTHER_TYPES else "other", name)] += count
        if place == "duplicate":
            col.duplicates += count
            continue
        col.canonical += count
        if place in ("automatic", "excluded"):
            setattr(col, place, getattr(col, place) + count)
        elif place.startswith("ta_"):
            getattr(col.pending, place).extend(_ids(ids))
        else:
            col.sought += count  # include or maybe at title/abstract
            if place == "not_retrieved":
                col.not_retrieved += count
                continue
            col.assessed += count
            if place == "included":
                col.included.extend(_ids(ids))
                col.studies.update(_ids(studies))
                continue
            if place in ("ft_excluded", "ft_no_reason"):
                col.ft_excluded += count
            if place == "ft_excluded":
                col.reasons[reason] += count
            else:
                getattr(col.pending, place).extend(_ids(ids))
    for col in cols.values():
        col.included.sort()
        for name in col.pending.__dataclass_fields__:
            getattr(col.pending, name).sort()
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
