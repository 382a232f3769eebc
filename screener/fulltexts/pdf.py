"""Reading a PDF's text and metadata with pypdfium2 (PDFium's wheel: no system install).

A file that cannot be read yields a :class:`PdfText` with ``problem`` set to one sentence
(encrypted, damaged, enormous, not a PDF); reading never raises, so one bad file never stops a
run. A PDF whose pages carry (almost) no text is a scan without a text layer: ``text_layer`` is
False (no OCR is attempted).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium

from screener.outputs import printable

MAX_BYTES = 300 * 1024 * 1024  # larger files are "enormous": not opened
MAX_PAGES = 3000  # more pages than this: "enormous"
HEAD_PAGES = 2  # pages read for matching
MIN_TEXT_CHARS = 25  # fewer non-blank characters on the pages read: no text layer

_PDFIUM_ERRORS = {
    1: "PDFium could not read it",
    2: "the file could not be opened",
    3: "it is damaged or not a PDF",
    4: "it is encrypted (password protected)",
    5: "it uses an unsupported security handler",
    6: "its pages could not be read",
}


@dataclass
class PdfText:
    """What a PDF gave: page texts (the first ``HEAD_PAGES`` or all), metadata, problems."""

    pages: list[str] = field(default_factory=list)
    n_pages: int = 0
    metadata: dict[str, str] = field(default_factory=dict)
    text_layer: bool = False
    problem: str | None = None  # one sentence when the file could not be read

    @property
    def head(self) -> str:
        """The metadata values and the first pages' text, for matching."""
        meta = "\n".join(v for k, v in self.metadata.items() if v and k != "CreationDate")
        return meta + "\n" + "\n".join(self.pages[:HEAD_PAGES])


def clean(text: str) -> str:
    """PDFium's page text with plain line ends, without its soft-hyphen markers and without
    control characters or escape sequences (:func:`screener.outputs.printable`)."""
    return printable(text.replace("\r\n", "\n").replace("\r", "\n").replace("\x02", ""))


def read_pdf(path: Path, pages: int | None = HEAD_PAGES, all_up_to: int = 0) -> PdfText:
    """Text of the first ``pages`` pages (all when None, or when the file has no more than
    ``all_up_to`` pages: read once, not twice) and the metadata of ``path``."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        return PdfText(problem=f"{path} could not be read ({exc.strerror or exc}).")
    if size > MAX_BYTES:
        return PdfText(
            problem=f"{path} is enormous ({size / 2**20:.0f} MB, over"
            f" {MAX_BYTES // 2**20} MB): not read."
        )
    try:
        doc = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        why = _PDFIUM_ERRORS.get(exc.err_code or 1, "PDFium could not read it")
        return PdfText(problem=f"{path} could not be read: {why}.")
    except Exception as exc:  # a broken file must never stop the run
        return PdfText(problem=f"{path} could not be read ({exc}).")
    try:
        return _read_open(doc, path, None if len(doc) <= all_up_to else pages)
    except Exception as exc:
        return PdfText(problem=f"{path} could not be read: its pages are damaged ({exc}).")
    finally:
        doc.close()


def _read_open(doc: pdfium.PdfDocument, path: Path, pages: int | None) -> PdfText:
    n_pages = len(doc)
    if n_pages > MAX_PAGES:
        return PdfText(
            n_pages=n_pages,
            problem=f"{path} is enormous ({n_pages} pages, over {MAX_PAGES}): not read.",
        )
    try:
        metadata = {k: str(v).strip() for k, v in doc.get_metadata_dict().items() if v}
    except Exception:
        metadata = {}
    texts: list[str] = []
    for index in range(n_pages if pages is None else min(pages, n_pages)):
        page = doc[index]
        try:
            textpage = page.get_textpage()
            try:
                texts.append(clean(textpage.get_text_range()))
            finally:
                textpage.close()
        finally:
            page.close()
    chars = sum(len("".join(t.split())) for t in texts)
    return PdfText(texts, n_pages, metadata, text_layer=chars >= MIN_TEXT_CHARS or not texts)
