"""The worked example's report page (prisma/report.html) in a real headless Chromium.

Skipped, saying why, when no Chromium is installed (Debian: apt-get install chromium). Opened at
desktop width (1280 CSS px) and phone width (390 CSS px): no console error, no request beyond
the file itself, every figure drawn, nothing wider than the screen, and a full-page screenshot
saved (in pytest's temporary folder, or in $SCREENER_SCREENSHOTS when set).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from browser import Chromium, find_chromium
from conftest import ROOT

PAGE = ROOT / "prisma" / "report.html"
WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture(scope="module")
def chromium() -> Chromium:
    binary = find_chromium()
    if binary is None:
        pytest.skip("no Chromium found (apt-get install chromium, or set $CHROMIUM)")
    with Chromium(binary) as browser:
        yield browser  # type: ignore[misc]


@pytest.mark.parametrize("name", sorted(WIDTHS))
def test_report_renders_cleanly(chromium: Chromium, name: str, tmp_path: Path) -> None:
    width = WIDTHS[name]
    session, load = chromium.open(PAGE.as_uri(), width)
    assert load.errors == [], load.console
    assert load.requests == [PAGE.as_uri()]  # the page fetches nothing else
    # every inline drawing has a size on screen, every section is there
    sizes = chromium.evaluate(
        session, "[...document.querySelectorAll('svg')].map(s => s.getBoundingClientRect().width)"
    )
    # 2 PRISMA diagrams (original search, update), the recall curve, 2 forest plots
    assert len(sizes) == 5 and min(sizes) > 0.5 * min(width, 600), sizes
    ids = chromium.evaluate(session, "[...document.querySelectorAll('section')].map(s => s.id)")
    assert ids == [
        "protocol",
        "searches",
        "prisma",
        "deduplication",
        "screening",
        "exclusions",
        "included",
        "pooled",
    ]
    # the page itself never scrolls sideways (wide tables scroll inside their own box)
    overflow = chromium.evaluate(
        session, "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    shot = tmp_path / f"report-{name}.png"
    shot_width, shot_height = chromium.screenshot(session, shot)
    assert shot.read_bytes().startswith(b"\x89PNG")
    assert shot_width == width and shot_height > 3000
    keep = os.environ.get("SCREENER_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, Path(keep) / shot.name)
