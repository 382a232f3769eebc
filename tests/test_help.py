"""Every command's --help reads well: found by walking the app, so commands added later count too.

The help is rendered 1000 columns wide, so rich never wraps a line: a line that still breaks
inside a sentence comes from a hard-wrapped docstring.
"""

from __future__ import annotations

import re

import pytest
import typer
from typer.testing import CliRunner

from screener.cli import app

WIDE = {"COLUMNS": "1000", "NO_COLOR": "1", "TERMINAL_WIDTH": "1000"}
NAME = re.compile(r"^[a-z]+(-[a-z]+)*$")
SENTENCE_END = (".", ":", ";", "?", "!", ")")
runner = CliRunner()


def command_names() -> list[str]:
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    return sorted(name for name, cmd in group.commands.items() if not cmd.hidden)


def command_paths() -> list[str]:
    """Every command, groups' subcommands too ("fulltext attach"), walked from the app."""
    found: list[str] = []

    def walk(group: typer.core.TyperGroup, prefix: list[str]) -> None:
        for name, cmd in sorted(group.commands.items()):
            if cmd.hidden:
                continue
            found.append(" ".join([*prefix, name]))
            if isinstance(cmd, typer.core.TyperGroup):
                walk(cmd, [*prefix, name])

    root = typer.main.get_command(app)
    assert isinstance(root, typer.core.TyperGroup)
    walk(root, [])
    return found


def render(*args: str) -> str:
    result = runner.invoke(app, [*args, "--help"], env=WIDE)
    assert result.exit_code == 0, result.output
    return result.output


def description(text: str) -> list[str]:
    """Lines between the usage line and the first panel (summary and paragraphs)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if "Usage:" in line) + 1
    end = next(i for i, line in enumerate(lines) if line.startswith("╭"))
    return [line.strip() for line in lines[start:end] if line.strip()]


def epilog(text: str) -> list[str]:
    lines = text.splitlines()
    last = max(i for i, line in enumerate(lines) if line.startswith("╰"))
    return [line.strip() for line in lines[last + 1 :] if line.strip()]


def test_command_names_are_unique_and_clean() -> None:
    names = [info.name or info.callback.__name__ for info in app.registered_commands]  # type: ignore[union-attr]
    assert len(names) == len(set(names))
    callbacks = [info.callback for info in app.registered_commands]
    assert len(callbacks) == len(set(callbacks)), "a command is registered under two names"
    assert [n for n in command_names() if not NAME.match(n)] == []


def test_root_help_lists_each_command_once_on_one_line() -> None:
    text = render()
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if "Commands" in line and "╭" in line)
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("╰"))
    rows = [line.strip("│ ").rstrip() for line in lines[start + 1 : end]]
    names = [re.split(r"\s{2,}", row)[0] for row in rows]
    assert names == [n for n in names if n]  # no continuation line (a wrapped summary)
    assert sorted(names) == command_names()
    for row in rows:
        summary = re.split(r"\s{2,}", row, maxsplit=1)[1]
        assert summary.endswith("."), row
    assert "<bool>" not in text


@pytest.mark.parametrize("name", command_paths())
def test_command_help_reads_well(name: str) -> None:
    text = render(*name.split())
    assert "<bool>" not in text, "a flag shown as taking a value"
    lines = description(text)
    assert len(lines) >= 2, "a one-line summary and a paragraph"
    summary = lines[0]
    assert summary[0].isupper() and summary.endswith("."), summary
    broken = [line for line in lines if not line.endswith(SENTENCE_END)]
    assert broken == [], "a line ends mid-sentence (hard-wrapped docstring?)"
    examples = epilog(text)
    assert examples[:1] == ["Examples:"]
    assert examples[1:] and all(line.startswith(f"$ screener {name}") for line in examples[1:])
