"""Mutation score of the modules whose numbers a reviewer publishes (not part of the test run).

Runs mutmut (configured in pyproject.toml, ``[tool.mutmut]``) on the modules given, or on every
module of ``only_mutate``, then prints one line per module:

    module  mutants  killed  survived  no_tests  timeout  other  score

``score`` = (killed + timeout) / mutants: a mutant that no test even calls counts as not killed
(``no_tests``, listed beside it). Equivalent mutants are not subtracted here: bench/README.md
lists them with their reasons and gives the score without them. ``--report`` only reads the
results of an earlier run (``mutants/*.meta``) without running anything; ``--survivors`` lists
the surviving mutants' names (``mutmut show NAME`` prints one as a diff).

``--rerun-survivors`` runs only the mutants an earlier run left alive (survived or no tests),
e.g. after new tests were added, and keeps the earlier result of every other mutant of a module
whose source is unchanged (a mutant killed by a test stays killed when tests are only added;
mutmut itself forgets every result when its test selection in pyproject.toml changes).

Usage (from the repository's root, with the test extras and mutmut installed):

    python bench/mutation.py                      # every configured module (takes long)
    python bench/mutation.py screener/pooling/proportion.py --survivors
    python bench/mutation.py --rerun-survivors screener/screening/criteria.py
    python bench/mutation.py --report
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# mutmut's exit codes (mutmut/stats.py); a negative code is the signal that ended the worker
KILLED = {1: "killed", 3: "killed", 0: "survived", 5: "no_tests", 33: "no_tests"}
KILLED |= {code: "timeout" for code in (36, 24, -24, 152, 255)}
COLUMNS = ("mutants", "killed", "survived", "no_tests", "timeout", "other")


def configured_modules() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    modules: list[str] = config["tool"]["mutmut"]["only_mutate"]
    return modules


def module_name(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


def run(modules: list[str], children: int) -> None:
    """mutmut on the modules' mutants, at the lowest CPU priority, tests reading ../shared."""
    run_names([f"{module_name(m)}.*" for m in modules], children)


def run_names(patterns: list[str], children: int) -> None:
    env = dict(os.environ)
    shared = ROOT.parent / "shared"
    if shared.is_dir():  # the copy in mutants/ has no ../shared beside it
        env.setdefault("SCREENER_SHARED", str(shared.resolve()))
    command = [sys.executable, "-m", "mutmut", "run", f"--max-children={children}", *patterns]
    subprocess.run(["nice", "-n", "19", *command], cwd=ROOT, env=env, check=False)


def exit_codes(path: str) -> dict[str, int | None]:
    meta = ROOT / "mutants" / f"{path}.meta"
    if not meta.exists():
        return {}
    codes: dict[str, int | None] = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
    return codes


def source_hash(path: str) -> str:
    return hashlib.sha256((ROOT / path).read_bytes()).hexdigest()


def rerun_survivors(modules: list[str], children: int) -> None:
    """Run the mutants left alive by the last run; keep the others' results (same source)."""
    earlier = {m: (source_hash(m), exit_codes(m)) for m in modules}
    alive = [
        name
        for _, codes in earlier.values()
        for name, code in codes.items()
        if code is not None and KILLED.get(code) in ("survived", "no_tests")
    ]
    if not alive:
        return
    run_names(alive, children)
    for path, (digest, codes) in earlier.items():
        if source_hash(path) != digest:
            continue
        meta = ROOT / "mutants" / f"{path}.meta"
        data = json.loads(meta.read_text(encoding="utf-8"))
        now = data["exit_code_by_key"]
        for name, code in codes.items():
            if now.get(name) is None and code is not None:
                now[name] = code
        meta.write_text(json.dumps(data, indent=4), encoding="utf-8")


def tally(path: str) -> tuple[Counter[str], list[str]]:
    counts: Counter[str] = Counter()
    survivors: list[str] = []
    for name, code in exit_codes(path).items():
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
    parser.add_argument(
        "--rerun-survivors", action="store_true", help="run only the mutants left alive"
    )
    parser.add_argument("--children", type=int, default=2, help="parallel mutants (default 2)")
    args = parser.parse_args()
    modules = args.modules or configured_modules()
    if args.rerun_survivors:
        rerun_survivors(modules, args.children)
    elif not args.report:
        run(modules, args.children)
    print(f"{'module':40} " + " ".join(f"{c:>8}" for c in COLUMNS) + "    score")
    for path in modules:
        counts, survivors = tally(path)
        caught = counts["killed"] + counts["timeout"]
        score = f"{caught / counts['mutants']:8.1%}" if counts["mutants"] else "       -"
        print(f"{path:40} " + " ".join(f"{counts[c]:>8}" for c in COLUMNS) + f" {score}")
        if args.survivors:
            for name in survivors:
                print(f"    survived: {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
