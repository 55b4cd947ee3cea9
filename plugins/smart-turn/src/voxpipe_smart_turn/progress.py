"""A plain progress bar on stderr, no dependency."""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["ProgressBar"]


class ProgressBar:
    """``label [#####.....]  45%  5.2/11.5 MB``, redrawn in place on a terminal.

    Off a terminal (CI logs) it prints one line when it starts and one when it ends.
    """

    def __init__(self, label: str, total: int | None, *, stream: TextIO | None = None,
                 width: int = 30) -> None:
        self.label = label
        self.total = total
        self.done = 0
        self._stream = stream if stream is not None else sys.stderr
        self._tty = bool(getattr(self._stream, "isatty", lambda: False)())
        self._width = width
        self._last = 0.0
        if not self._tty:
            size = f" ({_mb(total)} MB)" if total else ""
            self._stream.write(f"{label}{size} ...\n")
            self._stream.flush()

    def update(self, n: int) -> None:
        """Count ``n`` more bytes."""
        self.done += n
        if self._tty and time.monotonic() - self._last >= 0.1:
            self._last = time.monotonic()
            self._draw()

    def close(self) -> None:
        """Draw the final state and end the line."""
        if self._tty:
            self._draw()
            self._stream.write("\n")
        else:
            self._stream.write(f"{self.label}: {_mb(self.done)} MB done\n")
        self._stream.flush()

    def _draw(self) -> None:
        if self.total:
            frac = min(1.0, self.done / self.total)
            filled = int(frac * self._width)
            bar = "#" * filled + "." * (self._width - filled)
            text = f"\r{self.label} [{bar}] {frac * 100:3.0f}%  {_mb(self.done)}/{_mb(self.total)} MB"
        else:
            text = f"\r{self.label} {_mb(self.done)} MB"
        self._stream.write(text)
        self._stream.flush()


def _mb(n: int | None) -> str:
    return f"{(n or 0) / 1e6:.1f}"
