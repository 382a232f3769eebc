"""Every released migration builds the schema it was released with (tests/data/schema.sql).

A migration is never edited once released (screener/db.py): a review created before an edit
and one created after would hold different tables, indexes or triggers, with nothing to tell
them apart. This rebuilds the schema one migration at a time on an empty database and compares
what each migration created, changed or dropped with the text pinned when it was released.

SQL is compared as SQLite stores it, with whitespace runs made one space and ``[name]`` /
``"name"`` quoting removed (sqlite-utils writes the CREATE TABLE of tables it makes, and its
layout is not the migration's); everything else, the case of keywords and names included,
must stay as released.

A new migration is pinned once it is final by rewriting the file:
``python tests/test_schema.py > tests/data/schema.sql`` (then check the diff adds only its
section).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import sqlite_utils

from screener.db import MIGRATIONS, transaction

PINNED = Path(__file__).parent / "data" / "schema.sql"
_QUOTED = re.compile(r"\[([^\]]+)\]|\"([^\"]+)\"")


def _normal(sql: str) -> str:
    unquoted = _QUOTED.sub(lambda m: m.group(1) or m.group(2), sql)
    return " ".join(unquoted.split())


def _objects(db: sqlite_utils.Database) -> dict[str, str]:
    rows = db.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name"
    ).fetchall()
    return {f"{kind} {name}": _normal(sql) for kind, name, sql in rows}


def schema_by_migration() -> dict[str, list[str]]:
    """Each migration's name -> the statements it created or changed and the objects it
    dropped, in the order of ``sqlite_master`` (type, then name)."""
    db = sqlite_utils.Database(memory=True)
    before: dict[str, str] = {}
    sections: dict[str, list[str]] = {}
    for name, step in MIGRATIONS:
        with transaction(db):
            step(db)
        after = _objects(db)
        lines = [f"{sql};" for key, sql in after.items() if before.get(key) != sql]
        lines += [f"-- dropped {key}" for key in before if key not in after]
        sections[name] = lines
        before = after
    return sections


def render(sections: dict[str, list[str]]) -> str:
    return "".join(f"-- {name}\n" + "".join(f"{line}\n" for line in lines)
                   for name, lines in sections.items())  # fmt: skip


def read_pinned(text: str) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    lines: list[str] = []
    for line in text.splitlines():
        if line.startswith("-- ") and not line.startswith("-- dropped "):
            lines = sections.setdefault(line[3:], [])
        else:
            lines.append(line)
    return sections


def first_difference(pinned: list[str], built: list[str]) -> str:
    """Where two sections part, in a line a person can read."""
    for old, new in zip(pinned, built, strict=False):
        if old != new:
            pairs = enumerate(zip(old, new, strict=False))
            at = next((i for i, (a, b) in pairs if a != b), min(len(old), len(new)))
            start = max(at - 60, 0)
            return f"pinned ...{old[start : at + 60]}... built ...{new[start : at + 60]}..."
    if len(pinned) > len(built):
        return f"no longer built: {pinned[len(built)][:120]}"
    return f"built but not pinned: {built[len(pinned)][:120]}"


def test_every_released_migration_builds_the_schema_pinned_at_its_release() -> None:
    built = schema_by_migration()
    pinned = read_pinned(PINNED.read_text(encoding="utf-8"))
    assert list(pinned) == list(built)[: len(pinned)], "pinned migrations renamed or reordered"
    for name, lines in pinned.items():
        assert built[name] == lines, (
            f"migration {name} no longer builds the schema it was released with: "
            f"{first_difference(lines, built[name])}"
        )
    unpinned = list(built)[len(pinned) :]
    assert not unpinned, (
        f"migration {', '.join(unpinned)} is not pinned: once final, run "
        "`python tests/test_schema.py > tests/data/schema.sql`"
    )


def test_a_changed_migration_is_named_with_the_place_it_changed() -> None:
    built = schema_by_migration()
    edited = [line.replace("n INTEGER NOT NULL", "n integer NOT NULL", 1)
              for line in built["006_verdict_summary"]]  # fmt: skip
    assert edited != built["006_verdict_summary"]
    message = first_difference(edited, built["006_verdict_summary"])
    assert "n integer NOT NULL" in message and "n INTEGER NOT NULL" in message
    assert first_difference(built["001_initial"][:-1], built["001_initial"]).startswith(
        "built but not pinned: "
    )


def test_the_pinned_file_reads_back_as_rendered() -> None:
    built = schema_by_migration()
    assert read_pinned(render(built)) == built
    assert any(line.startswith("CREATE TRIGGER") for line in built["006_verdict_summary"])


if __name__ == "__main__":
    sys.stdout.write(render(schema_by_migration()))
