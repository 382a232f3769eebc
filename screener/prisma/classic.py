"""The PRISMA 2009 counts, derived from a cumulative 2020 flow.

2009 has no "not retrieved" box: reports not retrieved are counted among the full-text
exclusions with the reason "Full text not retrieved", so that "full-text articles assessed"
equals records screened minus records excluded, as the 2009 identities require. Automation
exclusions (``screener criteria``) are records excluded at screening (2009 has no
removed-before-screening box); the box says how many.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from screener.prisma.counts import Flow, Pending

NOT_RETRIEVED_REASON = "Full text not retrieved"


@dataclass
class Flow2009:
    records_database: int  # databases and registers
    records_other: int
    duplicates: int
    records_after_duplicates: int
    records_screened: int
    records_excluded: int
    records_excluded_automatic: int
    fulltext_assessed: int
    fulltext_excluded: int
    fulltext_excluded_reasons: dict[str, int]
    reports_included: int
    studies_qualitative: int
    studies_quantitative: int | None
    pending: Pending


def merged_pending(*parts: Pending) -> Pending:
    out = Pending()
    for part in parts:
        for name in out.__dataclass_fields__:
            getattr(out, name).extend(getattr(part, name))
    for name in out.__dataclass_fields__:
        getattr(out, name).sort()
    return out


def flow_2009(flow: Flow) -> Flow2009:
    if not flow.cumulative:
        raise ValueError("the 2009 view needs a cumulative flow")
    not_retrieved = flow.dbr_notretrieved_reports + flow.other_notretrieved_reports
    reasons = Counter(flow.dbr_excluded_reasons) + Counter(flow.other_excluded_reasons)
    ordered = dict(sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])))
    if not_retrieved:
        ordered[NOT_RETRIEVED_REASON] = ordered.get(NOT_RETRIEVED_REASON, 0) + not_retrieved
    return Flow2009(
        records_database=flow.records_identified,
        records_other=flow.other_identified,
        duplicates=flow.duplicates + flow.other_duplicates,
        records_after_duplicates=flow.records_canonical,
        records_screened=flow.records_canonical,
        records_excluded=flow.excluded_automatic
        + flow.records_excluded
        + flow.other_excluded_automatic
        + flow.other_records_excluded,
        records_excluded_automatic=flow.excluded_automatic + flow.other_excluded_automatic,
        fulltext_assessed=flow.dbr_sought_reports + flow.other_sought_reports,
        fulltext_excluded=flow.dbr_excluded + flow.other_excluded + not_retrieved,
        fulltext_excluded_reasons=ordered,
        reports_included=flow.dbr_included_reports + flow.other_included_reports,
        studies_qualitative=flow.new_studies,
        studies_quantitative=flow.total_studies_ma,
        pending=merged_pending(flow.dbr_pending, flow.other_pending),
    )
