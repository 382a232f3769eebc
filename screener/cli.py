"""The command line: parse, call the library, print, set the exit code. Nothing else lives here.

Commands are grouped by domain in ``screener/commands/*.py``; each module's ``register(app)``
adds its commands. A module is imported only when one of its commands runs (or when help lists
them all): ``screener status`` does not pay for the imports of dedupe, the screening app or
the PDF reader. ``COMMANDS`` maps each command to its module, in the order help lists them
(tests/test_help.py checks it against what the modules register). Errors of the ScreenerError
family print one sentence (and a hint) on stderr and exit 1; a traceback only with ``--debug``.
"""

from __future__ import annotations

import sqlite3
from importlib import import_module
from typing import Any

import typer
from rich.console import Console
from typer.core import TyperGroup

from screener import __version__
from screener.commands.helptext import flags_as_flags, polish
from screener.commands.options import REVIEW_KEY
from screener.db import DB_NAME, is_locked, locked
from screener.errors import ReviewError, ScreenerError

# command (or command group) -> the module of screener/commands/ that registers it
COMMANDS = {
    "init": "store",
    "import": "store",
    "searches": "store",
    "status": "status",
    "dedupe": "dedupe",
    "criteria": "screening",
    "decide": "screening",
    "conflicts": "screening",
    "unblind": "screening",
    "merge": "screening",
    "screen": "screen",
    "simulate": "ranking",
    "prisma": "prisma",
    "export": "handoff",
    "pool": "handoff",
    "report": "report",
    "demo": "demo",
    "fulltext": "fulltext",
}
COMMAND_MODULES = tuple(dict.fromkeys(COMMANDS.values()))


def module_app(module: str) -> typer.Typer:
    """A Typer app holding the commands of ``screener/commands/<module>.py``, help polished."""
    sub = typer.Typer()
    import_module(f"screener.commands.{module}").register(sub)
    polish(sub)
    return sub


class _ScreenerGroup(TyperGroup):
    """Turns a ScreenerError (and SQLite's "damaged" and "locked" errors) into one sentence on
    stderr and exit code 1."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (ScreenerError, sqlite3.DatabaseError) as exc:
            if ctx.params.get("debug"):
                raise
            if is_locked(exc):
                folder = ctx.meta.get(REVIEW_KEY)
                exc = locked(DB_NAME if folder is None else folder / DB_NAME)
            elif not isinstance(exc, ScreenerError):
                if type(exc) is not sqlite3.DatabaseError:
                    raise  # OperationalError, IntegrityError...: a bug, not a damaged file
                exc = ReviewError(
                    f"review.db is not a screener review (or is damaged): {exc}.",
                    hint="Restore review.db from a backup (PRAGMA integrity_check says more).",
                )
            err = Console(stderr=True, highlight=False, soft_wrap=True)
            for line in exc.lines():
                err.print(line, markup=False)
            raise typer.Exit(1) from None

    def format_help(self, ctx: Any, formatter: Any) -> None:
        flags_as_flags(self.get_params(ctx))
        super().format_help(ctx, formatter)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        module = COMMANDS.get(cmd_name)
        if module is not None and cmd_name not in self.commands:
            self._load(module)
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: Any) -> list[str]:
        for module in COMMAND_MODULES:
            self._load(module)
        return [name for name in COMMANDS if name in self.commands]

    def _load(self, module: str) -> None:
        """Add the commands of one module (once)."""
        if any(self.commands.get(name) is None for name, m in COMMANDS.items() if m == module):
            group = typer.main.get_group(module_app(module))
            for name, command in group.commands.items():
                self.add_command(command, name)


app = typer.Typer(
    name="screener",
    cls=_ScreenerGroup,
    help="Import, deduplicate, screen and report systematic-review searches.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _show_version(value: bool) -> None:
    if value:
        Console(highlight=False).print(f"prisma-screener {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    debug: bool = typer.Option(False, "--debug", help="Show a traceback on errors."),
    version: bool = typer.Option(
        False,
        "--version",
        callback=_show_version,
        is_eager=True,
        help="Print the version and exit.",
    ),
) -> None:
    """Import, deduplicate, screen and report systematic-review searches."""


def main() -> None:
    """Console entry point."""
    app()
