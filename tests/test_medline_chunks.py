"""The MEDLINE reader reads its lines in chunks: records that straddle a chunk's edge, blank
lines holding spaces, a last line without its line end and the line numbers in errors come out
the same whatever the chunk size."""

from __future__ import annotations

import random
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from screener.errors import InputError
from screener.readers import medline
from screener.readers import source as source_module
from screener.readers.source import open_source

SAMPLES = Path(__file__).parent.parent.parent / "shared" / "samples" / "medline"
TEXT = (
    "\n  \nPMID- 1\nTI  - First title\n      wrapped.\nAB  - An abstract\n\tcontinued\n"
    "FAU - Li, X\nFAU - Wang, Y\n \t \n\n"
    "PMID- 2\nTI  - Second\nAB-x-odd but a field\nMH  - *A\nMH  - B\n\n\n"
    "PMID- 3\nTI  - Third, and no line end"
)


def parsed(path: Path, chunk: int, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    monkeypatch.setattr(medline, "_CHUNK_LINES", chunk)
    source = open_source(path)
    return [asdict(record) for record in medline.parse(source.lines(), str(path))]


def test_chunk_size_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made = tmp_path / "edges.nbib"
    made.write_text(TEXT, encoding="utf-8")
    paths = [made, *sorted(SAMPLES.glob("*.txt"))] if SAMPLES.is_dir() else [made]
    for path in paths:
        whole = parsed(path, 1_000_000, monkeypatch)
        for chunk in (1, 2, 3, 7):
            assert parsed(path, chunk, monkeypatch) == whole, (path.name, chunk)
    records = parsed(made, 2, monkeypatch)
    assert [r["raw"]["TI"] for r in records] == [
        "First title wrapped.",
        "Second",
        "Third, and no line end",
    ]
    assert records[0]["raw"]["AB"] == "An abstract continued"
    assert records[1]["raw"]["AB"] == "x-odd but a field"
    assert records[1]["keywords"] == ["A", "B"]


def test_error_line_numbers_count_every_chunk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bad.nbib"
    path.write_text("PMID- 1\nTI  - a\n\n\n" * 50 + "  \n      orphan\n", encoding="utf-8")
    for chunk in (1, 3, 1000):
        monkeypatch.setattr(medline, "_CHUNK_LINES", chunk)
        source = open_source(path)
        with pytest.raises(InputError, match="line 202: an indented line"):
            list(medline.parse(source.lines(), str(path)))


def test_a_bad_byte_after_megabytes_of_ascii_is_found_on_its_line(tmp_path: Path) -> None:
    path = tmp_path / "late.nbib"
    record = b"PMID- 1\nTI  - a plain ASCII title\n\n"  # 3 lines
    copies = 2 * (1 << 20) // len(record) + 1  # past the second 1 MiB chunk of the scan
    path.write_bytes(record * copies + b"TI  - caf\xff\n")
    with pytest.raises(InputError, match=f"first bad byte on line {3 * copies + 1}"):
        open_source(path)


@pytest.mark.parametrize("ends", ["\n", "\r\n", "\r", "\r\r\n"])
def test_text_pieces_read_like_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ends: str
) -> None:
    """The import hands the reader the text in pieces (SourceFile.blocks): same records as line
    by line, whatever the line ends and wherever a piece ends."""
    path = tmp_path / "ends.nbib"
    path.write_bytes(TEXT.replace("\n", ends).encode("utf-8"))
    paths = [path, *sorted(SAMPLES.glob("*.txt"))] if SAMPLES.is_dir() else [path]
    for file in paths:
        source = open_source(file)
        by_lines = [asdict(r) for r in medline.parse(source.lines(), "x")]
        for size in (1, 5, 64, 1 << 20):
            monkeypatch.setattr(source_module, "CHUNK", size)
            pieces = list(source.blocks())
            text = "".join(source.lines())
            assert "".join(pieces).rstrip("\n") == text.rstrip("\n")
            by_blocks = [asdict(r) for r in medline.parse_blocks(pieces, "x")]
            assert by_blocks == by_lines, (file.name, size)
    seen: list[int] = []
    list(open_source(path).blocks(seen.append))
    assert seen[-1] == path.stat().st_size


def test_line_numbers_in_errors_follow_wraps_odd_lines_and_blank_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader counts a record's lines from its fields (one per field, one per PubMed wrap,
    the odd lines in between) instead of counting line ends: the line named in an error is the
    line of the record in the file, whatever came before it."""
    rng = random.Random(7)
    for trial in range(30):
        lines: list[str] = []
        broken = rng.randint(0, 11)
        for n in range(12):
            for _ in range(rng.choice((1, 1, 2, 3))):  # blank lines, some holding spaces
                lines.append(rng.choice(("", "", "   ", "\t")))
            start = len(lines) + 1
            if n == broken:
                lines += ["AU  - Nobody A", "LA  - eng"]  # neither a PMID nor a title
                where = start
                continue
            lines.append(f"PMID- {n + 1}")
            for _ in range(rng.randint(1, 4)):
                lines.append(f"{rng.choice(('TI', 'AB', 'MH', 'FAU'))}  - {'word ' * 3}")
                for _ in range(rng.choice((0, 0, 1, 3))):
                    lines.append(rng.choice(("      wrapped text", "\tan odd line", "odd")))
            lines.append(rng.choice(("AB  -", "AB  - ")))  # a field with no value...
            if rng.random() < 0.5:
                lines.append("  then an odd line")  # ...and its odd continuation
        path = tmp_path / f"lines{trial}.nbib"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        message = f"record {broken + 1} \\(line {where}\\) has neither a PMID nor a title"
        for chunk in (1, 5, 1000):
            monkeypatch.setattr(medline, "_CHUNK_LINES", chunk)
            with pytest.raises(InputError, match=message):
                list(medline.parse(open_source(path).lines(), str(path)))
        with pytest.raises(InputError, match=message):
            list(medline.parse_blocks(open_source(path).blocks(), str(path)))
