"""Long fault-injection run: each write command SIGKILLed at random instants, many times.

Same checks as tests/test_faults.py (integrity_check, no partial search, no chained duplicate,
PRISMA identities, all-or-nothing against an uninterrupted run, rerun equals it), with more
kills and records. Run: ``.venv/bin/python bench/faults.py [--kills 20] [--records 2000]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from faults import campaign


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kills", type=int, default=20, help="kills per command")
    parser.add_argument("--records", type=int, default=2000, help="records in the MEDLINE file")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", nargs="*", help="commands (import dedupe criteria ...)")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}; {args.kills} kills per command")
    started = time.perf_counter()
    tally = campaign(
        Path(tempfile.mkdtemp(prefix="faults-")), args.records, args.kills, args.seed, args.only
    )
    print(
        f"{tally.runs} runs ({tally.mid_run} killed mid-run), {len(tally.failures)} failures, "
        f"{time.perf_counter() - started:.0f} s"
    )
    for failure in tally.failures:
        print("  " + failure)


if __name__ == "__main__":
    main()
