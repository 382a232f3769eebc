"""The Python replay of the counts as they were before screener.screening.finals (kept here as
the reference that tests/test_finals.py compares the SQL path with)."""

from __future__ import annotations

from collections import Counter

import sqlite_utils

from screener.errors import DataError
from screener.prisma.counts import (
    DBR_TYPES,
    OTHER_TYPES,
    Column,
    Flow,
    PrismaSettings,
    _by_count,
    _names,
    _source_notes,
    review_rounds,
)
from screener.screening.progress import (
    NO_REASON,
    ReviewerProgress,
    StageProgress,
    human_reviewers,
    stage_records_from,
)
from screener.screening.verdict import (
    AUTOMATION_SOURCE,
    HUMAN_SOURCES,
    Decision,
    Verdict,
    current_decisions,
    not_retrieved,
    stage_records,
    verdicts,
)


def reference_progress(
    db: sqlite_utils.Database,
    stage: str,
    *,
    required: int,
    reviewer: str | None = None,
    title_abstract: dict[int, Verdict] | None = None,
    current: dict[int, dict[str, Decision]] | None = None,
) -> StageProgress:
    """The progress of ``stage`` with ``required`` human reviewers per record.

    ``reviewers`` holds every human reviewer of the review (:func:`human_reviewers`), or, when
    ``reviewer`` is given, that reviewer alone (always present, even before their first
    decision): what a blinded reviewer may see. ``title_abstract``: the title/abstract verdicts
    (same ``required``) when already computed; ``current``: ``current_decisions(db, stage)``
    when already read (both save a pass over the log).
    """
    if stage == "full_text":
        ta = (
            title_abstract
            if title_abstract is not None
            else verdicts(db, "title_abstract", required=required)
        )
        at_stage = stage_records_from(db, ta)
        final = verdicts(db, stage, ta, required=required)
        missing = set(not_retrieved(db)) & set(at_stage)
    else:
        at_stage = stage_records(db, stage, required=required)
        final = (
            title_abstract if title_abstract is not None else verdicts(db, stage, required=required)
        )
        missing = set()
    assessed = [rid for rid in at_stage if rid not in missing]
    assessed_set = set(assessed)
    kinds: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    by_criteria = 0
    for rid, v in final.items():
        if rid not in assessed_set:
            continue
        kinds["conflict" if v.conflict else "awaiting" if v.awaiting else str(v.decision)] += 1
        if v.decision == "exclude":
            reasons[v.reason or NO_REASON] += 1
            by_criteria += v.source == AUTOMATION_SOURCE
    queue = len(assessed) - by_criteria
    counts: dict[str, Counter[str]] = {}
    why: dict[str, Counter[str]] = {}
    if current is None:
        current = current_decisions(db, stage, reviewer)
    for rid, by in current.items():
        if rid not in assessed_set:
            continue
        for who, d in by.items():
            if d.source not in HUMAN_SOURCES or (reviewer is not None and who != reviewer):
                continue
            counts.setdefault(who, Counter())[d.decision] += 1
            if d.decision == "exclude":
                why.setdefault(who, Counter())[d.reason or NO_REASON] += 1
    names = human_reviewers(db) if reviewer is None else [reviewer]
    return StageProgress(
        stage=stage,
        required=required,
        records=len(at_stage),
        not_retrieved=len(missing),
        included=kinds["include"],
        excluded=kinds["exclude"],
        maybe=kinds["maybe"],
        by_criteria=by_criteria,
        excluded_by_reason=dict(sorted(reasons.items())),
        conflicts=kinds["conflict"],
        awaiting=kinds["awaiting"],
        undecided=len(assessed) - sum(kinds.values()),
        reviewers={
            who: ReviewerProgress(
                who,
                queue,
                sum((c := counts.get(who, Counter())).values()),
                c["include"],
                c["exclude"],
                c["maybe"],
                dict(sorted(why.get(who, Counter()).items())),
            )
            for who in names
        },
    )


def _records(db: sqlite_utils.Database, up_to: int) -> list[tuple[int, int, str, str, int, int]]:
    sql = (
        "select r.id, s.round, coalesce(s.source_type, 'database'), s.database,"
        " r.duplicate_of, coalesce(r.study_id, r.id)"
        " from records r join searches s on s.id = r.search_id where s.round <= ? order by r.id"
    )
    return [tuple(row) for row in db.execute(sql, [up_to]).fetchall()]


def reference_flow(
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
    ta = verdicts(db, "title_abstract", required=settings.reviewers)
    ft = verdicts(db, "full_text", title_abstract=ta, required=settings.reviewers)
    missing = not_retrieved(db)
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
        if v.conflict:
            col.pending.ta_conflict.append(rid)
            continue
        if v.awaiting:
            col.pending.ta_awaiting.append(rid)
            continue
        if v.decision == "exclude":
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
        elif f.conflict:
            col.pending.ft_conflict.append(rid)
        elif f.awaiting:
            col.pending.ft_awaiting.append(rid)
        elif f.decision == "maybe":
            col.pending.ft_maybe.append(rid)
        elif f.decision == "exclude":
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
