"""Small HTML building blocks for the review report: every text passes through ``esc``.

The page is one file with no network access: inline CSS, inline SVG, no script. Tables have a
caption and header cells with a scope; a figure has a text alternative; colours keep a contrast
of at least 4.5:1 on white; the print style drops the contents list and shows each link's
address after it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from html import escape

Cell = str | int | float | None

CSS = """
:root { --ink: #1b1b1b; --muted: #4a4a4a; --line: #c8c8c8; --band: #f3f5f8; --link: #0a4fa8;
  --pending: #7a4500; --pending-bg: #fff4e0; --ok: #1d5e20; --ok-bg: #e8f4e8; }
* { box-sizing: border-box; }
html { color: var(--ink); background: #fff; font: 16px/1.5 system-ui, -apple-system, "Segoe UI",
  Roboto, "DejaVu Sans", sans-serif; }
body { margin: 0 auto; max-width: 62rem; padding: 1rem 1.25rem 3rem; }
h1, h2, h3, p, li, dd, figcaption { overflow-wrap: anywhere; }
td, th { overflow-wrap: break-word; }
h1 { font-size: 1.7rem; line-height: 1.25; margin: 0.5rem 0; }
h2 { font-size: 1.35rem; margin: 2.2rem 0 0.6rem; padding-top: 0.6rem;
  border-top: 2px solid var(--line); }
h3 { font-size: 1.1rem; margin: 1.4rem 0 0.4rem; }
p, li { max-width: 48rem; }
a { color: var(--link); }
.muted { color: var(--muted); }
.status { display: inline-block; padding: 0.15rem 0.6rem; border-radius: 0.3rem;
  font-weight: 600; }
.pending { color: var(--pending); background: var(--pending-bg); }
.done { color: var(--ok); background: var(--ok-bg); }
p.pending, div.pending { padding: 0.5rem 0.75rem; border-left: 4px solid var(--pending); }
nav ol { columns: 2 14rem; padding-left: 1.4rem; }
.scroll { overflow-x: auto; margin: 0.5rem 0 1rem; }
table { border-collapse: collapse; min-width: 60%; font-size: 0.95rem; }
caption { text-align: left; font-weight: 600; padding: 0.3rem 0; }
th, td { border: 1px solid var(--line); padding: 0.3rem 0.5rem; text-align: left;
  vertical-align: top; }
thead th { background: var(--band); }
tbody th { font-weight: normal; }
.date { white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
dt { font-weight: 600; }
dd { margin: 0; }
figure { margin: 1rem 0; }
figure svg { display: block; width: 100%; height: auto; max-width: 46rem; }
figure.wide svg { max-width: 60rem; }
figcaption { color: var(--muted); font-size: 0.92rem; margin-top: 0.3rem; }
details { margin: 0.5rem 0; }
summary { cursor: pointer; color: var(--link); }
pre { white-space: pre-wrap; font-size: 0.85rem; background: var(--band); padding: 0.6rem; }
code { font-size: 0.92em; }
@media (max-width: 40rem) {
  html { font-size: 15px; }
  body { padding: 0.75rem; }
  dl { grid-template-columns: 1fr; }
  dd { margin-bottom: 0.4rem; }
  table { font-size: 0.85rem; }
  figure.wide { overflow-x: auto; }
  figure.wide svg { min-width: 36rem; }
}
@media print {
  html { font-size: 11pt; }
  body { max-width: none; padding: 0; }
  nav { display: none; }
  h2 { break-after: avoid; }
  figure, table { break-inside: avoid; }
  .scroll { overflow: visible; }
  a { color: var(--ink); }
  a[href^="http"]::after { content: " <" attr(href) ">"; font-size: 0.8em; color: var(--muted); }
  details > *:not(summary) { display: block; }
}
"""


def esc(value: Cell) -> str:
    """Text for HTML (``None`` becomes an empty string)."""
    return "" if value is None else escape(str(value), quote=True)


def number(value: float | int | None, places: int = 0) -> str:
    """A number as shown in the report; ``None`` as an en dash."""
    if value is None:
        return "–"
    return f"{value:,.{places}f}" if isinstance(value, float) else f"{value:,}"


def link(href: str, text: str) -> str:
    return f'<a href="{esc(href)}">{esc(text)}</a>'


def table(
    caption: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    numeric: Iterable[int] = (),
    row_headers: bool = False,
) -> str:
    """A table; cells are HTML already (escape text with ``esc``), ``numeric`` columns align
    right, the first cell of a row is its header when ``row_headers``."""
    right = set(numeric)

    def cls(i: int) -> str:
        return ' class="num"' if i in right else ""

    head = "".join(f'<th scope="col"{cls(i)}>{esc(h)}</th>' for i, h in enumerate(headers))
    body = []
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            if i == 0 and row_headers:
                cells.append(f'<th scope="row"{cls(i)}>{cell}</th>')
            else:
                cells.append(f"<td{cls(i)}>{cell}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f'<div class="scroll"><table><caption>{esc(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def pending(text: str) -> str:
    """A paragraph marking something not done yet."""
    return f'<p class="pending"><strong>Pending:</strong> {esc(text)}</p>'


def bullets(items: Iterable[str]) -> str:
    """A list of text items (escaped here)."""
    return "<ul>" + "".join(f"<li>{esc(item)}</li>" for item in items) + "</ul>"


_PROLOGUE = re.compile(r"^.*?(?=<svg\b)", re.S)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)
_ID = re.compile(r'\bid="([^"]+)"')
_SIZE = re.compile(r'(<svg\b[^>]*?)\s(?:width|height)="[^"]*"')


def inline_svg(svg: str, prefix: str, label: str) -> str:
    """An SVG file's text made fit to sit inside the page: no XML prologue or metadata (which
    holds a date), ids prefixed so several figures never clash, sized by CSS, and labelled
    for screen readers with ``label``."""
    text = _METADATA.sub("", _PROLOGUE.sub("", svg, count=1))
    for _ in range(2):
        text = _SIZE.sub(r"\1", text, count=1)
    for old in sorted(set(_ID.findall(text)), key=len, reverse=True):
        new = f"{prefix}-{old}"
        text = text.replace(f'id="{old}"', f'id="{new}"')
        text = text.replace(f'"#{old}"', f'"#{new}"').replace(f"url(#{old})", f"url(#{new})")
    return text.replace("<svg ", f'<svg role="img" aria-label="{esc(label)}" ', 1).strip()


def figure(svg: str, caption: str, wide: bool = False) -> str:
    kind = ' class="wide"' if wide else ""
    return f"<figure{kind}>{svg}<figcaption>{esc(caption)}</figcaption></figure>"


def page(title: str, body: str) -> str:
    """The whole document."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )
