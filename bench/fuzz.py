"""Long fuzzing run: every reader (random text, mangled real exports, random bytes through the
whole reading path), review.toml and decision files, with hypothesis.

Prints, per case, how many inputs ran and whether any raised something other than a
ScreenerError (a failure, with the falsifying input). The suite runs the same properties with
a few hundred examples (tests/test_readers_property.py, tests/test_robust_fuzz.py).
Run: ``.venv/bin/python bench/fuzz.py [--examples 3000]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fuzzing import cases
from test_readers_property import LINE, READER_NAMES, consume, mangled

from screener.errors import ScreenerError
from screener.readers.detect import detect
from screener.readers.source import open_source


def _whole_path(folder: Path) -> Callable[[bytes], None]:
    def check(data: bytes) -> None:
        path = folder / "random.bin"
        path.write_bytes(data)
        try:
            source = open_source(path)
            for _ in detect(source).parse(source.lines(), str(path)):
                pass
        except ScreenerError:
            pass

    return check


def run(name: str, strategy: st.SearchStrategy[Any], check: Callable[[Any], None], n: int) -> int:
    count = 0

    @settings(
        max_examples=n,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def case(value: Any) -> None:
        nonlocal count
        count += 1
        check(value)

    started = time.perf_counter()
    failure = ""
    try:
        case()
    except Exception as exc:  # a failure: hypothesis re-raises it with the falsifying input
        failure = f"{type(exc).__name__}: {str(exc)[:200]}"
    took = time.perf_counter() - started
    print(f"{name:<28} {count:>7} runs  {took:7.1f} s  {'FAIL ' + failure if failure else 'ok'}")
    return int(bool(failure))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, default=3000, help="inputs per case")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}, {args.examples} examples per case")
    folder = Path(tempfile.mkdtemp(prefix="fuzz-"))
    all_cases: dict[str, tuple[st.SearchStrategy[Any], Callable[[Any], None]]] = {
        "readers: mangled exports": (mangled(), lambda case: consume(*case)),
        "readers: random lines": (
            st.tuples(st.sampled_from(READER_NAMES), st.lists(LINE, max_size=12)),
            lambda case: consume(case[0], [line + "\n" for line in case[1]]),
        ),
        "readers: random bytes": (st.binary(max_size=600), _whole_path(folder)),
        **cases(folder),
    }
    failures = sum(run(name, s, c, args.examples) for name, (s, c) in all_cases.items())
    print(f"{len(all_cases)} cases, {failures} with a failure")


if __name__ == "__main__":
    main()
