"""Full texts: attaching N generated PDFs, and a page turn in the full-text view.

Builds a review of N records, all at full text, and N PDFs (``tests/pdfmaker.fast_pdf``): 70 %
carry the record's DOI in the text, 15 % its PMID, 15 % only its title, authors and year; every
PDF has 3 pages of about 50 lines. Then it times

* a **reference** pass over the same files: sha256 of each file plus PDFium opening it and
  reading its first two pages (the least any matcher must do), so the attach figure can be read
  as a ratio against this machine's speed at the time;
* ``attach`` (first run: hash, read, match, extract and cache every page, one transaction), and
  the second run (nothing changed: no file read, nothing written);
* the **page turn**: the full-text view (Pilot, 80x24) on a 40-page PDF, ``right`` pressed as
  the terminal sends it, until the new page is drawn; median, p95 and slowest.

    .venv/bin/python bench/fulltext_speed.py [--n 2000] [--turns 100] [--workdir DIR]

``--n 0`` times the page turns only.

It also writes PDFs for a review's own full-text records (the worked example's trial run):

    .venv/bin/python bench/fulltext_speed.py --pdfs-for REVIEW_DIR --out FOLDER
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from textual import events

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from pdfmaker import cjk_pdf, fast_pdf, text_pdf

from screener.db import init_review, open_review
from screener.fulltexts.attach import attach
from screener.fulltexts.pdf import read_pdf
from screener.normalize import has_cjk
from screener.screening.session import Session
from screener.screening.verdict import stage_records
from screener.tui.app import ScreenApp
from screener.tui.fulltext import FullTextView

WORDS = ["tacrolimus", "myositis", "patients", "trial", "cohort", "muscle", "strength", "lung"]
BODY = (
    "Methods\n"
    + "Patients received tacrolimus and were followed for muscle strength.\n" * 25
    + "Results\n"
    + "Strength improved and creatine kinase fell in most patients.\n" * 25
)


def build(folder: Path, pdfs: Path, n: int, seed: int = 1) -> None:
    review = init_review(folder, title="bench")
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        title = f"{' '.join(rng.choices(WORDS, k=9)).capitalize()} study {i}"
        authors = json.dumps([f"Author{i} A"])
        rows.append((title, authors, 1990 + i % 35, f"10.9999/b.{i}", str(30000000 + i)))
    db = review.db
    with db.conn:
        db.conn.executemany(
            "insert into records (title, authors, year, doi, pmid, keywords, publication_types,"
            " authors_translated, accessions, raw) values (?, ?, ?, ?, ?, '[]', '[]', '[]',"
            " '{}', '{}')",
            rows,
        )
        db.conn.executemany(
            "insert into decisions (record_id, stage, reviewer, decision, source, created_at)"
            " values (?, 'title_abstract', 'ann', 'include', 'human', '2026-01-01T00:00:00+00:00')",
            [(i + 1,) for i in range(n)],
        )
    review.close()
    pdfs.mkdir(parents=True, exist_ok=True)
    for i, (title, _authors, year, doi, pmid) in enumerate(rows):
        kind = i % 20
        ident = f"doi:{doi}" if kind < 14 else f"PMID: {pmid}" if kind < 17 else ""
        first = f"{ident}\n{title}\nAuthor{i} A, Other B\nJournal {year}\n\n{BODY}"
        sub = pdfs / f"{i % 50:02d}"
        sub.mkdir(exist_ok=True)
        fast_pdf(sub / f"paper-{i}.pdf", [first, BODY, "Discussion\n" + BODY])


def reference(pdfs: Path) -> float:
    start = time.perf_counter()
    for path in sorted(pdfs.rglob("*.pdf")):
        hashlib.sha256(path.read_bytes()).hexdigest()
        read_pdf(path)
    return time.perf_counter() - start


class TurnApp(ScreenApp):
    async def turn(self) -> tuple[float, float]:
        screen = self.query_one(FullTextView)
        before = screen.page
        done = asyncio.Event()
        event = events.Key("right", None)
        start, cpu = time.perf_counter(), time.process_time()
        assert self._driver is not None
        self._driver.send_message(event)
        while screen.page == before:
            if time.perf_counter() - start > 10:
                raise RuntimeError("the page did not turn (is the PDF attached?)")
            await asyncio.sleep(0)
        self.call_after_refresh(done.set)
        await asyncio.wait_for(done.wait(), 10)
        return time.perf_counter() - start, time.process_time() - cpu


async def page_turns(folder: Path, turns: int) -> list[tuple[float, float]]:
    """Page turns in a review of its own: one record at full text, a 40-page PDF attached."""
    review = init_review(folder / "turns", title="turns")
    with review.db.conn:
        review.db.execute(
            "insert into records (id, title, doi, authors, keywords, publication_types,"
            " authors_translated, accessions, raw) values (1, 'A long paper', '10.9999/long',"
            " '[]', '[]', '[]', '[]', '{}', '{}')"
        )
        review.db.execute(
            "insert into decisions (record_id, stage, reviewer, decision, source, created_at)"
            " values (1, 'title_abstract', 'ann', 'include', 'human', '2026-01-01T00:00:00+00:00')"
        )
    pages = [f"Page {p + 1}\n{BODY}" for p in range(40)]
    long_pdf = folder / "long.pdf"
    text_pdf(long_pdf, [f"doi:10.9999/long\n{pages[0]}", *pages[1:]])
    attach(review, [long_pdf])
    app = TurnApp(Session(review, "full_text", "ann", order="file"))
    times: list[tuple[float, float]] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for k in range(turns):
            if k and k % 39 == 0:
                await pilot.press("home")
            times.append(await app.turn())
    review.close()
    return times


def pdfs_for(review_dir: Path, out: Path) -> None:
    """One generated PDF per record at full text of an existing review (DOI, PMID or title)."""
    review = open_review(review_dir)
    out.mkdir(parents=True, exist_ok=True)
    ids = stage_records(review.db, "full_text")
    for rid in ids:
        title, authors, year, doi, pmid, abstract = review.db.execute(
            "select title, authors, year, doi, pmid, abstract from records where id = ?", [rid]
        ).fetchone()
        ident = f"doi:{doi}" if doi else f"PMID: {pmid}" if pmid else ""
        names = ", ".join(json.loads(authors or "[]"))
        text = f"{ident}\n{title}\n{names}\n{year or ''}\n\nAbstract\n{abstract or ''}\n\n{BODY}"
        if has_cjk(title):  # fpdf2's core fonts have no CJK glyphs: STSong-Light by hand
            cjk_pdf(out / f"record-{rid}.pdf", [x for x in text.splitlines()[:6] if x])
        else:
            text_pdf(out / f"record-{rid}.pdf", [text, "Discussion\n" + BODY])
    print(f"Wrote {len(ids)} PDFs to {out}")


def attach_figures(work: Path, n: int) -> None:
    """Build N records and PDFs, then time the reference pass and two attach runs."""
    t0 = time.perf_counter()
    build(work / "review", work / "pdfs", n)
    print(f"built {n} records and PDFs in {time.perf_counter() - t0:.1f} s", flush=True)
    ref = reference(work / "pdfs")
    review = open_review(work / "review")
    start = time.perf_counter()
    report = attach(review, [work / "pdfs"])
    first = time.perf_counter() - start
    start = time.perf_counter()
    again = attach(review, [work / "pdfs"])
    second = time.perf_counter() - start
    methods: dict[str, int] = {}
    for f in report.files:
        key = f"{f.outcome}:{f.method}"
        methods[key] = methods.get(key, 0) + 1
    review.close()
    print(f"reference (sha256 + PDFium first 2 pages): {ref:.1f} s")
    print(f"attach {n} PDFs: {first:.1f} s ({first / ref:.2f}x reference); outcomes {methods}")
    print(f"attach again (nothing changed): {second:.2f} s, {again.written} rows written")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--turns", type=int, default=100)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--pdfs-for", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    if args.pdfs_for is not None:
        pdfs_for(args.pdfs_for, args.out or args.pdfs_for / "generated-pdfs")
        return
    work = args.workdir or Path(tempfile.mkdtemp(prefix="ftbench"))
    shutil.rmtree(work / "review", ignore_errors=True)
    shutil.rmtree(work / "pdfs", ignore_errors=True)
    print(f"load average before: {os.getloadavg()[0]:.1f}", flush=True)
    if args.n:
        attach_figures(work, args.n)
    turns = asyncio.run(page_turns(work / "review", args.turns))
    times = sorted(wall for wall, _ in turns)
    cpu = 1000 * statistics.median(c for _, c in turns)
    median = 1000 * statistics.median(times)
    p95 = 1000 * times[int(0.95 * (len(times) - 1))]
    slowest = 1000 * times[-1]
    print(
        f"page turn ({len(times)}): median {median:.1f} ms, p95 {p95:.1f} ms, max {slowest:.1f}"
        f" ms; CPU per turn median {cpu:.1f} ms"
    )
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
