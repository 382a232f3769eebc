"""The plain-text report of ``screener pool``: a table per outcome, percentages as papers print."""

from __future__ import annotations

from collections.abc import Sequence

from screener.pooling.pool import MODELS, OutcomePool, interval_text
from screener.pooling.proportion import percent

TITLES = {
    "crude": "Crude (sum events / sum total), exact CI",
    "logit_reml": "Random effects, logit, REML (IV)",
    "glmm": "GLMM binomial-normal, ML",
    "freeman_tukey": "Random effects, Freeman-Tukey, REML",
}


def _table(rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for r in rows:
        cells = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        ]
        out.append("  " + "  ".join(cells).rstrip())
    return out


def format_pool(pool: OutcomePool) -> str:
    """One outcome as text."""
    lines = [f"Outcome: {pool.outcome} (k = {pool.k}, {pool.events}/{pool.total})"]
    if pool.k == 0:
        lines.append("  No study reports this outcome.")
        return "\n".join(lines)
    weight_name = next((n for n in ("logit_reml", "freeman_tukey") if pool.models[n]), None)
    rows = [["Study", "Events", "Total", "%", "95% CI (exact)", "Weight" if weight_name else ""]]
    for s in pool.studies:
        iv = s.interval
        w = s.weights.get(weight_name) if weight_name else None
        rows.append(
            [
                s.study,
                str(s.events),
                str(s.total),
                percent(iv.proportion),
                f"[{percent(iv.ci_low)}, {percent(iv.ci_high)}]",
                f"{percent(w / 100)}%" if w is not None else "",
            ]
        )
    lines += _table(rows, {1, 2, 3, 5})
    lines.append("")
    pooled: list[list[str]] = []
    notes: list[str] = []
    if pool.crude is not None:
        pooled.append([TITLES["crude"], interval_text(pool.crude), ""])
    for name in MODELS:
        model = pool.models[name]
        if model is None:
            if pool.reasons[name] != "not requested":
                notes.append(f"  {TITLES[name]}: not fitted: {pool.reasons[name]}.")
            continue
        title = TITLES[name] + (" + HK" if model.hartung_knapp else "")
        stats = (
            f"tau2 = {model.tau2:.4f}, I2 = {percent(model.i2 / 100)}%, "
            f"Q = {model.q:.2f} (df {model.df})"
        )
        pooled.append([title, interval_text(model.interval), stats])
        corrected = model.extra.get("corrected")
        if corrected:
            notes.append(
                f"  {TITLES[name]}: 0.5 added to events and non-events of "
                f"{', '.join(corrected)} (0% or 100%)."
            )
    lines += _table(pooled, set())
    lines += notes
    if weight_name:
        lines.append(f"  Weights: {TITLES[weight_name]}.")
    return "\n".join(lines)


def format_pools(pools: Sequence[OutcomePool]) -> str:
    return "\n\n".join(format_pool(p) for p in pools) + "\n"
