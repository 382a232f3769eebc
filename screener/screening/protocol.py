"""The review protocol, read from ``review.toml``: question, criteria, keywords, reasons, limits.

The file's layout is declared once in ``SCHEMA`` (table -> key -> expected type). The loader
checks every table and key against it: an unknown table or key, or a value of the wrong type,
is a ``ProtocolError`` naming the file and the line (found by scanning the text, since
``tomllib`` reports lines only for syntax errors), e.g.
``review.toml line 12: unknown key 'yaer_min' in [limits].``

Keywords are compiled for highlighting and ranking by ``screener.keywords.term_pattern``;
``reason_text`` turns a
reason number (or text) into the stored reason text.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from screener.errors import ProtocolError
from screener.readers.source import regular_file

STAGES = ("title_abstract", "full_text")
MAX_BYTES = 1 << 20  # a review.toml larger than 1 MiB is a mistake (or an attack)
MAX_REVIEWERS = 10  # [screening] reviewers: 1..10

# The kinds of value a key may hold.
STR, INT, BOOL, STR_LIST = "a string", "a whole number", "true or false", "a list of strings"
COUNT_OR_WORD = 'a count, "all" or "unknown"'

SCHEMA: dict[str, dict[str, str]] = {
    "review": {"title": STR, "question": STR},
    "criteria": {"include": STR_LIST, "exclude": STR_LIST},
    "keywords": {"include": STR_LIST, "exclude": STR_LIST},
    "reasons": {"title_abstract": STR_LIST, "full_text": STR_LIST},
    "limits": {
        "year_min": INT,
        "year_max": INT,
        "languages": STR_LIST,
        "exclude_publication_types": STR_LIST,
    },
    "outcomes": {"names": STR_LIST},
    "dedupe": {"prefer_databases": STR_LIST},
    "screening": {"reviewers": INT, "blind": BOOL},
    # PRISMA: studies in the meta-analysis box; counts of a previous version not screened here
    "prisma": {
        "meta_analysis_studies": COUNT_OR_WORD,
        "previous_studies": INT,
        "previous_reports": INT,
    },
}


@dataclass
class Limits:
    """Machine-checkable eligibility limits (applied by ``screener criteria``)."""

    year_min: int | None = None
    year_max: int | None = None
    languages: list[str] = field(default_factory=list)  # allowed; empty = any
    exclude_publication_types: list[str] = field(default_factory=list)

    def is_empty(self) -> bool:
        return (
            self.year_min is None
            and self.year_max is None
            and not self.languages
            and not self.exclude_publication_types
        )


@dataclass
class Protocol:
    title: str = ""
    question: str = ""
    include_criteria: list[str] = field(default_factory=list)
    exclude_criteria: list[str] = field(default_factory=list)
    include_keywords: list[str] = field(default_factory=list)  # may use * wildcards
    exclude_keywords: list[str] = field(default_factory=list)
    # numbered exclusion reasons per stage: reasons["full_text"][0] is reason 1
    reasons: dict[str, list[str]] = field(default_factory=lambda: {s: [] for s in STAGES})
    limits: Limits = field(default_factory=Limits)
    outcomes: list[str] = field(default_factory=list)  # names used in the extraction sheet
    prefer_databases: list[str] = field(default_factory=list)  # dedupe: keep records from these
    reviewers: int = 1  # [screening] reviewers: 2 = dual screening (each record twice)
    # [screening] blind: until `screener unblind`, a reviewer sees only their own decisions
    # (default: true when reviewers is 2 or more); see screener/screening/blinding.py
    blind: bool = False
    meta_analysis_studies: int | str = "all"  # [prisma]: a count, "all" or "unknown" (NR)
    previous_studies: int | None = None  # [prisma]: an update's earlier version, if not here
    previous_reports: int | None = None


def protocol_template(title: str) -> str:
    """A commented review.toml for a new review (it passes ``load_protocol``)."""
    quoted = title.replace("\\", "\\\\").replace('"', '\\"')
    return f'''# review.toml: the protocol of this review; screener reads it on every run.
# A misspelt key or a value of the wrong type is reported with its line number.

[review]
title = "{quoted}"
# The review question, shown while screening.
question = ""

[criteria]
# Shown in the criteria panel while screening, one string per criterion.
include = []
exclude = []

[keywords]
# Highlighted while screening: include terms green, exclude terms red.
# Case-insensitive whole words; "*" stands for any letters, e.g. "tacrolim*".
include = []
exclude = []

[reasons]
# Numbered exclusion reasons per stage: press e then the number (1 = the first).
title_abstract = ["Wrong population", "Wrong intervention", "Wrong study design", "Not a study"]
full_text = ["Wrong population", "Wrong intervention", "Wrong outcomes", "Wrong study design"]

[limits]
# Applied by `screener criteria` as automation exclusions at title/abstract (never over a
# human decision; a record whose year or language is unknown is not excluded).
# year_min = 1980
# year_max = 2025
# languages = ["eng"]
# exclude_publication_types = ["Editorial", "Letter"]

[outcomes]
# One events/total column pair per outcome in the extraction sheet.
names = []

[dedupe]
# Keep the record from these databases first when a duplicate group is merged.
prefer_databases = []

[screening]
# 2 = dual screening: every record is screened by two reviewers, conflicts are resolved.
reviewers = 1
# Blinding: until the lead runs `screener unblind`, each reviewer sees only their own decisions
# (status, conflicts, exports, the app). Default: true when reviewers is 2 or more.
# blind = true
'''


# ---------------------------------------------------------------------------------------------
# Finding the line of a table or key (tomllib reports none for valid TOML).

_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$")
_BARE = r"""(?:"[^"]*"|'[^']*'|[A-Za-z0-9_\-]+)"""
_KEY = re.compile(rf"^\s*({_BARE}(?:\s*\.\s*{_BARE})*)\s*=")


def _parts(dotted: str) -> list[str]:
    return [p.strip("\"'") for p in re.findall(r"\"[^\"]*\"|'[^']*'|[^.\s]+", dotted)]


def _locations(text: str) -> dict[tuple[str, ...], int]:
    """(table, ..., key) -> first line number (1-based) where it is defined."""
    found: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    in_multiline: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_multiline is not None:
            if line.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        header = _HEADER.match(line)
        if header:
            table = tuple(_parts(header.group(1)))
            found.setdefault(table, number)
        else:
            key = _KEY.match(line)
            if key:
                path = (*table, *_parts(key.group(1)))
                for depth in range(len(table) + 1, len(path) + 1):
                    found.setdefault(path[:depth], number)
        for quote in ('"""', "'''"):
            if line.count(quote) % 2 == 1:
                in_multiline = quote
    return found


class _Checker:
    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.where = _locations(text)

    def fail(self, place: tuple[str, ...], message: str, hint: str | None = None) -> ProtocolError:
        line = None
        for depth in range(len(place), 0, -1):
            line = self.where.get(place[:depth])
            if line is not None:
                break
        at = f"{self.path} line {line}" if line is not None else str(self.path)
        return ProtocolError(f"{at}: {message}.", hint=hint)

    def check(self, data: dict[str, Any]) -> None:
        for table, content in data.items():
            if table not in SCHEMA and not isinstance(content, dict):
                raise self.fail(
                    (table,),
                    f"unknown key '{table}' outside any table",
                    "Keys belong in a table, e.g. title under [review].",
                )
            if table not in SCHEMA:
                raise self.fail(
                    (table,), f"unknown table [{table}]", _suggest(table, list(SCHEMA), "tables")
                )
            if not isinstance(content, dict):
                raise self.fail((table,), f"'{table}' must be a table ([{table}])")
            allowed = SCHEMA[table]
            for key, value in content.items():
                if key not in allowed:
                    raise self.fail(
                        (table, key),
                        f"unknown key '{key}' in [{table}]",
                        _suggest(key, list(allowed), f"keys in [{table}]"),
                    )
                if not _is(value, allowed[key]):
                    raise self.fail(
                        (table, key),
                        f"'{key}' in [{table}] must be {allowed[key]}, not {_show(value)}",
                    )
        limits = data.get("limits", {})
        low, high = limits.get("year_min"), limits.get("year_max")
        if low is not None and high is not None and low > high:
            raise self.fail(("limits", "year_max"), f"year_max {high} is before year_min {low}")
        for key in ("previous_studies", "previous_reports"):
            count = data.get("prisma", {}).get(key)
            if count is not None and count < 0:
                raise self.fail(("prisma", key), f"{key} must be a count (0 or more)")
        reviewers = data.get("screening", {}).get("reviewers")
        if reviewers is not None and not 1 <= reviewers <= MAX_REVIEWERS:
            raise self.fail(
                ("screening", "reviewers"),
                f"reviewers must be 1 to {MAX_REVIEWERS} (got {reviewers})",
                "1 = single screening, 2 = dual screening.",
            )
        for stage, reasons in data.get("reasons", {}).items():
            for reason in reasons:
                if not reason.strip():
                    raise self.fail(("reasons", stage), f"an exclusion reason for {stage} is empty")


def _is(value: Any, kind: str) -> bool:
    if kind == STR:
        return isinstance(value, str)
    if kind == INT:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == BOOL:
        return isinstance(value, bool)
    if kind == COUNT_OR_WORD:
        return value in ("all", "unknown") or (_is(value, INT) and value >= 0)
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, str):
        return f'"{value}" (a string)'
    if isinstance(value, int):
        return f"{value} (a number)"
    if isinstance(value, list):
        return "a list with a value that is not a string" if value else "a list"
    return f"a {type(value).__name__}"


def _suggest(name: str, allowed: list[str], what: str) -> str:
    close = difflib.get_close_matches(name, allowed, n=1)
    known = ", ".join(allowed)
    return (
        f"Did you mean '{close[0]}'? Known {what}: {known}." if close else f"Known {what}: {known}."
    )


def _syntax_error(path: Path, exc: tomllib.TOMLDecodeError) -> ProtocolError:
    text = str(exc)
    match = re.search(r"\s*\(at line (\d+), column (\d+)\)$", text)
    if match:
        message = text[: match.start()]
        return ProtocolError(
            f"{path} line {match.group(1)}: {message[:1].lower()}{message[1:]} "
            f"(column {match.group(2)}).",
            hint="review.toml is TOML: strings in quotes, lists in [ ], one key = value per line.",
        )
    return ProtocolError(f"{path}: {text}.")


def parse_protocol(text: str, path: Path | str = "review.toml") -> Protocol:
    """Check and read the text of a review.toml (``path`` is used in messages)."""
    where = Path(path)
    if len(text) > MAX_BYTES:
        raise ProtocolError(f"{where} is too large: a review.toml is at most {MAX_BYTES:,} bytes.")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(where, exc) from exc
    except RecursionError:
        raise ProtocolError(
            f"{where}: values are nested too deeply (lists or tables inside one another).",
            hint="review.toml holds strings, numbers and lists of strings, one level deep.",
        ) from None
    _Checker(where, text).check(data)
    review = data.get("review", {})
    criteria = data.get("criteria", {})
    keywords = data.get("keywords", {})
    reasons = data.get("reasons", {})
    limits = data.get("limits", {})
    screening = data.get("screening", {})
    prisma = data.get("prisma", {})
    return Protocol(
        title=review.get("title", ""),
        question=review.get("question", ""),
        include_criteria=list(criteria.get("include", [])),
        exclude_criteria=list(criteria.get("exclude", [])),
        include_keywords=list(keywords.get("include", [])),
        exclude_keywords=list(keywords.get("exclude", [])),
        reasons={s: [r.strip() for r in reasons.get(s, [])] for s in STAGES},
        limits=Limits(**limits),
        outcomes=list(data.get("outcomes", {}).get("names", [])),
        prefer_databases=list(data.get("dedupe", {}).get("prefer_databases", [])),
        reviewers=screening.get("reviewers", 1),
        blind=screening.get("blind", screening.get("reviewers", 1) >= 2),
        meta_analysis_studies=prisma.get("meta_analysis_studies", "all"),
        previous_studies=prisma.get("previous_studies"),
        previous_reports=prisma.get("previous_reports"),
    )


def load_protocol(path: Path) -> Protocol:
    """Read review.toml. A missing file gives the default protocol."""
    if not path.exists() and not path.is_symlink():
        return Protocol()
    regular_file(path, "a review.toml")
    if path.stat().st_size > MAX_BYTES:
        raise ProtocolError(
            f"{path} is {path.stat().st_size:,} bytes: a review.toml is at most {MAX_BYTES:,}."
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(f"{path} is not UTF-8 text (byte {exc.start}).") from exc
    return parse_protocol(text, path)


# ---------------------------------------------------------------------------------------------
# Keywords and reasons.


def reason_text(protocol: Protocol, stage: str, value: str | int | None) -> str | None:
    """The stored text of an exclusion reason: ``"2"`` (or 2) -> the stage's 2nd reason.

    Text is kept as given, but spelt as in review.toml when it matches one of the stage's
    reasons ignoring case. Empty -> None. An unknown number is a ``ProtocolError``.
    """
    if stage not in STAGES:
        raise ProtocolError(f"unknown stage '{stage}' (use title_abstract or full_text).")
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    reasons = protocol.reasons.get(stage, [])
    if text.isdigit():
        number = int(text)
        if not 1 <= number <= len(reasons):
            listed = f"1-{len(reasons)}" if reasons else "none"
            raise ProtocolError(
                f"there is no exclusion reason {number} for {stage} in review.toml "
                f"(numbers {listed}).",
                hint="The numbered reasons are listed under [reasons] in review.toml.",
            )
        return reasons[number - 1]
    for reason in reasons:
        if reason.casefold() == text.casefold():
            return reason
    return text
