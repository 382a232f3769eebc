"""Outputs a reviewer opens: where they may be written, and text that is safe to open or show.

* **The output path** (``--out FILE``): an existing file is replaced only with ``--force``; a
  missing folder, a folder given as the file, or a path that is not a regular file (a FIFO, a
  device) is refused with one sentence before anything is computed or created. Nothing is
  created beside the named file.
* **Spreadsheet cells** (CSV exports, the extraction sheet, decision and PRISMA CSVs): a cell
  that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be read as a
  formula by Excel or LibreOffice (a title such as ``=HYPERLINK(...)`` becomes a live link), so
  it is written with a leading single quote (OWASP's rule for CSV injection). A cell that is a
  plain number (``-0.5``, ``+3``, ``-1e-3``) keeps its sign: a spreadsheet reads it as that
  number, never as a formula, and pooling needs it numeric. ``--raw`` writes cells verbatim.
  Reading a decisions file back removes that quote again.
* **Printable text** (the terminal app, ``.md``/``.txt``/``.svg`` outputs): ANSI escape
  sequences and other control characters are removed (tab and line feed are kept); Markdown
  and matplotlib's ``$...$`` math markup are escaped where the text is written in those formats.
"""

from __future__ import annotations

import re
import stat
from pathlib import Path

from screener.errors import InputError

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
# CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \), other two-character ESC sequences, then
# every other C0/C1 control character except tab and line feed.
_CONTROL = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?|\x9b[0-?]*[ -/]*[@-~]"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"
)
_MARKDOWN = re.compile(r"([\\`*_\[\]<>|~])")  # what starts emphasis, code, links, HTML, tables


def check_output(path: Path, force: bool = False, option: str = "--out") -> None:
    """An InputError unless ``path`` can be written: its folder exists, it is not a folder or a
    special file, and it does not exist yet (or ``force``). ``option`` names the command's
    option in the hints."""
    folder = path.parent
    if path.is_dir():
        raise InputError(f"{path} is a folder: give the name of a file to write, e.g. {path}/out.")
    if not folder.exists():
        raise InputError(
            f"The folder {folder} does not exist, so {path.name} cannot be written there.",
            hint=f"Create the folder first, or pass another {option} path.",
        )
    if not folder.is_dir():
        raise InputError(f"{folder} is not a folder, so {path} cannot be written.")
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISREG(mode):
        raise InputError(f"{path} exists and is not a regular file: screener writes only files.")
    if not force:
        raise InputError(
            f"{path} already exists; nothing was written.",
            hint=f"Pass --force to replace it, or choose another {option} path.",
        )


def safe_cell(text: str) -> str:
    """A CSV cell a spreadsheet shows as text: formula-leading text gets a leading ``'``."""
    if text and text.startswith(FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def safe_row(row: list[str]) -> list[str]:
    return [safe_cell(cell) for cell in row]


def unsafe_cell(text: str) -> str:
    """Undo :func:`safe_cell` when reading a file screener wrote."""
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text


def printable(text: str) -> str:
    """``text`` without ANSI escape sequences and control characters (tab, line feed kept)."""
    if text.isprintable():
        return text
    return _CONTROL.sub("", text)


def markdown_text(text: str) -> str:
    """Printable text with Markdown's markup characters escaped."""
    return _MARKDOWN.sub(r"\\\1", printable(text))
