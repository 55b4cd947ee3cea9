"""Deprecation warnings for frames that point at the caller's line.

A frame is built through a dataclass-generated ``__init__`` and a chain of
``__post_init__`` methods whose depth depends on the class, so a fixed
``stacklevel`` would blame the wrong line. :func:`warn_deprecated` walks the
stack to the first frame outside the frame and metrics packages instead.
"""

from __future__ import annotations

import sys
from types import FrameType
import warnings

__all__ = ["warn_deprecated"]

# Frames and metrics data types are built through generated code in these packages.
_INTERNAL_PREFIXES = ("voxpipe.frames.", "voxpipe.metrics.")


def _caller_stacklevel() -> int:
    level = 2  # 1 would be this helper's caller inside the package
    frame: FrameType | None = sys._getframe(2)
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        generated = frame.f_code.co_filename.startswith("<")
        if not module.startswith(_INTERNAL_PREFIXES) and not generated:
            return level
        frame = frame.f_back
        level += 1
    return 2


def warn_deprecated(message: str) -> None:
    """Emit a ``DeprecationWarning`` attributed to the code that built the frame.

    Args:
        message: What is deprecated and what to use instead.
    """
    warnings.warn(message, DeprecationWarning, stacklevel=_caller_stacklevel())
