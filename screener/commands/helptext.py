"""How every command's help reads: applied once to the whole app, so new commands get it too.

Rules, for whoever writes a command:

- The docstring's first paragraph is the one-line summary shown in ``screener --help``; the
  paragraphs after it are the description. Write them as you like: hard-wrapped lines within a
  paragraph are joined here, so rich rewraps each paragraph to the terminal and a line never
  ends mid-sentence at the place the source was wrapped.
- A paragraph that starts with ``\\b`` keeps its line breaks (a list, a table).
- A paragraph ``Examples:`` and everything after it becomes the epilog, one example per line,
  lines kept as written, each ``screener ...`` line shown as ``$ screener ...``. An ``epilog=``
  given to ``app.command`` is used when there is none.
- Text is shown literally: ``[limits]`` or ``<title>`` are not rich markup.
- A boolean flag shows as a flag (``--resolve``), not as an option taking a ``<bool>`` value.

``polish(app)`` runs in ``screener/cli.py`` after every command module has registered.
"""

from __future__ import annotations

import inspect
from typing import Any

import typer
from rich.markup import escape
from typer.core import TyperCommand, TyperGroup

KEEP = "\b"
EXAMPLES = "examples:"


def unwrap(text: str) -> str:
    """Paragraphs of ``text`` as one line each (``\\b`` paragraphs keep their lines)."""
    paragraphs = [p for p in inspect.cleandoc(text).split("\n\n") if p.strip()]
    out = []
    for paragraph in paragraphs:
        if paragraph.startswith(KEEP):
            out.append(paragraph.removeprefix(KEEP).strip("\n"))
        else:
            out.append(" ".join(line.strip() for line in paragraph.splitlines()))
    return "\n\n".join(out)


def split_examples(doc: str) -> tuple[str, str | None]:
    """(help, epilog): the ``Examples:`` paragraph and what follows go to the epilog."""
    paragraphs = inspect.cleandoc(doc).split("\n\n")
    for i, paragraph in enumerate(paragraphs):
        if paragraph.strip().lower().startswith(EXAMPLES):
            body = "\n\n".join(paragraphs[i:]).strip()
            return "\n\n".join(paragraphs[:i]), body
    return "\n\n".join(paragraphs), None


def examples_text(epilog: str) -> str:
    """The epilog with its lines kept and each command line shown as ``$ screener ...``."""
    lines = inspect.cleandoc(epilog).replace(KEEP, "").splitlines()
    return "\n".join(
        f"$ {line.strip()}" if line.strip().startswith("screener ") else line.strip()
        for line in lines
    )


def shown(text: str) -> str:
    """``text`` escaped so rich prints it as written."""
    return escape(text)


def flags_as_flags(params: list[Any]) -> None:
    """Give boolean flags an empty type column in rich help (instead of ``<bool>``)."""
    for param in params:
        if getattr(param, "is_flag", False) and getattr(param, "metavar", "") is None:
            param.metavar = ""


class HelpfulCommand(TyperCommand):
    """A command whose help shows flags as flags and its options' help as written."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            text = getattr(param, "help", None)
            if isinstance(text, str):
                setattr(param, "help", shown(text))  # noqa: B010 (not every Parameter has help)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        flags_as_flags(self.get_params(ctx))
        super().format_help(ctx, formatter)


class HelpfulGroup(TyperGroup):
    """A command group (``screener fulltext ...``) whose help shows flags as flags."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        flags_as_flags(self.get_params(ctx))
        super().format_help(ctx, formatter)


def polish(app: typer.Typer) -> None:
    """Apply the rules above to every command registered on ``app`` and on its groups."""
    for group in app.registered_groups:
        sub = group.typer_instance
        if sub is None:
            continue
        polish(sub)
        about = sub.info
        doc = about.help if isinstance(about.help, str) else ""
        body, examples = split_examples(doc)
        about.help = shown(unwrap(body))
        epilog = examples if examples is not None else about.epilog
        if isinstance(epilog, str):
            about.epilog = shown(examples_text(epilog))
    for info in app.registered_commands:
        doc = info.help if info.help is not None else inspect.getdoc(info.callback) or ""
        body, examples = split_examples(doc)
        info.help = shown(unwrap(body))
        epilog = examples if examples is not None else info.epilog
        if epilog is not None:
            info.epilog = shown(examples_text(epilog))
        if info.cls in (None, TyperCommand):
            info.cls = HelpfulCommand
