"""Issue 12: review.toml and decision files, fuzzed (bounded here; bench/fuzz.py runs longer).
Whatever they hold, screener accepts them or refuses them with one sentence (ScreenerError)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fuzzing import cases
from hypothesis import HealthCheck, given, settings

EXAMPLES = 150


@pytest.mark.parametrize("name", ["review.toml", "decisions file"])
def test_fuzzed_input_is_accepted_or_refused_with_a_sentence(tmp_path: Path, name: str) -> None:
    strategy, check = cases(tmp_path)[name]

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(strategy)
    def run(value: object) -> None:
        check(value)

    run()
