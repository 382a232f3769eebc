"""Text, Markdown, JSON and CSV writers of a PRISMA flow, and the writer chosen by file suffix.

Text and Markdown read the same diagram model as the drawing (screener.render.boxes), so the
wording is the same everywhere: boxes grouped by column header, then by stage; a side box
(removed, excluded, not retrieved) follows its box after an arrow.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from screener.errors import InputError
from screener.outputs import markdown_text
from screener.prisma.counts import Flow
from screener.prisma.fields import flow_fields, flow_fields_2009, write_csv
from screener.render.boxes import build
from screener.render.diagram import Box, Diagram

SUFFIXES = (".txt", ".md", ".json", ".csv", ".svg", ".png", ".pdf")
GROUPS = ((0,), (1, 2), (3, 4))


def _sections(diagram: Diagram) -> list[tuple[str, list[tuple[str, list[Box]]]]]:
    """(header, [(stage, boxes in reading order)]) per column group."""
    titles = {h.first_col: h.text for h in diagram.headers}
    out = []
    for group in GROUPS:
        boxes = [b for b in diagram.boxes if b.col in group]
        if not boxes:
            continue
        header = titles.get(group[0], f"PRISMA {diagram.template} flow diagram")
        stages = []
        for stage in diagram.stages:
            inside = sorted(
                (b for b in boxes if stage.first_row <= b.row <= stage.last_row),
                key=lambda b: (b.row, b.col),
            )
            if inside:
                stages.append((stage.label, inside))
        out.append((header, stages))
    return out


def _side_boxes(diagram: Diagram) -> set[str]:
    """Boxes reached by a sideways arrow (removed, excluded, not retrieved)."""
    return {a.end for a in diagram.arrows if a.kind == "right"}


def _title(flow: Flow, diagram: Diagram) -> str:
    names = {
        "new": "new review",
        "other": "new review, with other methods",
        "updated": "updated review",
        "updated-other": "updated review, with other methods",
        "2009": "all searches up to this round",
    }
    return f"PRISMA {diagram.template} flow diagram ({names[diagram.variant]}), round {flow.round}"


def text_lines(flow: Flow, template: str = "2020") -> list[str]:
    diagram = build(flow, template)
    sides = _side_boxes(diagram)
    lines = [_title(flow, diagram), ""]
    for header, stages in _sections(diagram):
        lines.append(header)
        for label, boxes in stages:
            lines.append(f"  {label}")
            for box in boxes:
                side = box.key in sides
                for i, (text, level) in enumerate(box.lines):
                    lead = ("  → " if i == 0 else "    ") if side else "  "
                    lines.append(f"  {lead}{'  ' * level}{text}")
        lines.append("")
    lines += diagram.footnotes
    return lines


def markdown(flow: Flow, template: str = "2020") -> str:
    diagram = build(flow, template)
    sides = _side_boxes(diagram)
    out = [f"# {_title(flow, diagram)}", ""]
    for header, stages in _sections(diagram):
        out += [f"## {header}", ""]
        for label, boxes in stages:
            out += [f"### {label}", ""]
            for box in boxes:
                arrow = "→ " if box.key in sides else ""
                for i, (text, level) in enumerate(box.lines):
                    # indented lines hold the user's text (database names, reasons): escaped
                    shown = markdown_text(text) if level else text
                    if i == 0:
                        out.append(f"- {arrow}{shown}")
                    else:
                        out.append(f"{'  ' * (level + 1)}- {shown}")
            out.append("")
    out += [f"{note}  " for note in diagram.footnotes]
    return "\n".join(out).rstrip() + "\n"


def fields(flow: Flow, template: str = "2020", list_pending: bool = False) -> dict[str, Any]:
    if template == "2009":
        return flow_fields_2009(flow, list_pending)
    return flow_fields(flow, list_pending)


def print_flow(flow: Flow, template: str, console: Console) -> None:
    """The flow on the terminal (rich): headers and stages in bold."""
    for line in text_lines(flow, template):
        stripped = line.strip()
        if line and not line.startswith(" ") and stripped:
            console.print(f"[bold]{escape(line)}[/bold]")
        elif line.startswith("  ") and not line.startswith("   ") and stripped:
            console.print(f"[bold cyan]{escape(line)}[/bold cyan]")
        else:
            console.print(escape(line), highlight=False)


def check_output(path: Path, template: str) -> None:
    """An InputError when ``path`` names no format this writer knows (checked before counting)."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(
            f"{path}: unknown output format {suffix or '(no suffix)'!r}.",
            hint="Use one of " + ", ".join(SUFFIXES) + ".",
        )
    if suffix == ".csv" and template == "2009":
        raise InputError(
            f"{path}: the CSV follows the PRISMA2020 template, which has no 2009 layout.",
            hint="Use --template 2020 for CSV, or write the 2009 counts as .json.",
        )


def write_flow(
    flow: Flow, template: str, path: Path, list_pending: bool = False
) -> tuple[str, list[str]]:
    """Write the flow in the format named by the file's suffix.

    Returns that format's name and warnings (a drawing too tall for an A4 page). JSON counts
    the pending records; ``list_pending`` adds their ids (``pending_ids``).
    """
    check_output(path, template)
    suffix = path.suffix.lower()
    if suffix == ".txt":
        path.write_text("\n".join(text_lines(flow, template)) + "\n", encoding="utf-8")
    elif suffix == ".md":
        path.write_text(markdown(flow, template), encoding="utf-8")
    elif suffix == ".json":
        text = json.dumps(fields(flow, template, list_pending), indent=2, ensure_ascii=False)
        path.write_text(text + "\n", encoding="utf-8")
    elif suffix == ".csv":
        write_csv(flow, path)
    else:
        from screener.render.flow import FONT, save  # matplotlib: only when drawing

        lay = save(build(flow, template), path)
        if not lay.fits:
            return suffix.lstrip("."), [
                f"The diagram is {lay.height:.1f} in tall, more than its A4 page "
                f"({lay.page[1]:.2f} in): printed on A4 its text would shrink to "
                f"{FONT * lay.print_scale:.1f} pt. Shorten long exclusion reasons or source names."
            ]
    return suffix.lstrip("."), []
