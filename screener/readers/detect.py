"""Which reader reads a file: sniffed from its content (never its name); ``--format`` overrides.

``REGISTRY`` is the ordered list of readers; the first whose ``sniff`` claims the head wins,
so the specific formats come before the permissive ones (CSV last).
"""

from __future__ import annotations

from screener.errors import InputError
from screener.readers import (
    Reader,
    cnki_refer,
    cnki_refworks,
    endnote_xml,
    estudy,
    medline,
    noteexpress,
    ovid,
    pubmed_xml,
    ris,
    tabular,
    wos,
)
from screener.readers.source import SourceFile

REGISTRY: tuple[Reader, ...] = (
    pubmed_xml.READER,
    endnote_xml.READER,
    medline.READER,
    ovid.READER,
    wos.READER,
    noteexpress.READER,
    cnki_refer.READER,
    cnki_refworks.READER,
    estudy.READER,
    ris.READER,
    tabular.READER,
)


def names() -> list[str]:
    """The ``--format`` values."""
    return [reader.name for reader in REGISTRY]


def by_name(name: str) -> Reader:
    for reader in REGISTRY:
        if reader.name == name.lower():
            return reader
    raise InputError(f"Unknown format {name!r}.", hint=f"Use one of: {', '.join(names())}.")


def sniff(head: str) -> Reader | None:
    """The first reader claiming this text, or None."""
    for reader in REGISTRY:
        if reader.sniff(head):
            return reader
    return None


def detect(source: SourceFile, fmt: str | None = None) -> Reader:
    """The reader for a checked file: ``fmt`` when given, else sniffed from its content."""
    if fmt:
        return by_name(fmt)
    head = source.head()
    reader = sniff(head)
    if reader is None:
        first_line = next((line.strip() for line in head.splitlines() if line.strip()), "")
        raise InputError(
            f"{source.path} is not in a format screener can read "
            f"(it starts with {first_line[:40]!r}).",
            hint=f"Export as RIS, MEDLINE, CSV or XML, or pass --format ({', '.join(names())}).",
        )
    _same_format_to_the_end(source, reader)
    return reader


def _same_format_to_the_end(source: SourceFile, reader: Reader) -> None:
    """Refuse a file that starts in one format and ends in another (two exports pasted together):
    its last records would be misread by the first format's reader. The last records (from a
    blank line near the end) must not be claimed by another reader while this one disowns them.
    """
    tail = source.tail()
    if not tail:
        return
    blank = tail.find("\n\n")
    last = tail[blank + 2 :] if blank >= 0 else tail
    other = sniff(last)
    if other is not None and other is not reader and not reader.sniff(last):
        raise InputError(
            f"{source.path} mixes formats: it starts as {reader.label} but its last records "
            f"are {other.label}.",
            hint="Import each export as its own file (one search, one format per file).",
        )
