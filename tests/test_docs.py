"""The README is executable: its Quick start, its step-by-step session and its command table."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from screener.cli import app
from screener.db import open_review
from screener.screening.agreement import conflicts
from screener.screening.verdict import included

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", README, re.M | re.S)
    assert match, f"README has no section {title!r}"
    return match.group(1)


def test_quick_start_is_two_commands_and_ci_runs_the_second() -> None:
    blocks = re.findall(r"```\n(.*?)```", _section("Quick start"), re.S)
    commands = [line for block in blocks for line in block.splitlines() if line.strip()]
    assert len(commands) == 2
    setup_and_demo, setup_and_test = commands
    assert setup_and_demo.endswith("screener demo")
    assert "pip install -e '.[test]'" in setup_and_test
    assert setup_and_test in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def _steps(block: str) -> list[tuple[str, list[str]]]:
    """(command, the output lines shown under it) for every ``$ `` line of a console block."""
    steps: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append((line.removeprefix("$ "), []))
        elif line.strip():
            steps[-1][1].append(line)
    return steps


def _shown(expected: str, printed: list[str]) -> bool:
    """A line shown in the README is a line of the output (``...`` ends a shown prefix)."""
    if expected.endswith("..."):
        return any(line.startswith(expected.removesuffix("...")) for line in printed)
    return expected in printed


def test_step_by_step_session_prints_and_stores_what_it_says(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    (block,) = re.findall(r"```console\n(.*?)```", _section("A review, step by step"), re.S)
    (tmp_path / "records").symlink_to(ROOT / "records")
    monkeypatch.chdir(tmp_path)
    steps = _steps(block)
    assert len(steps) > 10
    assert sum(1 for _, shown in steps if shown) >= 10  # most steps show what they print
    for line, shown in steps:
        words = shlex.split(line)
        if words[0] == "cp":
            shutil.copyfile(words[1], words[2])
            continue
        assert words[0] == "screener", line
        result = runner.invoke(app, words[1:])
        refused = any(s.startswith("Error: ") for s in shown)  # a step that shows a refusal
        assert result.exit_code == (1 if refused else 0), f"{line}\n{result.output}"
        printed = result.output.splitlines()
        for expected in shown:
            assert _shown(expected, printed), f"{line}\n  expected: {expected}\n{result.output}"
    folder = tmp_path / "my-review"
    review = open_review(folder)
    db = review.db
    # what the steps stored: both reviewers' decisions, the unblinding, the consensus rows
    by_reviewer = dict(
        db.execute("select reviewer, count(*) from decisions group by reviewer").fetchall()
    )
    assert (by_reviewer["reviewer1"], by_reviewer["reviewer2"], by_reviewer["consensus"]) == (
        86,
        86,
        13,
    )
    assert [r[0] for r in db.execute("select reviewer from unblinding")] == ["lead"]
    assert [c.record_id for c in conflicts(db, "title_abstract", required=2)] == []
    assert len(included(db, required=2)) == 8
    review.close()
    assert (folder / "prisma-2020.png").read_bytes().startswith(b"\x89PNG")
    assert (folder / "included.ris").read_text().count("ER  -") == 8
    report = (folder / "report.html").read_text(encoding="utf-8")
    assert "Screening complete" in report and "<h3>muscle_strength</h3>" in report


def test_every_documented_command_exists(runner: CliRunner) -> None:
    documented = set(re.findall(r"^\| `screener (\w+)", _section("Commands"), re.M))
    assert len(documented) >= 15
    for name in sorted(documented):
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0, name
