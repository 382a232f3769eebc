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


def test_step_by_step_session_runs_as_written(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    (block,) = re.findall(r"```console\n(.*?)```", _section("A review, step by step"), re.S)
    (tmp_path / "records").symlink_to(ROOT / "records")
    monkeypatch.chdir(tmp_path)
    lines = [line.removeprefix("$ ") for line in block.splitlines() if line.startswith("$ ")]
    assert len(lines) > 10
    for line in lines:
        words = shlex.split(line)
        if words[0] == "cp":
            shutil.copyfile(words[1], words[2])
            continue
        assert words[0] == "screener", line
        result = runner.invoke(app, words[1:])
        assert result.exit_code == 0, f"{line}\n{result.output}\n{result.stderr}"
    assert (tmp_path / "my-review" / "prisma-2020.png").read_bytes().startswith(b"\x89PNG")
    assert (tmp_path / "my-review" / "included.ris").read_text().count("ER  -") == 8
    report = (tmp_path / "my-review" / "report.html").read_text(encoding="utf-8")
    assert "Screening complete" in report and "<h3>muscle_strength</h3>" in report


def test_every_documented_command_exists(runner: CliRunner) -> None:
    documented = set(re.findall(r"^\| `screener (\w+)", _section("Commands"), re.M))
    assert len(documented) >= 15
    for name in sorted(documented):
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0, name
