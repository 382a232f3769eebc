"""Forest plot of pooled single proportions (matplotlib, Agg; PNG, SVG or PDF by suffix).

One figure per outcome: a row per study (label, events, total, a square sized by its weight
with the exact 95% interval, the proportion and interval as text, the weight), then a diamond
per pooled estimate shown (crude and each fitted model), the heterogeneity line, and the
proportion axis in percent.
"""

from __future__ import annotations

import math
from pathlib import Path

from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Polygon
from matplotlib.transforms import blended_transform_factory

from screener.errors import InputError
from screener.pooling.pool import MODELS, OutcomePool, interval_text
from screener.pooling.proportion import Interval, percent

FORMATS = (".png", ".svg", ".pdf")
LABELS = {
    "crude": "Crude (Σ events / Σ total), exact CI",
    "logit_reml": "Random effects, logit, REML",
    "glmm": "GLMM (binomial-normal), ML",
    "freeman_tukey": "Random effects, Freeman-Tukey, REML",
}
SHORT = {"logit_reml": "logit REML", "glmm": "GLMM", "freeman_tukey": "FT REML"}
ROW = 0.28  # inches per row


def _weights(pool: OutcomePool) -> tuple[str | None, list[float | None]]:
    for name, short in (("logit_reml", "logit"), ("freeman_tukey", "FT")):
        if pool.models.get(name) is not None:
            return short, [s.weights.get(name) for s in pool.studies]
    return None, [None for _ in pool.studies]


def _diamond(ax: object, interval: Interval, y: float, filled: bool) -> None:
    lo, mid, hi = (100 * v for v in (interval.ci_low, interval.proportion, interval.ci_high))
    poly = Polygon(
        [(lo, y), (mid, y - 0.32), (hi, y), (mid, y + 0.32)],
        closed=True,
        facecolor="#1f3b73" if filled else "white",
        edgecolor="#1f3b73",
        linewidth=1.0,
    )
    ax.add_patch(poly)  # type: ignore[attr-defined]


def draw_forest(pool: OutcomePool, path: Path) -> Path:
    """Draw ``pool`` to ``path`` (.png, .svg or .pdf); returns the path."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InputError(
            f"{path}: unknown figure format {suffix or '(none)'}; use .png, .svg or .pdf."
        )
    shown = [("crude", pool.crude)] if pool.crude is not None else []
    shown += [(name, m.interval) for name in MODELS if (m := pool.models[name]) is not None]
    n_rows = pool.k + len(shown)
    notes = [
        f"{LABELS[name]}: not fitted: {pool.reasons[name]}."
        for name in MODELS
        if pool.models[name] is None and pool.reasons[name] not in (None, "not requested")
    ]
    extra = 0.8 * len(notes)
    height = ROW * (n_rows + 6 + extra)
    fig = Figure(figsize=(11.0, height))
    FigureCanvasAgg(fig)
    left, right = 0.41, 0.67
    bottom = (3.0 + extra) * ROW
    ax = fig.add_axes((left, bottom / height, right - left, 1 - (bottom + 1.4 * ROW) / height))
    lows = [s.interval.ci_low for s in pool.studies] + [iv.ci_low for _, iv in shown]
    highs = [s.interval.ci_high for s in pool.studies] + [iv.ci_high for _, iv in shown]
    x_min = 0 if not lows or min(lows) < 0.2 else 10 * math.floor(10 * min(lows))
    x_max = 100 if not highs or max(highs) > 0.8 else 10 * math.ceil(10 * max(highs))
    ax.set_xlim(x_min, x_max)
    ax.set_ylim(n_rows + 0.3, -1.2)
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    ax.set_yticks([])
    ax.set_xlabel("Proportion (%)")
    text = blended_transform_factory(fig.transFigure, ax.transData)
    col = {"study": 0.02, "events": 0.30, "total": 0.37, "ci": 0.69, "weight": 0.985}

    def put(x: str, y: float, value: str, bold: bool = False, align: str = "left") -> None:
        ax.text(
            col[x],
            y,
            value,
            transform=text,
            ha=align,
            va="center",
            fontsize=9,
            fontweight="bold" if bold else "normal",
        )

    weight_kind, weights = _weights(pool)
    put("study", -0.9, "Study", bold=True)
    put("events", -0.9, "Events", bold=True, align="right")
    put("total", -0.9, "Total", bold=True, align="right")
    put("ci", -0.9, "% [95% CI]", bold=True)
    if weight_kind:
        put("weight", -0.9, f"Weight ({weight_kind})", bold=True, align="right")
    known = [w for w in weights if w is not None]
    biggest = max(known) if known else 1.0
    for i, s in enumerate(pool.studies):
        iv = s.interval
        ax.plot([100 * iv.ci_low, 100 * iv.ci_high], [i, i], color="black", linewidth=1.0)
        w = weights[i]
        size = 20 + 110 * ((w if w is not None else biggest) / biggest)
        ax.scatter(
            [100 * iv.proportion], [i], marker="s", s=size, color="#555555", zorder=3, clip_on=False
        )
        put("study", i, s.study)
        put("events", i, str(s.events), align="right")
        put("total", i, str(s.total), align="right")
        put("ci", i, f"{percent(iv.proportion)} [{percent(iv.ci_low)}, {percent(iv.ci_high)}]")
        if w is not None:
            put("weight", i, f"{percent(w / 100)}%", align="right")
    y = pool.k - 0.2
    for name, interval in shown:
        y += 1
        _diamond(ax, interval, y, filled=name != "crude")
        model = pool.models.get(name)
        label = LABELS[name] + (" (HK)" if model is not None and model.hartung_knapp else "")
        put("study", y, label, bold=True)
        if name == "crude":
            put("events", y, str(pool.events), align="right", bold=True)
            put("total", y, str(pool.total), align="right", bold=True)
        put("ci", y, interval_text(interval).replace("% [", " ["), bold=True)
    centre = dict(shown).get("glmm") or dict(shown).get("logit_reml") or pool.crude
    if centre is not None:
        ax.axvline(100 * centre.proportion, color="#1f3b73", linestyle=":", linewidth=0.8)
    fitted = [(name, m) for name in MODELS if (m := pool.models[name]) is not None]
    if fitted:
        first = fitted[0][1]
        taus = "; ".join(f"τ² = {m.tau2:.4f} ({SHORT[name]})" for name, m in fitted)
        fig.text(
            col["study"],
            (0.6 + extra) * ROW / height,
            f"Heterogeneity: I² = {percent(first.i2 / 100)}%, Q = {first.q:.2f} "
            f"(df = {first.df}, {first.scale} scale); {taus}",
            fontsize=8.5,
        )
    for i, note in enumerate(notes):
        fig.text(col["study"], (0.6 + extra - 0.8 * (i + 1)) * ROW / height, note, fontsize=8.5)
    fig.text(
        col["study"],
        1 - 0.55 * ROW / height,
        f"Outcome: {pool.outcome}",
        fontsize=10.5,
        fontweight="bold",
        va="center",
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with rc_context({"svg.fonttype": "none"}):  # SVG text stays text
        fig.savefig(path, format=suffix[1:], dpi=150)
    return path
