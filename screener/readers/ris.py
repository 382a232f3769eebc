"""RIS from every vendor: Embase.com, Ovid, Cochrane CENTRAL, Scopus, WoS, Zotero, EndNote, ...

Grammar: ``XX  - value`` (two spaces, hyphen; Cochrane puts two spaces after it too);
``TY`` opens a record and ``ER`` closes it. Lines outside records are junk (BOM, Ovid's ``1.``
and trailing link lines, Cochrane's ``Record #n of N`` headers). Untagged lines inside a record
continue the previous field; under a keyword tag each one is a new keyword (Rayyan, EndNote).
The per-vendor meaning of the tags lives in ``ris_sources.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from screener.errors import InputError
from screener.readers import Reader
from screener.readers.fields import Raw, to_raw
from screener.readers.ris_sources import build, origin
from screener.record import Record

_TAG = re.compile(r"([A-Z][A-Z0-9])  -(?:[ \t]+(.*))?$")
_LIST_CONTINUATION = {"KW", "K1", "A1", "AU"}
_OVID_HEAD = re.compile(r"^\d+\.\s*$")
_SNIFF = re.compile(r"^TY  - ", re.M)


def sniff(head: str) -> bool:
    return bool(_SNIFF.search(head))


def parse(lines: Iterable[str], source: str) -> Iterator[Record]:
    # Hot loop: a slice comparison recognises tag lines; the regex only checks odd ones.
    fields: list[tuple[str, list[str]]] | None = None
    start = 0
    count = 0
    ovid_head = False  # Ovid puts "1." before each record
    for number, line in enumerate(lines, 1):
        if fields is None and line[:1] == "\ufeff":
            line = line[1:]  # a BOM where two exports were concatenated
        tag = line[:2]
        if line[2:5] == "  -" and ((tag.isalnum() and tag.isupper()) or _TAG.match(line.rstrip())):
            value = line[5:].strip()
            if tag == "TY":
                if fields is not None:
                    raise InputError(
                        f"{source}, record {count + 1} (line {start}) is not closed by "
                        f"'ER  -' before the next record starts on line {number}."
                    )
                fields, start = ([("__ovid__", ["1"])] if ovid_head else []), number
                ovid_head = False
            if fields is None:
                continue  # a tag outside a record: junk between records
            if tag == "ER":
                count += 1
                yield build(_raw(fields), source, count, start)
                fields = None
                continue
            fields.append((tag, [value]))
        elif fields is None:
            if line.startswith("PMID-"):
                raise InputError(
                    f"{source}, line {number}: a MEDLINE record ('PMID-') between RIS records: "
                    "this file mixes formats.",
                    hint="Import each export as its own file (one search, one format per file).",
                )
            ovid_head = ovid_head or bool(_OVID_HEAD.match(line))
        elif fields:
            text = line.strip()
            if not text:
                continue
            if fields[-1][0] in _LIST_CONTINUATION:
                fields.append((fields[-1][0], [text]))
            else:
                fields[-1][1].append(text)
    if fields is not None:
        raise InputError(
            f"{source}, record {count + 1} (line {start}) has no closing 'ER  -' line: "
            "the file looks truncated."
        )


def _raw(fields: list[tuple[str, list[str]]]) -> Raw:
    return to_raw((tag, " ".join(p for p in parts if p)) for tag, parts in fields)


READER = Reader("ris", "RIS", sniff, parse, origin)
