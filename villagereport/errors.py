"""The one error a user sees for bad input: file, field path, what was expected."""

from __future__ import annotations

from pathlib import Path

_MAX_SHOWN = 60


def shown(value: object) -> str:
    """Show a bad value briefly, on one line, whatever its size."""
    text = repr(value)
    text = text.replace("\n", "\\n").replace("\r", "\\r")
    if len(text) > _MAX_SHOWN:
        text = text[: _MAX_SHOWN - 1] + "…"
    return text


class ReportError(ValueError):
    """A report, catalogue or parameter that cannot be used, said in one line.

    Parameters
    ----------
    file
        The file at fault (or a label such as ``parameter``).
    field
        The field path inside it, e.g. ``figures[3].value``; empty for the whole file.
    expected
        What the field should have held, e.g. ``a number >= 0, got -5``.
    """

    def __init__(self, file: str | Path, field: str, expected: str) -> None:
        self.file = str(file)
        self.field = field
        self.expected = expected
        where = f"{self.file}: {field}" if field else self.file
        super().__init__(f"{where}: {expected}")
