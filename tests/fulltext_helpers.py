"""A review with records at full text and a folder of PDFs of every kind, for the full-text tests.

Records (ids in order): 1 DOI, 2 PMID only, 3 title only, 4 Chinese title only, 5 excluded at
title/abstract (not at full text), 6 and 7 two records with one title (a congress abstract and
the article, not linked), 8 a two-column paper, 9 a scan, 10 never given a PDF (missing).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from builders import add_search, decide
from pdfmaker import cjk_pdf, damaged_pdf, scan_pdf, text_pdf

from screener.db import Review, init_review
from screener.record import Record

PROTOCOL = """\
[review]
title = "Full texts"
question = "Tacrolimus in myositis"

[keywords]
include = ["tacrolimus", "polymyositis"]
exclude = ["psoriasis", "mice"]

[reasons]
full_text = ["wrong population", "wrong intervention"]
"""

CJK_TITLE = "他克莫司治疗难治性多发性肌炎的临床观察"
SAME_TITLE = "Tacrolimus and methotrexate combination for refractory myositis"
RECORDS = [
    Record(
        title="Tacrolimus for refractory polymyositis: experience with ten patients",
        authors=["Oddis CV", "Sciurba FC"],
        year=1999,
        doi="10.1000/ft.1",
        pmid="111",
        abstract="Ten patients with refractory polymyositis received tacrolimus.",
    ),
    Record(
        title="Tacrolimus in antisynthetase syndrome interstitial lung disease",
        authors=["Wilkes MR"],
        year=2005,
        pmid="222",
    ),
    Record(
        title="Long-term outcome of tacrolimus therapy in juvenile dermatomyositis",
        authors=["Hassan J", "van der Net JJ"],
        year=2008,
    ),
    Record(title=CJK_TITLE, authors=["王国春", "卢昕"], year=2012, language="chi"),
    Record(title="Cyclosporine in plaque psoriasis: a randomised trial", doi="10.1000/ft.5"),
    Record(title=SAME_TITLE, authors=["Kurita T"], year=2015),
    Record(title=SAME_TITLE, authors=["Kurita T"], year=2015),
    Record(
        title="Calcineurin inhibitors in inflammatory myopathies: a cohort study",
        authors=["Mitsui T"],
        year=2011,
        doi="10.1000/ft.8",
    ),
    Record(title="Tacrolimus in dermatomyositis: a scanned report", doi="10.1000/ft.9"),
    Record(title="Tacrolimus ointment in cutaneous lupus", doi="10.1000/ft.10", pmid="1010"),
]

PAPER = (
    "Methods\nWe gave tacrolimus to ten adults with polymyositis.\nDoses were adjusted.\n"
    "Results\nMuscle strength improved in nine patients.\nNo patient had psoriasis.\n"
)


def build_review(folder: Path) -> Review:
    review = init_review(folder, title="Full texts")
    review.protocol_path.write_text(PROTOCOL, encoding="utf-8")
    ids = add_search(review.db, RECORDS)
    decide(review.db, "title_abstract", "ann", {i: "exclude" if i == 5 else "include" for i in ids})
    return review


def make_pdfs(folder: Path) -> dict[str, Path]:
    """One PDF of each kind, named for what it is."""
    folder.mkdir(parents=True, exist_ok=True)
    sub = folder / "storage" / "ABCD1234"
    sub.mkdir(parents=True)
    r = RECORDS
    made = {
        "doi": text_pdf(
            folder / "oddis1999.pdf",
            [
                f"Clin Rheumatol 1999 doi:{r[0].doi}\n{r[0].title}\nOddis CV, Sciurba FC\n\n"
                + PAPER,
                "Discussion\nTacrolimus helped.\nReferences\n1. Cyclosporine. doi:10.1000/ft.5",
                "Page three\nMore discussion of polymyositis and tacrolimus.",
            ],
        ),
        "supplement": text_pdf(
            sub / "supplement.pdf", [f"Supplementary material for doi {r[0].doi}\nTable S1"]
        ),
        "pmid": text_pdf(folder / "wilkes.pdf", [f"PMID: 222\n{r[1].title}\n\n" + PAPER]),
        "title": text_pdf(
            folder / "hassan.pdf",
            [f"{r[2].title}\nJ. Hassan, J.J. van der Net\nRheumatology 2008\n\n" + PAPER],
        ),
        "cjk": cjk_pdf(folder / "wang.pdf", [CJK_TITLE, "王国春 卢昕", "2012年", "方法", "结果"]),
        "not_at_stage": text_pdf(folder / "psoriasis.pdf", [f"DOI {r[4].doi}\n{r[4].title}"]),
        "same_title": text_pdf(folder / "kurita.pdf", [f"{SAME_TITLE}\nKurita T\n2015\n"]),
        "two_ids": text_pdf(folder / "two-ids.pdf", ["Letter\ndoi:10.1000/ft.1\nPMID: 222\n"]),
        "two_columns": text_pdf(
            folder / "mitsui.pdf",
            [f"{r[7].title}\nMitsui T 2011  DOI: {r[7].doi}\n\n" + PAPER],
            columns=2,
        ),
        "scan_with_doi": scan_pdf(folder / "scan-doi.pdf", subject=f"doi:{r[8].doi}"),
        "scan": scan_pdf(sub / "scan.pdf"),
        "damaged": damaged_pdf(folder / "damaged.pdf"),
        "encrypted": text_pdf(folder / "locked.pdf", [f"doi {r[7].doi}"], password="secret"),
        "unrelated": text_pdf(folder / "other.pdf", ["A paper on something else entirely\n"]),
        "unconfirmed": text_pdf(sub / "hassan-title-only.pdf", [r[2].title or ""]),
    }
    (folder / "notes.txt").write_text("not a PDF", encoding="utf-8")
    return made


@pytest.fixture(scope="session")
def made_pdfs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The PDFs of :func:`make_pdfs`, written once per test session (copy them to change them)."""
    folder = tmp_path_factory.mktemp("made") / "pdfs"
    make_pdfs(folder)
    return folder


def copy_pdfs(made: Path, folder: Path) -> Path:
    """A copy of the session's PDFs at ``folder`` (modification times kept)."""
    shutil.copytree(made, folder)
    return folder
