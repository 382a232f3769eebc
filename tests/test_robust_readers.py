"""Issue 12, defects 3-5: a reader never swallows nor invents records; it says where and why."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener.db import Review
from screener.errors import InputError
from screener.searches import import_file

QUOTE = ("", '"')  # QUOTE[True]: a stray quote at the start of a cell


def _csv(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _medline(i: int, so: bool = True) -> str:
    text = (
        f"PMID- {1000 + i}\nOWN - NLM\nDP  - 2010\nTI  - Title number {i}.\nAB  - Abstract {i}.\n"
    )
    return text + (f"SO  - J Test. 2010;1:{i}.\n" if so else "")


def _ris(i: int) -> str:
    return f"TY  - JOUR\nTI  - RIS title {i}\nPY  - 2011\nER  - \n"


def _count(review: Review) -> int:
    return int(review.db.execute("select count(*) from records").fetchone()[0])


# -- defect 3: one stray quote ------------------------------------------------------------------


def test_a_stray_quote_that_swallows_the_rest_is_reported_with_its_line(
    tmp_path: Path, review: Review
) -> None:
    rows = ["Title,Abstract,Year"] + [
        QUOTE[i == 3] + f"Title {i},Abstract {i},{2000 + i % 20}" for i in range(100)
    ]
    with pytest.raises(InputError, match=r"stray\.csv, lines 5-101: a quote is unbalanced"):
        import_file(review, _csv(tmp_path / "stray.csv", rows))
    assert _count(review) == 0


def test_a_stray_quote_inside_one_row_is_reported(tmp_path: Path, review: Review) -> None:
    rows = ["Title,Abstract,Year,Authors"] + [
        QUOTE[i == 3] + f'Title {i},Abstract {i},{2000 + i % 20},"Smith, J; Doe, A"'
        for i in range(100)
    ]
    with pytest.raises(InputError, match=r"stray\.csv, line 5: a quote is unbalanced"):
        import_file(review, _csv(tmp_path / "stray.csv", rows))


def test_multi_line_quoted_cells_are_still_read(tmp_path: Path, review: Review) -> None:
    rows = ["Title,Abstract,Year", 'One,"line one\nline two, with a comma",2001', "Two,b,2002"]
    assert import_file(review, _csv(tmp_path / "ok.csv", rows)).n_records == 2


# -- defect 5: rows with one more cell than the header ---------------------------------------------


def test_rows_with_an_extra_empty_cell_are_imported(tmp_path: Path, review: Review) -> None:
    rows = ["Title,Abstract,Year"] + [f"Title {i},Abstract {i},{2000 + i}," for i in range(10)]
    assert import_file(review, _csv(tmp_path / "extra.csv", rows)).n_records == 10
    titles = [t for (t,) in review.db.execute("select title from records order by id")]
    assert titles == [f"Title {i}" for i in range(10)]


def test_an_extra_cell_holding_text_is_a_clear_message(tmp_path: Path, review: Review) -> None:
    rows = ["Title,Abstract,Year"] + [f"Title {i},Abstract {i},{2000 + i}" for i in range(10)]
    rows[4] += ",Lost words"
    with pytest.raises(InputError, match=r"line 5: the row has 4 cells but the header has 3, and"):
        import_file(review, _csv(tmp_path / "extra.csv", rows))


# -- defect 4: MEDLINE cut short; formats mixed in one file


def test_a_medline_file_cut_inside_its_last_record_is_refused(
    tmp_path: Path, review: Review
) -> None:
    text = "\n".join(_medline(i) for i in range(5))
    cut = text[: text.rindex("AB  - Abstract 4") + 10]
    path = tmp_path / "cut.txt"
    path.write_text(cut, encoding="utf-8")
    with pytest.raises(InputError, match=r"record 5 \(line 29, PMID 1004\) ends without the SO"):
        import_file(review, path)
    assert _count(review) == 0
    path.write_text(text, encoding="utf-8")
    assert import_file(review, path).n_records == 5


@pytest.mark.parametrize("n", [3, 800])  # small: the reader sees it; large: detect sees the end
def test_medline_then_ris_is_refused(tmp_path: Path, review: Review, n: int) -> None:
    path = tmp_path / "mixed.txt"
    path.write_text(
        "\n".join([_medline(i) for i in range(n)] + [_ris(i) for i in range(n)]), encoding="utf-8"
    )
    with pytest.raises(InputError, match="mixes formats"):
        import_file(review, path)
    assert _count(review) == 0


@pytest.mark.parametrize("n", [3, 800])
def test_ris_then_medline_is_refused(tmp_path: Path, review: Review, n: int) -> None:
    path = tmp_path / "mixed.ris"
    path.write_text(
        "\n".join([_ris(i) for i in range(n)] + [_medline(i) for i in range(n)]), encoding="utf-8"
    )
    with pytest.raises(InputError, match="mixes formats"):
        import_file(review, path)


# -- XML: nesting and size limits are lxml's (no huge_tree), reported as a sentence


def test_deeply_nested_xml_is_a_sentence(tmp_path: Path, review: Review) -> None:
    path = tmp_path / "deep.xml"
    deep = "<a>" * 5000 + "</a>" * 5000
    path.write_text(
        f'<?xml version="1.0"?>\n<PubmedArticleSet>\n<PubmedArticle>{deep}</PubmedArticle>\n'
        "</PubmedArticleSet>\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="broken XML"):
        import_file(review, path)
