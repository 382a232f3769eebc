"""Highlight terms added while screening, written into the protocol (``review.toml``).

Rules:

* A term goes to ``[keywords] include`` (highlighted green) or ``exclude`` (red). A term already
  in the list (compared case-insensitively) is not added twice.
* The file is edited as text, not rewritten: comments, blank lines, key order and the other
  values stay byte for byte; only the new string is inserted at the end of the list (or a key
  or a ``[keywords]`` table is appended when missing).
* The edit is checked before it is saved: the edited file must read back (``parse_protocol``)
  with the list grown by exactly that term and every other setting unchanged; it is written
  to a temporary file and renamed over the old one, so a crash leaves either file whole.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path

from screener.errors import ProtocolError
from screener.screening.protocol import parse_protocol

KINDS = ("include", "exclude")


def _toml_string(term: str) -> str:
    return json.dumps(term, ensure_ascii=False)  # a valid TOML basic string


def _array_end(text: str, start: int) -> tuple[int, bool]:
    """Index of the ``]`` closing the array opened at ``text[start] == '['``, and whether it
    holds any value. Strings and comments are skipped."""
    depth = 0
    i = start
    has_value = False
    while i < len(text):
        ch = text[i]
        if ch == "#":
            i = text.find("\n", i)
            if i < 0:
                break
            continue
        if ch in "\"'":
            has_value = True
            triple = text.startswith(ch * 3, i)
            quote = ch * 3 if triple else ch
            j = i + len(quote)
            while j < len(text):
                if ch == '"' and text[j] == "\\":
                    j += 2
                    continue
                if text.startswith(quote, j):
                    break
                j += 1
            i = j + len(quote)
            continue
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                return i, has_value
        elif not ch.isspace() and ch != ",":
            has_value = True
        i += 1
    raise ProtocolError("review.toml: a [keywords] list is not closed.")


def _insert(text: str, kind: str, term: str) -> str:
    table = re.search(r"(?m)^\[keywords\][ \t]*(#.*)?$", text)
    if table is None:
        sep = "" if text.endswith("\n") or not text else "\n"
        return f"{text}{sep}\n[keywords]\n{kind} = [{_toml_string(term)}]\n"
    body_start = table.end()
    following = re.search(r"(?m)^[ \t]*\[", text[body_start:])
    body_end = body_start + following.start() if following else len(text)
    key = re.search(rf"(?m)^[ \t]*{kind}[ \t]*=[ \t]*\[", text[body_start:body_end])
    if key is None:
        line = f"{kind} = [{_toml_string(term)}]\n"
        return text[:body_start] + "\n" + line + text[body_start + 1 :]
    open_at = body_start + key.end() - 1
    close_at, has_value = _array_end(text, open_at)
    inner = text[open_at + 1 : close_at]
    if not has_value:
        return text[: open_at + 1] + _toml_string(term) + text[close_at:]
    # after the last value: skip back over whitespace, comments and a trailing comma
    stripped = re.sub(r"#[^\n]*", lambda m: " " * len(m.group()), inner).rstrip()
    last = open_at + 1 + len(stripped)
    if stripped.endswith(","):
        return text[:last] + f" {_toml_string(term)}," + text[last:]
    return text[:last] + f", {_toml_string(term)}" + text[last:]


def add_highlight(path: Path, kind: str, term: str) -> bool:
    """Add ``term`` to ``[keywords] <kind>`` in the protocol file; False if it was there."""
    if kind not in KINDS:
        raise ValueError(f"unknown keyword kind {kind!r}")
    term = " ".join(term.split())
    if not term:
        raise ValueError("an empty term")
    text = path.read_text(encoding="utf-8")
    before = parse_protocol(text, path)
    old = before.include_keywords if kind == "include" else before.exclude_keywords
    if term.casefold() in (t.casefold() for t in old):
        return False
    edited = _insert(text, kind, term)
    try:
        after = parse_protocol(edited, path)
        data_before, data_after = tomllib.loads(text), tomllib.loads(edited)
    except (ProtocolError, tomllib.TOMLDecodeError) as exc:
        raise ProtocolError(f"{path}: the term could not be added safely ({exc}).") from exc
    new = after.include_keywords if kind == "include" else after.exclude_keywords
    data_before.setdefault("keywords", {})[kind] = [*old, term]
    if new != [*old, term] or data_before != data_after:
        raise ProtocolError(f"{path}: the term could not be added safely; add it by hand.")
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(edited, encoding="utf-8")
    os.replace(tmp, path)
    return True
