"""`screener report`: one self-contained, accessible HTML page of the review, finished or not.

Expected numbers are counted here from how the test review is built, not from the library.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from builders import add_search, decide
from typer.testing import CliRunner

from screener.cli import app
from screener.db import Review
from screener.record import Record
from screener.render.report import build_report
from screener.screening.blinding import unblind

TRICKY = 'Tacrolimus <b>bold</b> & "quoted" </table><script>alert(1)</script>'


def build(review: Review, finished: bool) -> dict[str, int]:
    """PubMed: 3 records; Embase: 2, one a duplicate of PubMed's first. 4 kept records."""
    db = review.db
    pubmed = add_search(
        db,
        [
            Record(title=TRICKY, year=2012, doi="10.1000/a<1>", pmid="111", journal="J A"),
            Record(title="Ciclosporin in lupus", year=2010),
            Record(title="Topical tacrolimus ointment", year=2011),
        ],
        database="PubMed",
    )
    embase = add_search(
        db,
        [Record(title=TRICKY, year=2012), Record(title="Tacrolimus in myositis", year=2014)],
        database="Embase",
        format="ris",
    )
    db["records"].update(embase[0], {"duplicate_of": pubmed[0]})
    ids = {"tricky": pubmed[0], "lupus": pubmed[1], "topical": pubmed[2], "myositis": embase[1]}
    decide(db, "title_abstract", "ann", {ids["tricky"]: "include", ids["lupus"]: "exclude"}, "1")
    if finished:
        decide(
            db,
            "title_abstract",
            "ann",
            {ids["topical"]: "exclude", ids["myositis"]: "exclude"},
            "2",
        )
        decide(db, "full_text", "ann", {ids["tricky"]: "include"})
    return ids


class Page(HTMLParser):
    """Collects what the accessibility checks need."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[str] = []
        self.headings: list[int] = []
        self.tables: list[dict[str, int]] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "table":
            self.tables.append({"caption": 0, "th_scope": 0, "th": 0})
        elif tag == "caption":
            self.tables[-1]["caption"] += 1
        elif tag == "th":
            self.tables[-1]["th"] += 1
            self.tables[-1]["th_scope"] += dict(attrs).get("scope") in ("col", "row")
        elif tag == "script":
            self.scripts += 1


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def check_accessible_and_offline(html: str) -> None:
    page = parse(html)
    assert page.tags[0] == ("html", {"lang": "en"})
    assert page.scripts == 0
    assert page.headings[0] == 1 and page.headings.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(page.headings, page.headings[1:], strict=False))
    assert all(t["caption"] == 1 and t["th"] == t["th_scope"] for t in page.tables)
    svgs = [attrs for tag, attrs in page.tags if tag == "svg"]
    assert all(a.get("role") == "img" and a.get("aria-label") for a in svgs)
    # nothing is fetched: no src, no stylesheet link, links only to the web pages of studies
    assert not [a for _, a in page.tags if "src" in a]
    assert not [a for t, a in page.tags if t == "link"]
    assert not re.search(r"<\?xml|<!DOCTYPE svg|<metadata>|dc:date", html)


def test_unfinished_review_is_marked_pending(review: Review, tmp_path: Path) -> None:
    build(review, finished=False)
    html = build_report(review)
    check_accessible_and_offline(html)
    # 4 kept records: 2 undecided at title/abstract, 1 included waits at full text
    assert "In progress: 3 records need a decision" in html
    assert "no study has been included at full text yet" in html
    assert "no filled extraction sheet" in html
    assert html.count("<strong>Pending:</strong>") >= 3
    assert html == build_report(review)  # deterministic


def test_finished_review_numbers_and_escaping(review: Review, runner: CliRunner) -> None:
    build(review, finished=True)
    result = runner.invoke(app, ["report", "--review", str(review.path)])
    assert result.exit_code == 0, result.output
    out = review.path / "report.html"
    assert result.output == f"Wrote {out}.\n"
    html = out.read_text(encoding="utf-8")
    check_accessible_and_offline(html)
    assert "Screening complete" in html
    assert TRICKY not in html and "<script>alert" not in html
    assert "Tacrolimus &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;" in html
    assert 'href="https://doi.org/10.1000/a%3C1%3E"' in html
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/111/"' in html
    # deduplication: 5 imported, 1 linked, 4 kept; per search rows (records, duplicates, kept)
    assert "5 records imported; 1 linked as duplicates" in html
    cells = re.findall(
        r"<tr><td class=\"num\">(\d+)</td><td>(\w+)</td>((?:<td[^>]*>[^<]*</td>)+)", html
    )
    per_search = {db: re.findall(r">(\d+)<", rest) for _, db, rest in cells}
    assert per_search["PubMed"] == ["1", "3", "0", "3"]  # round, records, duplicates, kept
    assert per_search["Embase"] == ["1", "2", "1", "1"]
    # exclusions at title/abstract: reason 1 once, reason 2 twice
    assert re.search(r"<th scope=\"row\">2</th><td class=\"num\">2</td>", html)
    assert "1 study included at full text." in html
    assert html.count('<figure class="wide">') == 1  # the PRISMA diagram (one round)


def test_report_needs_no_extraction_sheet_but_pools_one(review: Review, tmp_path: Path) -> None:
    build(review, finished=True)
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "study,design,n,muscle_strength_events,muscle_strength_total\n"
        "Smith 2012,cohort,10,8,10\nJones 2014,cohort,20,15,20\n",
        encoding="utf-8",
    )
    html = build_report(review, sheet)
    check_accessible_and_offline(html)
    assert "<h3>muscle_strength</h3>" in html
    # the crude pool is 23/30 = 76.7%
    assert "76.7%" in html
    assert "Forest plot of muscle_strength: 2 studies, 23 events in 30" in html


def test_blinded_review_withholds_reviewers_until_unblinded(review: Review) -> None:
    text = review.protocol_path.read_text(encoding="utf-8")
    review.protocol_path.write_text(
        text.replace("reviewers = 1", "reviewers = 2"), encoding="utf-8"
    )
    ids = add_search(review.db, [Record(title=f"Study {i}", year=2010) for i in range(4)])
    # ann: I I E E; bob: I E E E -> agree on 3 of 4; kappa by hand: po 0.75, pe 0.5 -> 0.50
    decide(
        review.db,
        "title_abstract",
        "ann",
        dict(zip(ids, ["include", "include", "exclude", "exclude"], strict=True)),
        "1",
    )
    decide(
        review.db,
        "title_abstract",
        "bob",
        dict(zip(ids, ["include", "exclude", "exclude", "exclude"], strict=True)),
        "1",
    )
    html = build_report(review)
    check_accessible_and_offline(html)
    assert "screening is blinded" in html
    assert "Agreement between reviewers" not in html and "Progress per reviewer" not in html
    unblind(review.db, "lead")
    html = build_report(review)
    assert "screening is blinded" not in html
    row = re.search(r"ann vs bob</th>((?:<td[^>]*>[^<]*</td>)+)", html)
    assert row is not None
    assert re.findall(r">([^<]*)<", row.group(1))[::2] == ["4", "3", "75.0%", "0.50"]


def test_a_new_review_gives_a_page_too(review: Review) -> None:
    html = build_report(review)
    check_accessible_and_offline(html)
    assert "Not started: no search imported" in html
    assert "no search has been imported yet" in html
