"""Recipe for the worked example's reconstructed search (records/tacrolimus-2015/).

The export files, decisions and README tables in this folder were written by this script;
the files are the data, this is how they were made. Run from the repository root:

    .venv/bin/python records/tacrolimus-2015/make_data.py

It reads ../shared/seed-review/bibliography.csv for the bibliographic facts of the real
papers (so that titles, authors, journals, volumes, pages, PMIDs and DOIs are exactly the
seen ones), and the tables in ``demo_table.py`` (next to this file) for everything the
reconstruction adds: which database exports which record, the abstracts written for the
demo, the constructed records and every screening decision.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import demo_table as T  # noqa: E402
import demo_writers as W  # noqa: E402

BIB = HERE.parents[2] / "shared" / "seed-review" / "bibliography.csv"


def main() -> None:
    if not BIB.is_file():
        raise SystemExit(f"{BIB} is absent: the real records' facts are read from it.")
    with BIB.open(encoding="utf-8", newline="") as fh:
        bib = {row["key"]: row for row in csv.DictReader(fh)}
    records = T.build_records(bib)
    W.write_all(HERE, records)


if __name__ == "__main__":
    main()
