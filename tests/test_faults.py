"""Every write command is all or nothing under SIGKILL (a few dozen kills; bench/faults.py runs
more). See tests/faults.py for what is checked after each kill and after the rerun."""

from __future__ import annotations

from pathlib import Path

import pytest
from faults import build_bases, campaign, invariants

KILLS = 4  # per command: 7 commands -> 28 kills, each followed by the checks and a rerun
RECORDS = 600


@pytest.fixture(scope="module")
def tally(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return campaign(tmp_path_factory.mktemp("faults"), RECORDS, KILLS, seed=20261202)


def test_killed_writes_leave_all_or_nothing_and_reruns_match(tally) -> None:  # type: ignore[no-untyped-def]
    assert tally.runs == 7 * KILLS
    assert tally.failures == []
    assert tally.mid_run > 0  # some kills landed inside a running command


def test_the_bases_pass_the_invariants(tmp_path: Path) -> None:
    for base, _case in build_bases(tmp_path, 60).values():
        invariants(base)
