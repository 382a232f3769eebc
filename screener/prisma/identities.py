"""What keeps a flow from being final, and the arithmetic identities of reference PRISMA.

``problems(flow, template)`` lists three kinds of problem:

* ``incomplete``: records without a decision, conflicts, full-text maybes, exclusions without a
  reason, each naming the record ids. ``--allow-incomplete`` draws the flow anyway with the
  pending numbers marked; the identities below then count the pending records as a term.
* ``identity``: an identity that fails even with the pending records counted (an inconsistent
  database or setting). Always an error.
* ``warning``: total = previous + new in an update (previous studies may have been dropped).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from screener.db import Review
from screener.errors import DataError
from screener.prisma.counts import Flow, Pending, compute_flow, load_prisma_settings
from screener.prisma.classic import Flow2009, flow_2009, merged_pending

SHOWN_IDS = 10


@dataclass(frozen=True)
class Problem:
    kind: str  # incomplete | identity | warning
    message: str


def _ids(ids: Sequence[int]) -> str:
    shown = ", ".join(str(i) for i in ids[:SHOWN_IDS])
    more = f" and {len(ids) - SHOWN_IDS} more" if len(ids) > SHOWN_IDS else ""
    return f"(id {shown})" if len(ids) == 1 else f"(ids {shown}{more})"


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def incomplete(pending: Pending, where: str = "") -> list[Problem]:
    """One message per kind of missing decision, with the record ids."""
    suffix = f" {where}" if where else ""
    parts = [
        (pending.ta_undecided, "record has", "records have", "no title/abstract decision"),
        (pending.ta_conflict, "record has", "records have", "conflicting title/abstract decisions"),
        (
            pending.ta_awaiting,
            "record awaits",
            "records await",
            "another reviewer's title/abstract decision",
        ),
        (pending.ft_undecided, "report has", "reports have", "no full-text decision"),
        (pending.ft_maybe, "report has", "reports have", "only a 'maybe' at full text"),
        (pending.ft_conflict, "report has", "reports have", "conflicting full-text decisions"),
        (pending.ft_awaiting, "report awaits", "reports await", "another reviewer's full-text decision"),
        (pending.ft_no_reason, "full-text exclusion has", "full-text exclusions have", "no reason"),
    ]
    return [
        Problem("incomplete", f"{_count(len(ids), one, many)} {what}{suffix} {_ids(ids)}")
        for ids, one, many, what in parts
        if ids
    ]


Term = tuple[str, int | None]


def _equal(left: Term, right: Sequence[Term], signs: str) -> Problem | None:
    """``left == right[0] (+|-) right[1] ...``; None when it holds or a term is NR."""
    values = [v for _, v in right]
    if left[1] is None or any(v is None for v in values):
        return None
    total = 0
    for value, sign in zip(values, "+" + signs, strict=True):
        total += (value or 0) if sign == "+" else -(value or 0)
    if total == left[1]:
        return None
    expr = f"{right[0][0]} ({right[0][1]})"
    for (name, value), sign in zip(right[1:], signs, strict=True):
        expr += f" {'+' if sign == '+' else '−'} {name} ({value})"
    return Problem("identity", f"{left[0]} ({left[1]}) does not equal {expr} = {total}")


def _at_most(small: Term, big: Term) -> Problem | None:
    if small[1] is None or big[1] is None or small[1] <= big[1]:
        return None
    return Problem("identity", f"{small[0]} ({small[1]}) exceeds {big[0]} ({big[1]})")


def identities_2020(flow: Flow) -> list[Problem]:
    dp, op = flow.dbr_pending, flow.other_pending
    found = [
        _equal(
            ("Databases", flow.database_results),
            [("the sum over databases", sum(flow.database_specific_results.values()))],
            "",
        ),
        _equal(
            ("Registers", flow.register_results),
            [("the sum over registers", sum(flow.register_specific_results.values()))],
            "",
        ),
        _equal(
            ("Records screened", flow.records_screened),
            [
                ("records identified", flow.records_identified),
                ("duplicate records removed", flow.duplicates),
                ("records marked as ineligible by automation tools", flow.excluded_automatic),
                ("records removed for other reasons", flow.excluded_other),
            ],
            "---",
        ),
        _equal(
            ("Records excluded", flow.records_excluded),
            [
                ("excluded by a human", flow.records_excluded_human),
                ("excluded by automation tools", flow.records_excluded_automatic),
            ],
            "+",
        ),
        _equal(
            ("Reports sought for retrieval", flow.dbr_sought_reports),
            [
                ("records screened", flow.records_screened),
                ("records excluded", flow.records_excluded),
                ("records pending a title/abstract decision", dp.title_abstract),
            ],
            "--",
        ),
        _equal(
            ("Reports assessed for eligibility", flow.dbr_assessed),
            [
                ("reports sought for retrieval", flow.dbr_sought_reports),
                ("reports not retrieved", flow.dbr_notretrieved_reports),
            ],
            "-",
        ),
        _equal(
            ("The sum of exclusion reasons", sum(flow.dbr_excluded_reasons.values())),
            [
                ("reports excluded", flow.dbr_excluded),
                ("exclusions without a reason", len(dp.ft_no_reason)),
            ],
            "-",
        ),
        _equal(
            ("Reports included (databases and registers)", flow.dbr_included_reports),
            [
                ("reports assessed", flow.dbr_assessed),
                ("reports excluded", flow.dbr_excluded),
                ("reports pending a full-text decision", dp.full_text),
            ],
            "--",
        ),
        _equal(
            ("Other methods: reports sought for retrieval", flow.other_sought_reports),
            [
                ("records identified by other methods", flow.other_identified),
                ("duplicates", flow.other_duplicates),
                ("records marked as ineligible by automation tools", flow.other_excluded_automatic),
                ("records excluded at title/abstract", flow.other_records_excluded),
                ("records pending a title/abstract decision", op.title_abstract),
            ],
            "----",
        ),
        _equal(
            ("Other methods: reports assessed for eligibility", flow.other_assessed),
            [
                ("reports sought for retrieval", flow.other_sought_reports),
                ("reports not retrieved", flow.other_notretrieved_reports),
            ],
            "-",
        ),
        _equal(
            (
                "Other methods: the sum of exclusion reasons",
                sum(flow.other_excluded_reasons.values()),
            ),
            [
                ("reports excluded", flow.other_excluded),
                ("exclusions without a reason", len(op.ft_no_reason)),
            ],
            "-",
        ),
        _equal(
            ("Other methods: reports included", flow.other_included_reports),
            [
                ("reports assessed", flow.other_assessed),
                ("reports excluded", flow.other_excluded),
                ("reports pending a full-text decision", op.full_text),
            ],
            "--",
        ),
        _equal(
            ("Reports of included studies", flow.new_reports),
            [
                ("reports included from databases and registers", flow.dbr_included_reports),
                ("reports included from other methods", flow.other_included_reports),
            ],
            "+",
        ),
        _at_most(
            ("Studies included", flow.new_studies),
            ("reports of included studies", flow.new_reports),
        ),
        _at_most(
            ("Studies included in meta-analysis", flow.total_studies_ma),
            ("total studies included", flow.total_studies),
        ),
    ]
    out = [p for p in found if p is not None]
    for p in (
        _equal(
            ("Total studies included", flow.total_studies),
            [("previous studies", flow.previous_studies), ("new studies", flow.new_studies)],
            "+",
        ),
        _equal(
            ("Reports of total included studies", flow.total_reports),
            [("previous reports", flow.previous_reports), ("new reports", flow.new_reports)],
            "+",
        ),
    ):
        if p is not None:
            out.append(Problem("warning", p.message))
    return out


def identities_2009(flow: Flow2009) -> list[Problem]:
    p = flow.pending
    found = [
        _equal(
            ("Records after duplicates removed", flow.records_after_duplicates),
            [
                ("records identified through database searching", flow.records_database),
                ("additional records from other sources", flow.records_other),
                ("duplicates", flow.duplicates),
            ],
            "+-",
        ),
        _equal(
            ("Records screened", flow.records_screened),
            [("records after duplicates removed", flow.records_after_duplicates)],
            "",
        ),
        _equal(
            ("Full-text articles assessed", flow.fulltext_assessed),
            [
                ("records screened", flow.records_screened),
                ("records excluded", flow.records_excluded),
                ("records pending a title/abstract decision", p.title_abstract),
            ],
            "--",
        ),
        _equal(
            (
                "The sum of full-text exclusion reasons",
                sum(flow.fulltext_excluded_reasons.values()),
            ),
            [
                ("full-text articles excluded", flow.fulltext_excluded),
                ("exclusions without a reason", len(p.ft_no_reason)),
            ],
            "-",
        ),
        _equal(
            ("Reports included in qualitative synthesis", flow.reports_included),
            [
                ("full-text articles assessed", flow.fulltext_assessed),
                ("full-text articles excluded", flow.fulltext_excluded),
                ("reports pending a full-text decision", p.full_text),
            ],
            "--",
        ),
        _at_most(
            ("Studies included in qualitative synthesis", flow.studies_qualitative),
            ("their reports", flow.reports_included),
        ),
        _at_most(
            ("Studies included in quantitative synthesis", flow.studies_quantitative),
            ("studies included in qualitative synthesis", flow.studies_qualitative),
        ),
    ]
    return [x for x in found if x is not None]


def problems(flow: Flow, template: str = "2020") -> list[Problem]:
    out = incomplete(merged_pending(flow.dbr_pending, flow.other_pending))
    out += incomplete(flow.previous_pending, "in earlier rounds")
    if template == "2009":
        out += identities_2009(flow_2009(flow))
    else:
        out += identities_2020(flow)
    return out


def check(flow: Flow, template: str = "2020", allow_incomplete: bool = False) -> list[str]:
    """Raise DataError for a broken identity, or for missing decisions unless allowed.

    Returns the messages to show as warnings (missing decisions when allowed, warnings, notes).
    """
    found = problems(flow, template)
    broken = [p.message for p in found if p.kind == "identity"]
    if broken:
        raise DataError(
            "The PRISMA counts are inconsistent: " + "; ".join(broken) + ".",
            hint="Check review.toml [prisma] and the records' links (duplicate_of, study_id).",
        )
    missing = [p.message for p in found if p.kind == "incomplete"]
    if missing and not allow_incomplete:
        raise DataError(
            "The PRISMA flow is not final: " + "; ".join(missing) + ".",
            hint="Finish screening (screener screen, screener conflicts --resolve), "
            "or pass --allow-incomplete to draw it with the pending numbers marked.",
        )
    warnings = [f"pending: {m}" for m in missing]
    warnings += [p.message for p in found if p.kind == "warning"]
    return warnings + list(flow.notes)


def checked_flow(
    review: Review, template: str = "2020", round: int | None = None, allow_incomplete: bool = False
) -> tuple[Flow, list[str]]:
    """The flow of a review on disk (review.toml's [prisma] applied), checked.

    2009 counts every round up to ``round`` as one flow (it has no update variant).
    """
    settings = load_prisma_settings(review.protocol_path)
    flow = compute_flow(review.db, round, cumulative=template == "2009", settings=settings)
    return flow, check(flow, template, allow_incomplete)
