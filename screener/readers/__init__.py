"""Readers, one module per export family; ``detect.py`` sniffs the format from content.

Contract: a reader module defines ``READER = Reader(name, label, sniff, parse)``.
``sniff(head)`` gets the first few KB of decoded text and says whether the reader claims it;
``parse(lines, source)`` gets an iterator of decoded lines (newlines kept) and yields Records,
raising ``InputError`` naming ``source`` and the line/record for broken input.
``parse_blocks(blocks, source)`` (optional) does what ``parse`` does, given the decoded text in
pieces that end at line ends (``SourceFile.blocks``), for readers that cut records out of text
themselves; the import uses it when a reader has it.
``origin(head)`` (optional) guesses the (database, interface) the export came from, from its
content (a ``DB`` tag, a link's host, an accession prefix...); ``(None, None)`` when unknown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from screener.record import Record

# (database, interface), e.g. ("Embase", "Embase.com"), ("CENTRAL", "Cochrane Library").
Origin = tuple[str | None, str | None]


def no_origin(head: str) -> Origin:
    """The default ``origin``: nothing known."""
    return (None, None)


@dataclass(frozen=True)
class Reader:
    name: str  # the --format value: medline, pubmed-xml, ris, ovid, wos, csv, cnki-refer, ...
    label: str  # human name for summaries
    sniff: Callable[[str], bool]
    parse: Callable[[Iterable[str], str], Iterator[Record]]
    origin: Callable[[str], Origin] = no_origin
    parse_blocks: Callable[[Iterable[str], str], Iterator[Record]] | None = None
