"""Opening an export: checks, fingerprint, encoding, and its lines as clean text.

One pass over the bytes (in chunks, so memory stays flat) gives the sha256, proves the text
decodes, and picks the encoding: UTF-8 (with or without BOM), UTF-16 with a BOM, else
GB18030 (a superset of GBK/GB2312, for Chinese exports). Latin-1 is never guessed.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from screener.errors import InputError
from screener.normalize import has_cjk

CHUNK = 1 << 20
HEAD_CHARS = 32_768
_CR_RUN = re.compile(r"\r+")
_CR_LINE_END = re.compile(r"\r+\n?")  # what lines() makes of CRs, on text: one line end
_MAGIC = {
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (or .xlsx/.docx)",
    b"\xd0\xcf\x11\xe0": "an old Microsoft Office file (.xls/.doc)",
    b"\x1f\x8b": "a gzip archive",
    b"SQLite format 3": "an SQLite database",
}


@dataclass(frozen=True)
class SourceFile:
    """A checked export file: where it is, its fingerprint, its encoding."""

    path: Path
    sha256: str
    size: int
    encoding: str
    has_cr: bool = True  # any carriage return in the file (False: lines need no clean-up)

    def head(self, chars: int = HEAD_CHARS) -> str:
        """The first ``chars`` characters, decoded, line ends normalised."""
        with self.path.open("rb") as handle:
            data = handle.read(chars * 4)
        text = data.decode(self.encoding, errors="ignore")[:chars]
        return text.replace("\r\n", "\n").replace("\r", "\n")

    def tail(self, chars: int = HEAD_CHARS) -> str:
        """About the last ``chars`` characters, from the first line start inside them ("" for a
        UTF-16 file or a file no longer than that)."""
        if self.encoding == "utf-16" or self.size <= chars * 2:
            return ""
        with self.path.open("rb") as handle:
            handle.seek(self.size - chars * 2)
            data = handle.read()
        text = data.decode(self.encoding.replace("-sig", ""), errors="ignore")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return text[text.find("\n") + 1 :]

    def lines(self, position: Callable[[int], None] | None = None) -> Iterator[str]:
        """The decoded lines, each ending in one ``\\n``; bare CRs split lines, CR runs collapse.

        ``position`` (optional) is told how many bytes were read so far, every 2,000 lines.
        """
        with self.path.open("rb") as raw:
            text = io.TextIOWrapper(raw, encoding=self.encoding, newline="\n")
            if not self.has_cr and position is None:
                yield from text  # the fast path: only the last line may lack its "\n"
                return
            for count, line in enumerate(text):
                if position is not None and count % 2000 == 0:
                    position(raw.tell())
                if "\r" in line:
                    body = line.rstrip("\r\n")
                    for piece in _CR_RUN.split(body):
                        yield piece + "\n"
                elif line.endswith("\n"):
                    yield line
                else:
                    yield line + "\n"
            if position is not None:
                position(self.size)

    def blocks(self, position: Callable[[int], None] | None = None) -> Iterator[str]:
        """The decoded text in pieces of about a million characters, each ending at a line end
        (only the file's last line may lack it), with the line ends :meth:`lines` gives.

        For readers that cut records out of text themselves: no line-by-line iteration.
        ``position`` (optional) is told how many bytes were read so far, once per piece.
        """
        with self.path.open("rb") as raw:
            text = io.TextIOWrapper(raw, encoding=self.encoding, newline="\n")
            carry = ""
            while piece := text.read(CHUNK):
                if position is not None:
                    position(raw.tell())
                piece = carry + piece
                cut = piece.rfind("\n") + 1
                carry = piece[cut:]
                if cut:
                    yield _CR_LINE_END.sub("\n", piece[:cut]) if self.has_cr else piece[:cut]
            if carry:
                yield _CR_LINE_END.sub("\n", carry) if self.has_cr else carry
            if position is not None:
                position(self.size)


def regular_file(path: Path | str, what: str) -> Path:
    """``path`` when it is an ordinary file; else an InputError saying what it is instead.

    Checked before opening: a FIFO or a terminal device would block for ever on ``open``.
    """
    file = Path(path)
    try:
        mode = file.stat().st_mode
    except FileNotFoundError:
        raise InputError(f"{file} does not exist.") from None
    except OSError as exc:
        raise InputError(f"{file} cannot be read ({exc.strerror}).") from None
    if stat.S_ISREG(mode):
        return file
    kind = (
        "a folder"
        if stat.S_ISDIR(mode)
        else "a named pipe (FIFO)"
        if stat.S_ISFIFO(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "not a regular file"
    )
    raise InputError(f"{file} is {kind}, not {what}: screener reads only regular files.")


def open_source(path: Path | str) -> SourceFile:
    """Check an export file and fingerprint it; InputError (one sentence) when it is unusable."""
    file = regular_file(path, "an export file")
    try:
        with file.open("rb") as handle:
            first = handle.read(CHUNK)
    except OSError as exc:
        raise InputError(f"{file} cannot be read ({exc.strerror}).") from None
    if not first.strip(b" \t\r\n\xef\xbb\xbf"):
        raise InputError(f"{file} is empty: it holds no records.")
    for magic, what in _MAGIC.items():
        if first.startswith(magic):
            raise InputError(
                f"{file} is {what}, not a text export.",
                hint="Export the search results as RIS, MEDLINE, CSV or XML text.",
            )
    encoding = _bom_encoding(first)
    if encoding is None and b"\x00" in first[:8192]:
        raise InputError(
            f"{file} is a binary file, not a text export.",
            hint="Export the search results as RIS, MEDLINE, CSV or XML text.",
        )
    digest, size, encoding, has_cr = _scan(file, encoding)
    if encoding == "gb18030" and not _plausible_chinese(first.decode("gb18030", errors="ignore")):
        raise InputError(
            f"{file} is not UTF-8 text, and read as GB18030 it gives scattered Chinese "
            "characters inside Latin words: it is probably Latin-1/Windows-1252.",
            hint="Re-export the file as UTF-8 text.",
        )
    return SourceFile(file, digest, size, encoding, has_cr)


def _plausible_chinese(text: str) -> bool:
    """GB18030 decodes most byte soups; real Chinese text has runs of CJK characters, while a
    Latin-1 file read as GB18030 has lone ones between Latin letters ("Caf" + one CJK + "s")."""
    cjk = [i for i, c in enumerate(text) if has_cjk(c)]
    if not cjk:
        return False
    marks = set(cjk)
    lone = sum(1 for i in cjk if i - 1 not in marks and i + 1 not in marks)
    return lone <= len(cjk) / 2


def _bom_encoding(data: bytes) -> str | None:
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def _scan(file: Path, declared: str | None) -> tuple[str, int, str, bool]:
    """sha256, size, the encoding that decodes the whole file, whether it holds a CR."""
    candidates = [declared] if declared else ["utf-8", "gb18030"]
    failure: tuple[str, int] | None = None
    for encoding in candidates:
        digest = hashlib.sha256()
        decoder = codecs.getincrementaldecoder(encoding)()
        ascii_based = encoding in ("utf-8", "gb18030")
        size = 0
        has_cr = False
        try:
            with file.open("rb") as handle:
                while chunk := handle.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    has_cr = has_cr or b"\r" in chunk
                    try:
                        # ASCII bytes are ASCII text in both UTF-8 and GB18030: nothing to check
                        # unless the decoder holds the start of a character from the last chunk.
                        if not (ascii_based and chunk.isascii() and not decoder.getstate()[0]):
                            decoder.decode(chunk)
                    except UnicodeDecodeError as exc:
                        raise _Undecodable(size - len(chunk) + exc.start) from None
                decoder.decode(b"", final=True)
        except _Undecodable as exc:
            if failure is None:
                failure = (encoding, _line_at(file, exc.offset))
            continue
        except UnicodeDecodeError:  # the file ends inside a character
            if failure is None:
                failure = (encoding, _line_at(file, size))
            continue
        return digest.hexdigest(), size, encoding, has_cr
    assert failure is not None
    tried = " or ".join(c.replace("-sig", "").upper() for c in candidates)
    raise InputError(
        f"{file} is not valid {tried} text (first bad byte on line {failure[1]}).",
        hint="Re-export the file as UTF-8 text.",
    )


def _line_at(file: Path, offset: int) -> int:
    """The line number of the byte at ``offset`` (counted only for an error message)."""
    lines = 1
    with file.open("rb") as handle:
        while offset > 0 and (chunk := handle.read(min(CHUNK, offset))):
            lines += chunk.count(b"\n")
            offset -= len(chunk)
    return lines


class _Undecodable(Exception):
    def __init__(self, offset: int) -> None:
        super().__init__(offset)
        self.offset = offset  # where the first bad byte is
