"""records/tacrolimus-2015/README.md is what its generator writes (edit demo_readme.py, rerun
make_data.py): regenerated from ../shared and compared, skipped when ../shared is absent."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest
from conftest import ROOT

DEMO = ROOT / "records" / "tacrolimus-2015"


@pytest.mark.shared
def test_readme_matches_its_generator(shared: Path) -> None:
    sys.path.insert(0, str(DEMO))
    try:
        import demo_readme
        import demo_table
    finally:
        sys.path.remove(str(DEMO))
    with (shared / "seed-review" / "bibliography.csv").open(encoding="utf-8", newline="") as fh:
        bib = {row["key"]: row for row in csv.DictReader(fh)}
    text = demo_readme.readme(demo_table.build_records(bib))
    assert text == (DEMO / "README.md").read_text(encoding="utf-8")
    assert "screener fulltext attach ~/Zotero/storage --review my-review" in text
