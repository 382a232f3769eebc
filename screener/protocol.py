"""The review protocol, read from ``review.toml``: question, criteria, keywords, reasons, limits.

(Owned by the screening work; the dataclass fields are the contract other modules rely on.)
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from screener.errors import ProtocolError

STAGES = ("title_abstract", "full_text")


@dataclass
class Limits:
    """Machine-checkable eligibility limits (applied by ``screener criteria``)."""

    year_min: int | None = None
    year_max: int | None = None
    languages: list[str] = field(default_factory=list)  # allowed; empty = any
    exclude_publication_types: list[str] = field(default_factory=list)


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


def protocol_template(title: str) -> str:
    """A commented review.toml for a new review."""
    return f'''# review.toml: the protocol of this review; screener reads it on every run.

[review]
title = "{title}"
# The review question, shown while screening.
question = ""

[criteria]
# Shown in the criteria panel while screening.
include = []
exclude = []

[keywords]
# Highlighted while screening: include terms green, exclude terms red. "*" is a wildcard.
include = []
exclude = []

[reasons]
# Numbered exclusion reasons per stage: press e then the number.
title_abstract = ["Wrong population", "Wrong intervention", "Wrong study design", "Not a study"]
full_text = ["Wrong population", "Wrong intervention", "Wrong outcomes", "Wrong study design"]

[limits]
# Applied by `screener criteria` as automation exclusions (never over a human decision).
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
'''


def load_protocol(path: Path) -> Protocol:
    """Read review.toml. A missing file gives the default protocol."""
    if not path.exists():
        return Protocol()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ProtocolError(f"{path}: {exc}.") from exc
    review = data.get("review", {})
    criteria = data.get("criteria", {})
    keywords = data.get("keywords", {})
    reasons = data.get("reasons", {})
    limits = data.get("limits", {})
    return Protocol(
        title=review.get("title", ""),
        question=review.get("question", ""),
        include_criteria=list(criteria.get("include", [])),
        exclude_criteria=list(criteria.get("exclude", [])),
        include_keywords=list(keywords.get("include", [])),
        exclude_keywords=list(keywords.get("exclude", [])),
        reasons={s: list(reasons.get(s, [])) for s in STAGES},
        limits=Limits(**limits),
        outcomes=list(data.get("outcomes", {}).get("names", [])),
        prefer_databases=list(data.get("dedupe", {}).get("prefer_databases", [])),
    )
