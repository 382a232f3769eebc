"""The review report's figures as inline SVG: the PRISMA diagram and the forest plots (drawn by
the same code as ``screener prisma`` and ``screener pool --forest``), and the recall curve of
the screening so far (written here: a step line of includes found against records screened).

Figures are deterministic: matplotlib's ids are salted with a fixed string and the SVG metadata
(which holds a date) is dropped, so the same review gives the same page.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import matplotlib

from screener.pooling.pool import OutcomePool
from screener.prisma.counts import Flow
from screener.render.boxes import build
from screener.render.flow import save
from screener.render.forest import draw_forest
from screener.render.html import esc, inline_svg


def _drawn(draw: Callable[[Path], object], name: str) -> str:
    """What ``draw`` writes to an SVG file, read back (matplotlib ids salted: deterministic)."""
    with (
        tempfile.TemporaryDirectory() as tmp,
        matplotlib.rc_context({"svg.hashsalt": "prisma-screener-report"}),
    ):
        path = Path(tmp) / name
        draw(path)
        return path.read_text(encoding="utf-8")


def prisma_svg(flow: Flow, prefix: str, label: str) -> str:
    """The PRISMA 2020 diagram of ``flow`` (as ``screener prisma --out F.svg`` draws it)."""
    diagram = build(flow, "2020")
    return inline_svg(_drawn(lambda path: save(diagram, path), "prisma.svg"), prefix, label)


def forest_svg(pool: OutcomePool, prefix: str, label: str) -> str:
    """The forest plot of one outcome (as ``screener pool --forest F.svg`` draws it)."""
    return inline_svg(_drawn(lambda path: draw_forest(pool, path), "forest.svg"), prefix, label)


def recall_curve_svg(found: Sequence[bool], total: int, label: str) -> str:
    """Includes found (y) against records screened (x), in the order screened, out of ``total``
    records at the stage; a dashed diagonal shows what a random order would find on average."""
    width, height, left, bottom, top, right = 640, 300, 56, 44, 16, 16
    plot_w, plot_h = width - left - right, height - top - bottom
    found_total = max(1, sum(found))
    n = max(1, total)

    def x(i: float) -> float:
        return left + plot_w * i / n

    def y(k: float) -> float:
        return top + plot_h * (1 - k / found_total)

    points = [(x(0), y(0))]
    k = 0
    for i, hit in enumerate(found, start=1):
        if hit:
            points.append((x(i - 1), y(k)))
            k += 1
            points.append((x(i - 1), y(k)))
        points.append((x(i), y(k)))
    line = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
    random_end = (x(len(found)), y(found_total * len(found) / n))
    ticks = []
    for step in _ticks(n):
        ticks.append(
            f'<line x1="{x(step):.1f}" y1="{top + plot_h}" x2="{x(step):.1f}" '
            f'y2="{top + plot_h + 5}" stroke="#1b1b1b"/>'
            f'<text x="{x(step):.1f}" y="{top + plot_h + 19}" text-anchor="middle">{step}</text>'
        )
    for step in _ticks(found_total):
        ticks.append(
            f'<line x1="{left - 5}" y1="{y(step):.1f}" x2="{left}" y2="{y(step):.1f}" '
            f'stroke="#1b1b1b"/>'
            f'<text x="{left - 8}" y="{y(step) + 4:.1f}" text-anchor="end">{step}</text>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{esc(label)}" font-family="DejaVu Sans, sans-serif" font-size="12" '
        f'fill="#1b1b1b">'
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#ffffff" '
        f'stroke="#8a8a8a"/>'
        f'<line x1="{x(0):.1f}" y1="{y(0):.1f}" x2="{random_end[0]:.1f}" '
        f'y2="{random_end[1]:.1f}" stroke="#6b6b6b" stroke-dasharray="5 4"/>'
        f'<polyline points="{line}" fill="none" stroke="#0a4fa8" stroke-width="2.2"/>'
        f"{''.join(ticks)}"
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 6}" text-anchor="middle">'
        f"Records screened (of {total:,} at this stage)</text>"
        f'<text transform="translate(14 {top + plot_h / 2:.1f}) rotate(-90)" '
        f'text-anchor="middle">Includes found</text>'
        "</svg>"
    )


def _ticks(top: int) -> list[int]:
    """About five round tick values from 0 to ``top``."""
    raw = max(1, top) / 5
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if raw <= m * magnitude)
    step = max(1, int(step))
    return list(range(0, top + 1, step))
