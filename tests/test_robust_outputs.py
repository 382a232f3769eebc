"""Issue 12, defects 6-9: outputs safe to open, --out checked, text shown or written is clean."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from builders import add_search, decide
from typer.testing import CliRunner

from screener.cli import app
from screener.db import Review
from screener.outputs import printable, safe_cell
from screener.record import Record
from screener.screening.session import Session
from screener.tui.render import record_text

ESC = "\x1b"
EVIL = [
    Record(title='=HYPERLINK("http://evil.example","click")', year=2001, pmid="101"),
    Record(title="+cmd|' /C calc'!A0", year=2002, pmid="102"),
    Record(title="-2+3", year=2003, pmid="103"),
    Record(title="@SUM(A1:A9)", year=2004, pmid="104"),
    Record(title="\tTabbed", year=2005, pmid="105"),
    Record(title=f"Red {ESC}[31malert{ESC}[0m and a bell\x07 here", year=2006, pmid="106"),
    Record(title="100% of cases_with underscore", year=2007, pmid="107"),
    Record(title="Plain title", year=2008, pmid="108", pages="-0.5"),
]


@pytest.fixture
def evil(review: Review) -> Review:
    add_search(review.db, EVIL, database="Evil <b>**DB**</b> [x](http://x)\x1b[2J")
    return review


def _invoke(args: list[str], review: Review) -> str:
    result = CliRunner().invoke(app, [*args, "--review", str(review.path)])
    assert "Traceback" not in result.output
    return result.output


# -- defect 6 and 7: --out


@pytest.mark.parametrize("command", [["export", "--format", "csv"], ["prisma"]])
def test_out_into_a_missing_folder_or_onto_a_folder_is_a_sentence(
    evil: Review, tmp_path: Path, command: list[str]
) -> None:
    name = "out.csv"
    missing = tmp_path / "nowhere" / name
    result = CliRunner().invoke(
        app,
        [*command, "--out", str(missing), "--review", str(evil.path), "--allow-incomplete"]
        if command == ["prisma"]
        else [*command, "--out", str(missing), "--review", str(evil.path)],
    )
    assert result.exit_code == 1, result.output
    assert f"The folder {missing.parent} does not exist" in result.output
    assert not missing.parent.exists()
    folder = tmp_path / "a.csv"
    folder.mkdir()
    result = CliRunner().invoke(app, [*command, "--out", str(folder), "--review", str(evil.path)])
    assert result.exit_code == 1, result.output
    assert f"{folder} is a folder" in result.output


@pytest.mark.parametrize(
    "command", [["export", "--format", "csv"], ["prisma", "--allow-incomplete"]]
)
def test_out_refuses_an_existing_file_unless_force(
    evil: Review, tmp_path: Path, command: list[str]
) -> None:
    out = tmp_path / "out.csv"
    out.write_text("precious", encoding="utf-8")
    args = [*command, "--out", str(out), "--review", str(evil.path)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    assert f"{out} already exists; nothing was written." in result.output
    assert out.read_text(encoding="utf-8") == "precious"
    result = CliRunner().invoke(app, [*args, "--force"])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8-sig") != "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv", "review"]


def test_a_failing_export_creates_no_file(review: Review, tmp_path: Path) -> None:
    (review.path / "review.toml").write_text("[outcomes]\nnames = 3\n", encoding="utf-8")
    out = tmp_path / "sheet.csv"
    result = CliRunner().invoke(
        app, ["export", "--format", "extraction", "--out", str(out), "--review", str(review.path)]
    )
    assert result.exit_code == 1
    assert not out.exists()


# -- defect 8: formula cells


def _titles(text: str) -> list[str]:
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    return [row["title"] for row in rows]


def test_csv_export_neutralises_formula_cells(evil: Review, tmp_path: Path) -> None:
    out = tmp_path / "all.csv"
    _invoke(["export", "--format", "csv", "--out", str(out)], evil)
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    titles = [row["title"] for row in rows]
    assert titles[:5] == [
        '\'=HYPERLINK("http://evil.example","click")',
        "'+cmd|' /C calc'!A0",
        "'-2+3",
        "'@SUM(A1:A9)",
        "'\tTabbed",
    ]
    assert rows[7]["pages"] == "-0.5"  # a plain number keeps its sign and stays a number
    raw = tmp_path / "raw.csv"
    _invoke(["export", "--format", "csv", "--raw", "--out", str(raw)], evil)
    titles = _titles(raw.read_text(encoding="utf-8-sig"))
    assert titles[0] == '=HYPERLINK("http://evil.example","click")'


def test_extraction_sheet_and_decisions_neutralise_and_round_trip(
    evil: Review, tmp_path: Path
) -> None:
    ids = [r for (r,) in evil.db.execute("select id from records order by id")]
    decide(evil.db, "title_abstract", "ann", {ids[0]: "include", ids[1]: "exclude"}, "=1+1")
    sheet = tmp_path / "sheet.csv"
    _invoke(
        [
            "export",
            "--format",
            "extraction",
            "--decision",
            "all",
            "--stage",
            "title-abstract",
            "--out",
            str(sheet),
        ],
        evil,
    )
    text = sheet.read_text(encoding="utf-8-sig")
    assert not any(line.startswith(("=", "+", "@")) for line in text.splitlines())
    log = tmp_path / "decisions.csv"
    _invoke(["export", "--format", "decisions", "--out", str(log)], evil)
    assert ",'=1+1," in log.read_text(encoding="utf-8")
    before = evil.db.execute("select count(*) from decisions").fetchone()[0]
    output = _invoke(["decide", "--file", str(log)], evil)
    assert "added 0 decisions, 2 already present" in output  # the quote is removed on reading
    assert evil.db.execute("select count(*) from decisions").fetchone()[0] == before


def test_safe_cell_rule() -> None:
    assert [safe_cell(c) for c in ("=1", "-0.5", "+3", "-1e-3", "-", "- note", "", "a=b")] == [
        "'=1",
        "-0.5",
        "+3",
        "-1e-3",
        "'-",
        "'- note",
        "",
        "a=b",
    ]


# -- defect 9: search wildcards, superscripts, escape sequences, markup in outputs


def test_search_treats_percent_and_underscore_literally(evil: Review) -> None:
    session = Session(evil, "title_abstract", "ann")
    assert [h.title for h in session.search("%")] == ["100% of cases_with underscore"]
    assert [h.title for h in session.search("s_w")] == ["100% of cases_with underscore"]
    assert session.search("e%t") == []


def test_search_with_a_superscript_digit_does_not_crash(evil: Review) -> None:
    session = Session(evil, "title_abstract", "ann")
    assert session.search("²") == []
    assert session.search("10²") == []


def test_escape_sequences_never_reach_the_screen(evil: Review) -> None:
    session = Session(evil, "title_abstract", "ann")
    (rid,) = [r for (r,) in evil.db.execute("select id from records where pmid = '106'")]
    shown = record_text(session, rid).plain
    assert ESC not in shown and "\x07" not in shown
    assert "Red alert and a bell here" in shown
    assert printable(f"a{ESC}]0;title\x07b{ESC}[1;31mc\x9b2Jd") == "abcd"


def test_markup_in_a_database_name_is_escaped_in_md_and_stripped_in_txt(
    evil: Review, tmp_path: Path
) -> None:
    md, txt = tmp_path / "flow.md", tmp_path / "flow.txt"
    for out in (md, txt):
        result = CliRunner().invoke(
            app, ["prisma", "--allow-incomplete", "--out", str(out), "--review", str(evil.path)]
        )
        assert result.exit_code == 0, result.output
    text = md.read_text(encoding="utf-8")
    assert "Evil \\<b\\>\\*\\*DB\\*\\*\\</b\\> \\[x\\](http://x) (n = 8)" in text
    assert ESC not in text
    plain = txt.read_text(encoding="utf-8")
    assert "Evil <b>**DB**</b> [x](http://x) (n = 8)" in plain and ESC not in plain
