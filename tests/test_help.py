"""Every command's --help reads well: found by walking the app, so commands added later count too.

The help is rendered 1000 columns wide, so rich never wraps a line: a line that still breaks
inside a sentence comes from a hard-wrapped docstring.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import typer
from typer.testing import CliRunner

from screener.cli import COMMANDS, app, module_app

WIDE = {"COLUMNS": "1000", "NO_COLOR": "1", "TERMINAL_WIDTH": "1000"}
NAME = re.compile(r"^[a-z]+(-[a-z]+)*$")
SENTENCE_END = (".", ":", ";", "?", "!", ")")
runner = CliRunner()


def root() -> tuple[typer.core.TyperGroup, typer.Context]:
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    return group, typer.Context(group)


def command_names() -> list[str]:
    group, ctx = root()
    commands = [(name, group.get_command(ctx, name)) for name in group.list_commands(ctx)]
    return sorted(name for name, cmd in commands if cmd is not None and not cmd.hidden)


def command_paths() -> list[str]:
    """Every command, groups' subcommands too ("fulltext attach"), walked from the app."""
    found: list[str] = []

    def walk(group: typer.core.TyperGroup, prefix: list[str]) -> None:
        ctx = typer.Context(group)
        for name in sorted(group.list_commands(ctx)):
            cmd = group.get_command(ctx, name)
            if cmd is None or cmd.hidden:
                continue
            found.append(" ".join([*prefix, name]))
            if isinstance(cmd, typer.core.TyperGroup):
                walk(cmd, [*prefix, name])

    walk(root()[0], [])
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
    names: list[str] = []
    for module in dict.fromkeys(COMMANDS.values()):
        sub = module_app(module)
        infos = sub.registered_commands
        mine = [info.name or info.callback.__name__ for info in infos]  # type: ignore[union-attr]
        mine += [str(group.name) for group in sub.registered_groups]
        assert sorted(mine) == sorted(n for n, m in COMMANDS.items() if m == module), module
        callbacks = [info.callback for info in infos]
        assert len(callbacks) == len(set(callbacks)), "a command is registered under two names"
        names += mine
    assert len(names) == len(set(names))
    assert sorted(names) == command_names()
    assert [n for n in command_names() if not NAME.match(n)] == []


def test_a_command_imports_only_its_own_module() -> None:
    """`screener status` does not import the screening app, dedupe or the PDF reader."""
    code = (
        "import sys, typer\n"
        "from screener.cli import app\n"
        "group = typer.main.get_command(app)\n"
        "assert group.get_command(typer.Context(group), 'status') is not None\n"
        "print(sorted(m for m in sys.modules if m.startswith(('screener.commands.', 'textual',"
        " 'screener.dedupe', 'screener.tui', 'pypdfium2', 'screener.fulltexts'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == [
        "['screener.commands.helptext',",
        "'screener.commands.options',",
        "'screener.commands.status']",
    ]


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
