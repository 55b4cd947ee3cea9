"""Output helpers for the command line: fixed-width tables and JSON."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TextIO

__all__ = ["format_table", "write_json"]


def format_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, indent: str = "") -> str:
    """Render ``rows`` under ``headers`` as left-aligned columns two spaces apart.

    The last column is not padded, so lines carry no trailing spaces. Cells are
    converted with ``str``; ``None`` renders as ``-``.
    """
    cells = [[("-" if c is None else str(c)) for c in row] for row in rows]
    table = [list(headers), *cells]
    widths = [max(len(row[i]) for row in table) for i in range(len(headers))]
    lines = []
    for row in table:
        padded = [cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=False)]
        lines.append(indent + "  ".join([*padded, row[-1]]).rstrip())
    return "\n".join(lines)


def write_json(data: Any, stream: TextIO) -> None:
    """Write ``data`` (msgspec-encodable) as indented JSON plus a newline."""
    import msgspec

    stream.write(msgspec.json.format(msgspec.json.encode(data), indent=2).decode() + "\n")
