"""The frame base classes and mixins every other frame module builds on.

Frames are plain dataclasses so users subclass them with ``@dataclass``. Three
base kinds decide how the scheduler treats a frame:

* :class:`SystemFrame` — delivered at once, never queued behind data, never
  discarded by an interruption;
* :class:`DataFrame` and :class:`ControlFrame` — queued and processed in order;
  an interruption discards the queued ones and cancels the one in flight,
  unless the frame also carries the :class:`UninterruptibleFrame` mixin.

Every frame gets ``id``, ``name`` (``TextFrame#3``), ``pts``, ``metadata``,
``transport_source``, ``transport_destination`` and ``broadcast_sibling_id``
automatically; they are not constructor arguments.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

__all__ = [
    "AudioRawFrame",
    "ControlFrame",
    "DataFrame",
    "DTMFFrame",
    "Frame",
    "ImageRawFrame",
    "KeypadEntry",
    "SystemFrame",
    "UninterruptibleFrame",
    "format_pts",
]

_ids = itertools.count(1)
_counts: dict[type, itertools.count] = {}


def new_frame_identity(cls: type) -> tuple[int, str]:
    """A fresh ``(id, name)`` pair for a frame of class ``cls``."""
    counter = _counts.get(cls)
    if counter is None:
        counter = _counts[cls] = itertools.count(0)
    return next(_ids), f"{cls.__name__}#{next(counter)}"


def format_pts(pts: int | None) -> str | None:
    """Render a presentation timestamp in nanoseconds as ``H:MM:SS.ffffff``."""
    if pts is None:
        return None
    seconds, ns = divmod(pts, 1_000_000_000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}.{ns // 1000:06d}"


class _Root:
    """End of every frame's MRO: lets ``__post_init__`` chain through mixins."""

    def __post_init__(self) -> None:
        pass


@dataclass
class Frame(_Root):
    """The base of every frame.

    Attributes:
        id: Unique identifier of this frame instance.
        name: Class name and per-class instance count, e.g. ``TextFrame#3``.
        pts: Presentation timestamp in nanoseconds, or None.
        metadata: Free-form metadata carried with the frame.
        transport_source: Name of the transport source that created the frame.
        transport_destination: Name of the transport destination (output track).
        broadcast_sibling_id: For broadcast frames, the id of the instance sent
            the other way; None otherwise.
    """

    id: int = field(init=False, repr=False, compare=False)
    name: str = field(init=False, repr=False, compare=False)
    pts: int | None = field(init=False, repr=False, compare=False)
    metadata: dict[str, Any] = field(init=False, repr=False, compare=False)
    transport_source: str | None = field(init=False, repr=False, compare=False)
    transport_destination: str | None = field(init=False, repr=False, compare=False)
    broadcast_sibling_id: int | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.id, self.name = new_frame_identity(type(self))
        self.pts = None
        self.metadata = {}
        self.transport_source = None
        self.transport_destination = None
        self.broadcast_sibling_id = None
        super().__post_init__()

    def __str__(self) -> str:
        return self.name


@dataclass
class SystemFrame(Frame):
    """High-priority frame: delivered at once, never discarded by an interruption."""


@dataclass
class DataFrame(Frame):
    """Content frame: queued in order, discarded by an interruption."""


@dataclass
class ControlFrame(Frame):
    """Boundary or configuration frame: queued in order, discarded by an interruption."""


@dataclass
class UninterruptibleFrame(_Root):
    """Mixin: a data or control frame that an interruption neither discards nor cancels."""


@dataclass
class AudioRawFrame(_Root):
    """Mixin with raw PCM audio fields.

    Attributes:
        audio: Raw 16-bit little-endian PCM bytes.
        sample_rate: Samples per second, e.g. 16000.
        num_channels: Channel count, e.g. 1 for mono.
        num_frames: Audio frames (samples per channel); computed from ``audio``.
    """

    audio: bytes
    sample_rate: int
    num_channels: int
    num_frames: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        channels = self.num_channels or 1
        self.num_frames = len(self.audio) // (channels * 2)


@dataclass
class ImageRawFrame(_Root):
    """Mixin with raw image fields.

    Attributes:
        image: Raw image bytes.
        size: ``(width, height)``.
        format: Image format such as ``"RGB"`` or ``"JPEG"``, or None.
    """

    image: bytes
    size: tuple[int, int]
    format: str | None


class KeypadEntry(str, Enum):
    """A DTMF keypad entry."""

    ONE = "1"
    TWO = "2"
    THREE = "3"
    FOUR = "4"
    FIVE = "5"
    SIX = "6"
    SEVEN = "7"
    EIGHT = "8"
    NINE = "9"
    ZERO = "0"
    POUND = "#"
    STAR = "*"


@dataclass
class DTMFFrame(_Root):
    """Mixin for DTMF frames.

    Attributes:
        button: The keypad entry.
    """

    button: KeypadEntry
