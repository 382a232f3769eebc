"""Property-based fuzzing of the human-edited inputs: review.toml and decision files.

Each case is a hypothesis strategy and a check: the input is either accepted or refused with a
ScreenerError (one sentence), never any other exception, never a hang. The readers are fuzzed
in test_readers_property.py; tests/test_robust_fuzz.py runs these cases with a bounded number
of examples and bench/fuzz.py runs all of them much longer, printing runs and failures.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from screener.db import connect, insert_rows, transaction
from screener.errors import ScreenerError
from screener.recordindex import RecordIndex
from screener.screening.decisionfile import read_decisions_csv
from screener.screening.protocol import Protocol, parse_protocol, protocol_template

LINE = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
TOML_BITS = st.sampled_from(
    [
        "[review]", "[limits]", "[screening]", "[reasons]", "[keywords]", "[prisma]", "[[x]]",
        "year_min = 2000", "year_max = 1990", "reviewers = 0", "reviewers = 99999999999999999999",
        "blind = maybe", 'title = "', "title = '''", "a.b.c = 1", "languages = [1, 2]",
        'title_abstract = [""]', "x = [[[[[[[[]]]]]]]]", "x = {a = {b = {c = 1}}}", "=", "\x00",
        "reviewers = -1", "meta_analysis_studies = -3", 'include = ["ok", 3]',
    ]
)  # fmt: skip
DECISION_BITS = st.sampled_from(
    [
        "pmid:101,title_abstract,ann,include,,", "doi:10.1/a,ta,ann,exclude,2,",
        "id:1,full_text,ann,exclude,,", "id:99999999999999999999,ta,ann,include,,",
        "title:A title,ft,bob,not_retrieved,gone,", "accession:CN-1,ta,,maybe,,",
        'pmid:101,ta,ann,include,,"unclosed', "pmid:101,ta,ann,include,,,extra,cells",
        "key,stage,reviewer,decision,reason,note", "\ufeffkey,stage", "id:-1,ta,ann,include,,",
        "id:1,ta,consensus,include,,,criteria", "id:1,ta,ann,undo,,", "'=1+1,ta,ann,include,,",
    ]
)  # fmt: skip


def _mangle(draw: st.DrawFn, lines: list[str], extra: st.SearchStrategy[str]) -> list[str]:
    for _ in range(draw(st.integers(0, 8))):
        if not lines:
            lines.append(draw(extra))
            continue
        op = draw(st.sampled_from(["drop", "dup", "insert", "cut", "swap", "noise"]))
        i = draw(st.integers(0, len(lines) - 1))
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "insert":
            lines.insert(i, draw(extra))
        elif op == "cut":
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        else:
            lines.insert(i, draw(LINE))
    return lines


@st.composite
def protocols(draw: st.DrawFn) -> str:
    """A commented review.toml, mangled line by line, or random TOML-like lines."""
    if draw(st.booleans()):
        lines = protocol_template("Fuzz").splitlines()
    else:
        lines = draw(st.lists(TOML_BITS, max_size=8))
    return "\n".join(_mangle(draw, lines, TOML_BITS)) + "\n"


@st.composite
def decision_files(draw: st.DrawFn) -> str:
    lines = ["key,stage,reviewer,decision,reason,note", *draw(st.lists(DECISION_BITS, max_size=6))]
    return "\n".join(_mangle(draw, lines, DECISION_BITS)) + "\n"


def check_protocol(text: str) -> None:
    with contextlib.suppress(ScreenerError):
        assert isinstance(parse_protocol(text, "fuzz.toml"), Protocol)


class DecisionFiles:
    """A small review to resolve keys against, and the check of one decisions file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.db = connect(":memory:")
        with transaction(self.db):
            self.db.execute(
                "insert into searches (database, file_name, sha256, format, n_records)"
                " values ('PubMed', 'f', 's', 'medline', 3)"
            )
            insert_rows(
                self.db.conn,
                "records",
                [
                    {"search_id": 1, "position": i, "title": t, "pmid": p, "doi": d}
                    for i, (t, p, d) in enumerate(
                        [("A title", "101", "10.1/a"), ("B", "102", None), ("C", None, None)], 1
                    )
                ],
            )
        self.index = RecordIndex(self.db)
        self.protocol = parse_protocol(
            '[reasons]\ntitle_abstract = ["Wrong population", "Animals"]\n'
        )

    def check(self, text: str) -> None:
        path = self.folder / "decisions.csv"
        path.write_text(text, encoding="utf-8")
        with contextlib.suppress(ScreenerError):
            read_decisions_csv(path, self.protocol, self.index)


def cases(folder: Path) -> dict[str, tuple[st.SearchStrategy[Any], Callable[[Any], None]]]:
    files = DecisionFiles(folder)
    return {
        "review.toml": (protocols(), check_protocol),
        "decisions file": (decision_files(), files.check),
    }
