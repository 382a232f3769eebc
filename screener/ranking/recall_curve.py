"""Recall curves of a simulation: an ASCII plot for the terminal and a PNG (matplotlib, Agg)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from screener.errors import InputError
from screener.ranking.simulation import Simulation


def _at(curve: NDArray[np.float64], fraction: float) -> float:
    n = len(curve) - 1
    return float(curve[min(n, round(fraction * n))])


def ascii_curve(sim: Simulation, width: int = 60, height: int = 16) -> str:
    """Mean recall (y) against the share of records screened (x): ``*`` ranked, ``.`` random,
    ``#`` where both fall in one cell."""
    ranked, random = sim.curves("ranked"), sim.curves("random")
    grid = [[" "] * width for _ in range(height)]
    for col in range(width):
        x = col / (width - 1)
        for curve, mark in ((random, "."), (ranked, "*")):
            row = height - 1 - round(_at(curve, x) * (height - 1))
            cell = grid[row][col]
            grid[row][col] = "#" if cell not in (" ", mark) else mark
    lines = []
    for i, cells in enumerate(grid):
        label = {0: "1.0", (height - 1) // 2: "0.5", height - 1: "0.0"}.get(i, "")
        lines.append(f"{label:>4} |{''.join(cells)}")
    lines.append("     +" + "-" * width)
    gap = width - 8
    lines.append("      0%" + " " * (gap // 2 - 2) + "50%" + " " * (gap - gap // 2 - 2) + "100%")
    lines.append("      recall vs share of records screened   * ranked   . random")
    return "\n".join(lines)


def save_png(sim: Simulation, path: Path) -> None:
    """Save the mean recall curves (ranked, random, and each ranked run faintly) as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = len(sim.data.labels)
    x = np.arange(n + 1) / n
    fig, ax = plt.subplots(figsize=(6.4, 4.4), dpi=120)
    labels = np.asarray(sim.data.labels, dtype=np.float64)
    for run in sim.ranked:
        found = np.concatenate([[0.0], np.cumsum(labels[run.order])]) / sim.data.n_includes
        ax.plot(x[: len(found)], found, color="tab:blue", alpha=0.15, linewidth=0.8)
    ax.plot(x, sim.curves("ranked"), color="tab:blue", label=f"ranked ({sim.model}), mean")
    ax.plot(x, sim.curves("random"), color="tab:gray", linestyle="--", label="random order, mean")
    ax.axhline(0.95, color="tab:red", linewidth=0.6, linestyle=":")
    summary = sim.as_dict()["ranked"]["mean"]
    ax.set_title(
        f"{sim.data.path.name}: {sim.data.n_includes}/{n} includes, {len(sim.ranked)} run(s), "
        f"WSS@95 {summary['wss_95']:.3f}",
        fontsize=9,
    )
    ax.set_xlabel("share of records screened")
    ax.set_ylabel("recall")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    try:
        fig.savefig(path, format="png")
    except OSError as exc:
        raise InputError(f"{path}: cannot write the curve ({exc.strerror}).") from exc
    finally:
        plt.close(fig)
