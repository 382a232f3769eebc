"""Mutation score of the modules whose numbers a reviewer publishes (not part of the test run).

Runs mutmut (configured in pyproject.toml, ``[tool.mutmut]``) on the modules given, or on every
module of ``only_mutate``, then prints one line per module:

    module  mutants  killed  survived  no_tests  timeout  other  score

``score`` = (killed + timeout) / (mutants - no_tests): a mutant that no test even calls counts
against the module through ``no_tests`` listed beside it, not silently. ``--report`` only reads
the results of an earlier run (``mutants/*.meta``) without running anything; ``--survivors``
lists the surviving mutants' names (``mutmut show NAME`` prints one as a diff).

Usage (from the repository's root, with the test extras and mutmut installed):

    python bench/mutation.py                      # every configured module (takes long)
    python bench/mutation.py screener/pooling/proportion.py --survivors
    python bench/mutation.py --report
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KILLED = {1: "killed", 3: "killed", 0: "survived", 5: "no_tests", 33: "no_tests", 36: "timeout"}
COLUMNS = ("mutants", "killed", "survived", "no_tests", "timeout", "other")


def configured_modules() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    modules: list[str] = config["tool"]["mutmut"]["only_mutate"]
    return modules


def module_name(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


def run(modules: list[str]) -> None:
    patterns = [f"{module_name(m)}.*" for m in modules]
    subprocess.run(["mutmut", "run", *patterns], cwd=ROOT, check=False)


def tally(path: str) -> tuple[Counter[str], list[str]]:
    meta = ROOT / "mutants" / f"{path}.meta"
    counts: Counter[str] = Counter()
    survivors: list[str] = []
    if not meta.exists():
        return counts, survivors
    exit_codes: dict[str, int | None] = json.loads(meta.read_text(encoding="utf-8"))[
        "exit_code_by_key"
    ]
    for name, code in exit_codes.items():
        if code is None:
            continue  # not checked yet
        status = KILLED.get(code, "other")
        counts["mutants"] += 1
        counts[status] += 1
        if status == "survived":
            survivors.append(name)
    return counts, survivors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="module paths (default: all configured)")
    parser.add_argument("--report", action="store_true", help="read earlier results only")
    parser.add_argument("--survivors", action="store_true", help="list surviving mutants")
    args = parser.parse_args()
    modules = args.modules or configured_modules()
    if not args.report:
        run(modules)
    print(f"{'module':40} " + " ".join(f"{c:>8}" for c in COLUMNS) + "    score")
    for path in modules:
        counts, survivors = tally(path)
        tested = counts["mutants"] - counts["no_tests"]
        caught = counts["killed"] + counts["timeout"]
        score = f"{caught / tested:8.1%}" if tested else "       -"
        print(f"{path:40} " + " ".join(f"{counts[c]:>8}" for c in COLUMNS) + f" {score}")
        if args.survivors:
            for name in survivors:
                print(f"    survived: {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
