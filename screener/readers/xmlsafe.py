"""Streaming, hostile-input-safe XML: elements of chosen tags, one at a time, memory flat.

lxml pull parser with ``resolve_entities=False, no_network=True, load_dtd=False`` and
``huge_tree`` off: no external entity (XXE), no DTD fetch. A document that declares its own
entities (``<!ENTITY`` in the DOCTYPE, the "billion laughs" bomb) is refused outright.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from lxml import etree

from screener.errors import InputError


def elements(lines: Iterable[str], source: str, tags: tuple[str, ...]) -> Iterator[Any]:
    """Yield each complete element with one of ``tags``; it is cleared after the caller is done."""
    parser = etree.XMLPullParser(
        events=("end",),
        tag=tags,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    in_prolog = True
    number = 0
    try:
        for number, line in enumerate(lines, 1):
            if in_prolog:
                if "<!ENTITY" in line:
                    raise InputError(
                        f"{source}, line {number} declares an XML entity (<!ENTITY>); "
                        "screener refuses such files (entity expansion can be an attack)."
                    )
                if line.lstrip().startswith("<") and not line.lstrip().startswith(("<?", "<!")):
                    in_prolog = False
            parser.feed(line)
            for _event, element in parser.read_events():
                yield element
                element.clear()
                while element.getprevious() is not None:
                    del element.getparent()[0]
        parser.close()
        for _event, element in parser.read_events():
            yield element
    except etree.XMLSyntaxError as exc:
        where = f"line {exc.lineno}" if exc.lineno else f"line {number}"
        raise InputError(
            f"{source}, {where}: broken XML ({exc.msg}); the file may be truncated."
        ) from None


def text(element: Any | None) -> str | None:
    """All text inside an element (inline markup such as <i> flattened), stripped."""
    if element is None:
        return None
    value = " ".join("".join(element.itertext()).split())
    return value or None


def to_dict(element: Any) -> dict[str, Any]:
    """An element as nested dicts for ``raw`` (repeated children become lists)."""
    out: dict[str, Any] = {}
    for key, attribute in element.attrib.items():
        out[f"@{key}"] = attribute
    for child in element:
        if not isinstance(child.tag, str):
            continue
        value: Any
        if len(child):
            value = to_dict(child)
            if child.text and child.text.strip():
                value["#text"] = text(child)
        else:
            value = text(child) or ""
        if child.tag in out:
            existing = out[child.tag]
            if isinstance(existing, list):
                existing.append(value)
            else:
                out[child.tag] = [existing, value]
        else:
            out[child.tag] = value
    return out
