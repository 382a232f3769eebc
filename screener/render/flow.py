"""Draw a PRISMA diagram with matplotlib (Agg; SVG, PNG and PDF need no system package).

The page is A4 (portrait up to three grid columns, landscape beyond) and every font is at least
8 pt at that size. Text is measured with the Agg renderer and wrapped to its box before the boxes
are sized, so nothing is clipped; rows take the height of their tallest box.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch, Rectangle

from screener.render.diagram import Box, Diagram

A4 = (8.27, 11.69)  # inches
FONT = 8.5  # box text, points
HEADER_FONT = 9.5
STAGE_FONT = 10.0
FOOT_FONT = 8.0
MIN_FONT = 8.0
MARGIN = 0.3
STAGE_W = 0.3
STAGE_GAP = 0.12
COL_GAP = 0.3
ROW_GAP = 0.3
PAD = 0.07
INDENT = 0.14
LINE_FACTOR = 1.28  # line pitch / font size
COL_WEIGHT = {0: 0.8, 1: 1.1, 2: 1.0, 3: 1.0, 4: 1.0}
COLOURS = {"yellow": "#FFC125", "grey": "#DCDCDC", "stage": "#9DC3E6", "line": "#000000"}
FORMATS = ("svg", "png", "pdf")
TOKENS = re.compile(r"\(n = [^)]*\)\S*|\S+")  # "(n = 12)" never breaks


class Measure:
    """Text widths in inches, from the Agg renderer."""

    def __init__(self) -> None:
        self._dpi = 144.0
        canvas = FigureCanvasAgg(Figure(dpi=self._dpi))
        self._renderer = canvas.get_renderer()  # type: ignore[no-untyped-call]
        self._props = {
            (size, bold): FontProperties(
                family="DejaVu Sans", size=size, weight="bold" if bold else "normal"
            )
            for size in (FONT, HEADER_FONT, STAGE_FONT, FOOT_FONT)
            for bold in (False, True)
        }
        self._cache: dict[tuple[str, float, bool], float] = {}

    def width(self, text: str, size: float, bold: bool = False) -> float:
        key = (text, size, bold)
        if key not in self._cache:
            prop = self._props.get((size, bold)) or FontProperties(
                family="DejaVu Sans", size=size, weight="bold" if bold else "normal"
            )
            w, _, _ = self._renderer.get_text_width_height_descent(text, prop, ismath=False)
            self._cache[key] = float(w) / self._dpi * 1.02
        return self._cache[key]

    def wrap(self, text: str, width: float, size: float, bold: bool = False) -> list[str]:
        """Greedy word wrap to ``width`` inches; a word longer than a line is cut."""
        lines: list[str] = []
        current = ""
        space = self.width("a b", size, bold) - self.width("ab", size, bold)
        used = 0.0
        for word in TOKENS.findall(text):
            trial = f"{current} {word}" if current else word
            extra = self.width(word, size, bold) + (space if current else 0.0)
            if used + extra <= width:  # sum of word widths: kerning across words is nil
                current, used = trial, used + extra
                continue
            if current:
                lines.append(current)
            while self.width(word, size, bold) > width and len(word) > 1:
                cut = len(word) - 1
                while cut > 1 and self.width(word[:cut], size, bold) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            current, used = word, self.width(word, size, bold)
        if current or not lines:
            lines.append(current)
        return lines


@dataclass
class Placed:
    key: str
    x: float
    y: float
    w: float
    h: float
    lines: list[tuple[float, str]]  # x offset from the box's left edge, text
    fill: str = "white"
    size: float = FONT
    bold: bool = False
    centred: bool = False

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


@dataclass
class Layout:
    width: float
    height: float
    page: tuple[float, float]
    boxes: dict[str, Placed]
    headers: list[Placed]
    stages: list[Placed]
    footnotes: list[str]
    foot_y: float
    segments: list[tuple[list[tuple[float, float]], bool]]  # polyline, arrow head at end

    @property
    def fits(self) -> bool:
        """The drawing fits its A4 page at full size (fonts as declared, >= 8 pt)."""
        return self.height <= self.page[1]

    @property
    def print_scale(self) -> float:
        """The scale at which it prints on its A4 page (1.0 when it fits)."""
        return min(1.0, self.page[1] / self.height)


def _pitch(size: float) -> float:
    return size * LINE_FACTOR / 72


def _box_lines(m: Measure, box: Box, width: float) -> list[tuple[float, str]]:
    out: list[tuple[float, str]] = []
    for text, level in box.lines:
        indent = level * INDENT
        for i, part in enumerate(m.wrap(text, width - 2 * PAD - indent, FONT)):
            hang = INDENT if i and level else 0.0
            if hang and m.width(part, FONT) > width - 2 * PAD - indent - hang:
                hang = 0.0
            out.append((PAD + indent + hang, part))
    return out


def layout(diagram: Diagram) -> Layout:
    m = Measure()
    cols = sorted(
        {b.col for b in diagram.boxes}
        | {c for h in diagram.headers for c in (h.first_col, h.last_col)}
    )
    page = A4 if len(cols) <= 3 else (A4[1], A4[0])
    left = MARGIN + STAGE_W + STAGE_GAP
    avail = page[0] - left - MARGIN - COL_GAP * (len(cols) - 1)
    weights = sum(COL_WEIGHT[c] for c in cols)
    col_x: dict[int, float] = {}
    col_w: dict[int, float] = {}
    x = left
    for c in cols:
        col_w[c] = avail * COL_WEIGHT[c] / weights
        col_x[c] = x
        x += col_w[c] + COL_GAP
    # headers
    y = MARGIN
    headers: list[Placed] = []
    if diagram.headers:
        wrapped = []
        for h in diagram.headers:
            w = col_x[h.last_col] + col_w[h.last_col] - col_x[h.first_col]
            wrapped.append((h, w, m.wrap(h.text, w - 2 * PAD, HEADER_FONT, bold=True)))
        hh = max(len(lines) for *_, lines in wrapped) * _pitch(HEADER_FONT) + 2 * PAD
        for h, w, lines in wrapped:
            headers.append(
                Placed(
                    f"header:{h.text}",
                    col_x[h.first_col],
                    y,
                    w,
                    hh,
                    [(0.0, t) for t in lines],
                    COLOURS[h.colour],
                    HEADER_FONT,
                    True,
                    True,
                )
            )
        y += hh + 0.15
    # boxes and rows
    texts = {b.key: _box_lines(m, b, col_w[b.col]) for b in diagram.boxes}
    heights = {k: len(v) * _pitch(FONT) + 2 * PAD for k, v in texts.items()}
    n_rows = max(b.row for b in diagram.boxes) + 1
    row_h = [
        max((heights[b.key] for b in diagram.boxes if b.row == r), default=0.3)
        for r in range(n_rows)
    ]
    for s in diagram.stages:  # a stage label must fit its rows
        need = m.width(s.label, STAGE_FONT, bold=True) + 2 * PAD + 0.2
        have = sum(row_h[s.first_row : s.last_row + 1]) + ROW_GAP * (s.last_row - s.first_row)
        if have < need:
            row_h[s.last_row] += need - have
    row_y = []
    for r in range(n_rows):
        row_y.append(y)
        y += row_h[r] + ROW_GAP
    boxes = {
        b.key: Placed(
            b.key,
            col_x[b.col],
            row_y[b.row] + (row_h[b.row] - heights[b.key]) / 2,
            col_w[b.col],
            heights[b.key],
            texts[b.key],
        )
        for b in diagram.boxes
    }
    stages = [
        Placed(
            f"stage:{s.label}",
            MARGIN,
            row_y[s.first_row],
            STAGE_W,
            row_y[s.last_row] + row_h[s.last_row] - row_y[s.first_row],
            [(0.0, s.label)],
            COLOURS["stage"],
            STAGE_FONT,
            True,
            True,
        )
        for s in diagram.stages
    ]
    # footnotes
    foot_y = y - ROW_GAP + 0.2
    footnotes: list[str] = []
    for note in diagram.footnotes:
        footnotes += m.wrap(note, page[0] - 2 * MARGIN, FOOT_FONT)
    height = foot_y + len(footnotes) * _pitch(FOOT_FONT) + MARGIN
    return Layout(
        page[0], height, page, boxes, headers, stages, footnotes, foot_y, _segments(diagram, boxes)
    )


def _segments(
    diagram: Diagram, boxes: dict[str, Placed]
) -> list[tuple[list[tuple[float, float]], bool]]:
    out = []
    for a in diagram.arrows:
        s, e = boxes[a.start], boxes[a.end]
        if a.kind == "down":
            out.append(([(s.cx, s.y + s.h), (s.cx, e.y)], True))
        elif a.kind == "right":
            out.append(([(s.x + s.w, s.cy), (e.x, s.cy)], True))
        elif a.kind == "elbow-left":
            out.append(([(s.cx, s.y + s.h), (s.cx, e.cy), (e.x + e.w, e.cy)], True))
        else:  # elbow-right
            out.append(([(s.cx, s.y + s.h), (s.cx, e.cy), (e.x, e.cy)], True))
    return out


def figure(diagram: Diagram) -> tuple[Figure, Layout]:
    """The diagram drawn on a matplotlib Figure (one data unit = one inch, y downwards)."""
    lay = layout(diagram)
    fig = Figure(figsize=(lay.width, lay.height))
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0, lay.width)
    ax.set_ylim(lay.height, 0)
    ax.set_axis_off()
    for p in lay.stages:
        ax.add_patch(
            FancyBboxPatch(
                (p.x, p.y),
                p.w,
                p.h,
                boxstyle="round,pad=0,rounding_size=0.06",
                facecolor=p.fill,
                edgecolor="none",
                gid=p.key,
            )
        )
        ax.text(
            p.cx,
            p.cy,
            p.lines[0][1],
            rotation=90,
            ha="center",
            va="center",
            fontsize=p.size,
            fontweight="bold",
            parse_math=False,
            gid=p.key,
            family="DejaVu Sans",
        )
    for p in lay.headers:
        ax.add_patch(
            FancyBboxPatch(
                (p.x, p.y),
                p.w,
                p.h,
                boxstyle="round,pad=0,rounding_size=0.05",
                facecolor=p.fill,
                edgecolor="none",
                gid=p.key,
            )
        )
        for i, (_, text) in enumerate(p.lines):
            ax.text(
                p.cx,
                p.y + PAD + i * _pitch(p.size),
                text,
                ha="center",
                va="top",
                fontsize=p.size,
                fontweight="bold",
                parse_math=False,
                gid=p.key,
                family="DejaVu Sans",
            )
    for p in lay.boxes.values():
        ax.add_patch(
            Rectangle(
                (p.x, p.y),
                p.w,
                p.h,
                facecolor="white",
                edgecolor=COLOURS["line"],
                linewidth=0.8,
                gid=p.key,
            )
        )
        for i, (dx, text) in enumerate(p.lines):
            ax.text(
                p.x + dx,
                p.y + PAD + i * _pitch(FONT),
                text,
                ha="left",
                va="top",
                fontsize=FONT,
                parse_math=False,
                gid=p.key,
                family="DejaVu Sans",
            )
    for points, head in lay.segments:
        if len(points) > 2:
            xs, ys = zip(*points[:-1], strict=True)
            ax.add_line(Line2D(xs, ys, color=COLOURS["line"], linewidth=0.9))
        ax.annotate(
            "",
            xy=points[-1],
            xytext=points[-2],
            arrowprops={
                "arrowstyle": "-|>" if head else "-",
                "color": COLOURS["line"],
                "linewidth": 0.9,
                "shrinkA": 0,
                "shrinkB": 0,
                "mutation_scale": 9,
            },
        )
    for i, text in enumerate(lay.footnotes):
        ax.text(
            MARGIN,
            lay.foot_y + i * _pitch(FOOT_FONT),
            text,
            ha="left",
            va="top",
            fontsize=FOOT_FONT,
            parse_math=False,
            family="DejaVu Sans",
        )
    return fig, lay


def save(diagram: Diagram, *paths: Path) -> Layout:
    """Write the diagram as SVG, PNG or PDF (by each file's suffix), drawn once."""
    kinds = [path.suffix.lower().lstrip(".") for path in paths]
    for kind in kinds:
        if kind not in FORMATS:
            raise ValueError(f"unknown diagram format {kind!r}")
    with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": "prisma-screener"}):
        fig, lay = figure(diagram)
        for path, kind in zip(paths, kinds, strict=True):
            metadata: dict[str, str | None] = {}
            if kind == "svg":
                metadata = {"Date": None}
            elif kind == "pdf":
                metadata = {"CreationDate": None}
            fig.savefig(path, format=kind, dpi=150 if kind == "png" else 72, metadata=metadata)
    return lay
