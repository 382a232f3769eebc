"""The raw record as read: stored without repeating the title and abstract columns, read back
whole (same fields, same order) through ``screener.record.raw_fields``, old reviews included."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from screener.db import Review, init_review, open_review
from screener.readers.detect import detect
from screener.readers.source import open_source
from screener.record import Record, pack_raw, raw_fields
from screener.searches import import_file

SAMPLES = Path(__file__).parent / "data" / "readers"


def rows(review: Review) -> list[dict[str, Any]]:
    cursor = review.db.execute("SELECT * FROM records ORDER BY id")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def parsed(path: Path) -> list[Record]:
    source = open_source(path)
    return list(detect(source).parse(source.lines(), str(path)))


def medline(path: Path, n: int) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for i in range(1, n + 1):
            out.write(
                f"PMID- {i}\nTI  - Tacrolimus in refractory myositis, trial {i}.\n"
                f"AB  - Background: an abstract long enough to matter, number {i}, wrapped\n"
                "      over two lines.\nFAU - Oddis, Chester V\nAU  - Oddis CV\nDP  - 2020\n\n"
            )
    return path


def test_title_and_abstract_are_stored_once_and_read_back_whole(
    review: Review, tmp_path: Path
) -> None:
    path = medline(tmp_path / "m.nbib", 3)
    import_file(review, path)
    stored = rows(review)
    for row, record in zip(stored, parsed(path), strict=True):
        assert record.abstract and record.abstract not in row["raw"]
        assert record.title and record.title not in row["raw"]
        fields = raw_fields(row)
        assert fields == record.raw
        assert list(fields) == list(record.raw)  # the export's field order
        assert Record.from_row(row) == record


def test_every_reader_sample_reads_back_the_same_raw_record(review: Review) -> None:
    paths = sorted(p for p in SAMPLES.iterdir() if not p.name.startswith("bad_"))
    for path in paths:
        import_file(review, path)
    stored = rows(review)
    expected = [record for path in paths for record in parsed(path)]
    assert len(stored) == len(expected) > 20
    for row, record in zip(stored, expected, strict=True):
        assert raw_fields(row) == record.raw
        assert list(raw_fields(row)) == list(record.raw)


def test_a_value_repeating_the_title_anywhere_comes_back() -> None:
    raw = {"TI": "Same", "T1": "Same", "X": ["Same"], "AB": "Text", "N": 3}
    row = {"title": "Same", "abstract": "Text", "raw": pack_raw(raw, "Same", "Text")}
    assert json.loads(row["raw"])[0] == {"TI": "title", "T1": "title", "AB": "abstract"}
    assert raw_fields(row) == raw and list(raw_fields(row)) == list(raw)
    empty = {"TI": "", "AB": None}
    stored = pack_raw(empty, None, None)
    assert raw_fields({"title": None, "abstract": None, "raw": stored}) == empty


def test_old_reviews_with_json_raw_still_read(tmp_path: Path) -> None:
    """A review written before the raw copy was slimmed: raw is the whole record as JSON text."""
    folder = tmp_path / "old"
    init_review(folder).close()
    raw = {"PMID": "1", "TI": "A title", "AB": "An abstract", "AU": ["Li X", "Wang Y"]}
    conn = sqlite3.connect(folder / "review.db")
    with conn:
        conn.execute(
            "INSERT INTO searches (database, round, file_name, sha256, format, n_records) "
            "VALUES ('PubMed', 1, 'old.nbib', 'abc', 'medline', 2)"
        )
        conn.execute(
            "INSERT INTO records (search_id, position, title, abstract, authors, raw) "
            "VALUES (1, 1, 'A title', 'An abstract', '[]', ?)",
            [json.dumps(raw, ensure_ascii=False)],
        )
        conn.execute("INSERT INTO records (search_id, position, title) VALUES (1, 2, 'No raw')")
    conn.close()
    review = open_review(folder)
    try:
        first, second = rows(review)
        assert raw_fields(first) == raw and Record.from_row(first).raw == raw
        assert raw_fields(second) == {} and Record.from_row(second).raw == {}
    finally:
        review.close()
