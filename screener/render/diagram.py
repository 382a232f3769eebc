"""The PRISMA diagram's model, shared by the 2020 and 2009 templates: boxes, arrows, stages,
headers, and the helpers that word a count ("n = 1,234"; "NR" when unknown) or a pending line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Line = tuple[str, int]  # text, indent level

FOOTNOTES_2009 = (
    "From: Moher D, Liberati A, Tetzlaff J, Altman DG, The PRISMA Group. Preferred Reporting "
    "Items for Systematic Reviews and Meta-Analyses: The PRISMA Statement. PLoS Med "
    "2009;6(6):e1000097. doi: 10.1371/journal.pmed.1000097",
)
PENDING_NOTE = (
    'Incomplete: "pending n" marks records whose decision is not final yet (see `screener status`).'
)


@dataclass
class Box:
    key: str
    col: int
    row: int
    lines: list[Line]
    kind: str = "box"  # box | header | header-grey


@dataclass
class Arrow:
    start: str
    end: str
    kind: str  # down | right | elbow-left | elbow-right (down, then across into the end box)


@dataclass
class Stage:
    label: str
    first_row: int
    last_row: int


@dataclass
class Header:
    text: str
    first_col: int
    last_col: int
    colour: str  # yellow | grey


@dataclass
class Diagram:
    template: str
    variant: str
    boxes: list[Box]
    arrows: list[Arrow]
    stages: list[Stage]
    headers: list[Header]
    footnotes: list[str] = field(default_factory=list)

    def box(self, key: str) -> Box:
        return next(b for b in self.boxes if b.key == key)


def n(value: int | None) -> str:
    return "(n = NR)" if value is None else f"(n = {value:,})"


def pending_line(count: int, what: str) -> list[Line]:
    return [(f"{what}: pending {count}", 0)] if count else []
