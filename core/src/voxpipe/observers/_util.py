"""Helpers shared by the built-in observers: duplicate detection and processor kinds."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from voxpipe.frames._base import Frame

__all__ = ["FrameHistory", "is_kind"]

_KINDS: dict[tuple[type, str], bool] = {}


def is_kind(processor: Any, class_name: str) -> bool:
    """True when ``processor``'s class or one of its bases is named ``class_name``.

    Matching by name lets observers recognise ``LLMService`` or ``STTService``
    subclasses without importing the service modules.
    """
    key = (type(processor), class_name)
    found = _KINDS.get(key)
    if found is None:
        found = _KINDS[key] = any(c.__name__ == class_name for c in type(processor).__mro__)
    return found


class FrameHistory:
    """Remembers the last ``max_frames`` frames seen, so each is handled once.

    An observer sees a frame at every hop; broadcast frames come as two
    siblings (one per direction). Both count as the same frame here.

    Args:
        max_frames: How many frame ids to remember.
    """

    def __init__(self, max_frames: int = 100) -> None:
        self._max = max(1, max_frames)
        self._ids: OrderedDict[int, None] = OrderedDict()

    def seen(self, frame: Frame) -> bool:
        """Return True if ``frame`` (or its broadcast sibling) was seen; remember it otherwise."""
        ids = self._ids
        if frame.id in ids:
            return True
        sibling = getattr(frame, "broadcast_sibling_id", None)
        if sibling is not None and sibling in ids:
            return True
        ids[frame.id] = None
        if len(ids) > self._max:
            ids.popitem(last=False)
        return False

    def clear(self) -> None:
        """Forget every frame."""
        self._ids.clear()
