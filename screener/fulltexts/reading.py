"""A full text as a reader goes through it: pages, search matches, the Methods and Results headings,
and opening the PDF in the system viewer. No UI here (the app in ``screener/tui/fulltext.py``
draws it).

* Search ignores case and treats any run of white space in the query as any run of white space
  in the text (a phrase broken across lines is found). Matches are ordered by page and place.
* A heading is a line that holds only the heading's words, optionally numbered (``2. Methods``,
  ``II. RESULTS``, ``Materials and methods:``), or, failing that, a line starting with them and a
  colon (a structured abstract's ``Methods: ...``). The first such line counts.
* The viewer is ``open`` on macOS, ``xdg-open`` elsewhere; when neither exists, a sentence says
  where the file is. The viewer is started detached and never waited for.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

HEADINGS = {
    "methods": (
        r"materials?\s+and\s+methods|patients\s+and\s+methods|subjects\s+and\s+methods"
        r"|methods?|methodology|study\s+design|方法|资料与方法|对象与方法"
    ),
    "results": r"results|findings|结果",
}
_NUMBER = r"(?:\d+(?:\.\d+)*\.?\s*|[IVX]+\.\s*)?"


@dataclass(frozen=True)
class Hit:
    """A place in the text: page index (from 0) and character span on that page."""

    page: int
    start: int
    end: int


def find(pages: list[str], query: str) -> list[Hit]:
    """Every match of ``query`` in the pages, by page and place."""
    words = query.split()
    if not words:
        return []
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words), re.IGNORECASE)
    return [
        Hit(number, m.start(), m.end())
        for number, page in enumerate(pages)
        for m in pattern.finditer(page)
    ]


def heading(pages: list[str], kind: str) -> Hit | None:
    """Where the ``methods`` or ``results`` heading is (see the module rules)."""
    words = HEADINGS[kind]
    alone = re.compile(rf"^[ \t]*{_NUMBER}(?:{words})[ \t]*[:.]?[ \t]*$", re.I | re.M)
    leading = re.compile(rf"^[ \t]*{_NUMBER}(?:{words})[ \t]*:", re.I | re.M)
    for pattern in (alone, leading):
        for number, page in enumerate(pages):
            found = pattern.search(page)
            if found:
                start = found.start() + len(found.group(0)) - len(found.group(0).lstrip())
                return Hit(number, start, found.end())
    return None


def line_of(text: str, offset: int, width: int) -> int:
    """The screen row (from 0) of ``offset`` in ``text`` wrapped at ``width`` columns (roughly:
    lines are counted as wrapped by characters, not words)."""
    width = max(1, width)
    rows = 0
    for line in text[:offset].split("\n")[:-1]:
        rows += max(1, -(-len(line) // width))
    last = text[:offset].rsplit("\n", 1)[-1]
    return rows + len(last) // width


def viewer() -> str | None:
    """The system's command that opens a file in its default application, if there is one."""
    return shutil.which("open" if sys.platform == "darwin" else "xdg-open")


def open_in_viewer(path: Path) -> str:
    """Open ``path`` in the system PDF viewer (detached); a sentence saying what happened."""
    if not path.is_file():
        return f"{path} is no longer there."
    command = viewer()
    if command is None:
        return f"No system viewer (xdg-open or open) was found; the file is {path}."
    try:
        subprocess.Popen(
            [command, str(path)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as exc:
        return f"The viewer could not be started ({exc.strerror or exc}); the file is {path}."
    return f"Opened {path.name} in the system viewer."
