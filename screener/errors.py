"""One error family. The CLI prints ``message`` (and ``hint``) on stderr and exits 1."""

from __future__ import annotations


class ScreenerError(Exception):
    """A problem the user can fix: bad input, a missing review, a wrong setting."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message

    def lines(self) -> list[str]:
        """What the user reads on stderr: ``Error: <message>`` and the hint, if any."""
        return [f"Error: {self.message}", *([self.hint] if self.hint else [])]


class ReviewError(ScreenerError):
    """The review folder or its database is missing or unusable."""


class InputError(ScreenerError):
    """An input file cannot be read: empty, binary, broken, unknown format, bad encoding."""


class ProtocolError(ScreenerError):
    """review.toml is wrong: unknown key, bad value."""


class DataError(ScreenerError):
    """The review's data cannot support the request (incomplete screening, broken identity)."""
