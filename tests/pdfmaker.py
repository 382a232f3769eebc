"""Small PDFs for the full-text tests and benchmarks, written here (fpdf2; CJK by hand).

``text_pdf`` writes pages of Latin text (one or two columns), ``scan_pdf`` an image-only page
(no text layer), ``cjk_pdf`` a page in Chinese with PDF's standard CJK font (STSong-Light, not
embedded: PDFium maps it to Unicode itself), ``damaged_pdf`` a PDF cut in half.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF
from PIL import Image


def _pdf(title: str | None, subject: str | None) -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.set_creation_date(datetime(2020, 1, 1, tzinfo=UTC))  # the same bytes every run
    if title:
        pdf.set_title(title)
    if subject:
        pdf.set_subject(subject)
    pdf.set_font("helvetica", size=10)
    return pdf


def _latin(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")


def text_pdf(
    path: Path,
    pages: Sequence[str],
    *,
    title: str | None = None,
    subject: str | None = None,
    columns: int = 1,
    password: str | None = None,
) -> Path:
    """A PDF with one page per item of ``pages`` (lines split on newlines)."""
    pdf = _pdf(title, subject)
    if password:
        pdf.set_encryption(owner_password="owner", user_password=password)
    for text in pages:
        pdf.add_page()
        if columns == 1:
            pdf.multi_cell(0, 5, _latin(text))
            continue
        head, _, body = text.partition("\n\n")  # the head spans both columns
        pdf.multi_cell(0, 5, _latin(head))
        top = pdf.get_y() + 4
        half = body.split("\n")
        left, right = half[: len(half) // 2], half[len(half) // 2 :]
        width = (pdf.w - pdf.l_margin - pdf.r_margin - 8) / 2
        for n, column in enumerate((left, right)):
            pdf.set_xy(pdf.l_margin + n * (width + 8), top)
            pdf.multi_cell(width, 5, _latin("\n".join(column)))
    pdf.output(str(path))
    return path


def scan_pdf(path: Path, *, subject: str | None = None) -> Path:
    """One page holding only a grey image: a scan without a text layer."""
    pdf = _pdf(None, subject)
    pdf.add_page()
    image = Image.new("L", (200, 280), 200)
    for x in range(20, 180):
        for y in range(30, 250, 12):
            image.putpixel((x, y), 40)
    pdf.image(image, x=10, y=10, w=190)
    pdf.output(str(path))
    return path


def _raw_pdf(path: Path, contents: Sequence[str], font: Sequence[str]) -> Path:
    """A PDF of one page per content stream, all in font ``/F1``: the objects ``font``, where
    ``{f2}`` and ``{f3}`` stand for the numbers of its second and third objects."""
    n = len(contents)
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n))
    first_font = 3 + 2 * n
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", f"<< /Type /Pages /Kids [{kids}] /Count {n} >>"]
    for i, content in enumerate(contents):
        objects.append(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
            f" /Resources << /Font << /F1 {first_font} 0 R >> >> /Contents {4 + 2 * i} 0 R >>"
        )
        objects.append(f"<< /Length {len(content)} >>\nstream\n{content}\nendstream")
    objects += [
        b.replace("{f2}", str(first_font + 1)).replace("{f3}", str(first_font + 2)) for b in font
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    trailer = f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    path.write_bytes(out + trailer.encode())
    return path


def fast_pdf(path: Path, pages: Sequence[str]) -> Path:
    """Pages of Latin text in the standard Helvetica font, written directly (no layout: long
    lines run off the page; for benchmarks, where fpdf2 would take most of the time)."""

    def escaped(line: str) -> str:
        text = line.encode("latin-1", "replace").decode("latin-1")
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    contents = [
        "BT /F1 10 Tf 50 800 Td 12 TL "
        + " ".join(f"({escaped(line)}) Tj T*" for line in page.split("\n"))
        + " ET"
        for page in pages
    ]
    font = ["<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    return _raw_pdf(path, contents, font)


def cjk_pdf(path: Path, lines: Sequence[str]) -> Path:
    """One page of CJK lines in STSong-Light (UniGB-UCS2-H), written as raw PDF objects."""
    shown = " ".join(f"<{line.encode('utf-16-be').hex()}> Tj T*" for line in lines)
    content = f"BT /F1 12 Tf 50 780 Td 16 TL {shown} ET"
    font = [
        "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H"
        " /DescendantFonts [{f2} 0 R] >>",
        "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo"
        " << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor {f3} 0 R >>",
        "<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [0 -200 1000 900]"
        " /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
    ]
    return _raw_pdf(path, [content], font)


def damaged_pdf(path: Path) -> Path:
    """A PDF cut off after its first 300 bytes."""
    whole = text_pdf(path, ["Damaged paper\nDOI 10.1000/damaged.1"])
    whole.write_bytes(whole.read_bytes()[:300])
    return path
