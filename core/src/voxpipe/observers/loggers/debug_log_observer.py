"""``DebugLogObserver``: one log line per frame push, with the frame's fields.

Each push between two processors becomes a line on the stdlib ``voxpipe``
logger (level ``INFO`` by default, ``log_level`` to change it)::

    OpenAILLMService#0 → DailyOutputTransport#0: LLMTextFrame text: 'Hello!' at 1.24s

The arrow points the way the frame travels and the processors are written in
pipeline order, so an upstream push reads ``Destination ← Source``. The fields
shown are the frame's constructor fields (not ``id``, ``pts``, ``metadata`` and
the other bookkeeping fields every frame has), minus ``exclude_fields``. The
time is the task clock's, in seconds since the pipeline started.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Any

from voxpipe.frames._base import Frame
from voxpipe.observers.base_observer import BaseObserver, FramePushed
from voxpipe.processors.frame_processor import FrameDirection

__all__ = ["DEFAULT_EXCLUDE_FIELDS", "DebugLogObserver", "FrameEndpoint", "FrameTypeFilter"]

logger = logging.getLogger("voxpipe")

#: Field names left out by default: the binary payloads of audio and image frames.
#: Any other field holding ``bytes`` is left out by default too.
DEFAULT_EXCLUDE_FIELDS: frozenset[str] = frozenset({"audio", "image", "images"})

_MAX_VALUE_CHARS = 200
_MAX_ITEMS = 10
_BINARY = (bytes, bytearray, memoryview)


class FrameEndpoint(Enum):
    """Which end of a push a processor-type filter looks at."""

    SOURCE = 1
    DESTINATION = 2


#: A ``frame_types`` value: a tuple of frame classes, or a dict mapping a frame
#: class to None (always log) or to ``(ProcessorClass, FrameEndpoint)``.
FrameTypeFilter = tuple[type[Frame], ...] | Mapping[type[Frame], tuple[type, FrameEndpoint] | None]

_Rule = tuple[type, FrameEndpoint] | None


class DebugLogObserver(BaseObserver):
    """Logs every frame push with the frame's fields (see the module docstring).

    Args:
        frame_types: Which pushes to log. None logs all. A tuple of frame
            classes logs frames that are instances of any of them. A dict maps a
            frame class to None (log it whatever the processors) or to
            ``(ProcessorClass, FrameEndpoint.SOURCE | FrameEndpoint.DESTINATION)``
            (log it only when that end of the push is an instance of
            ``ProcessorClass``). A frame is logged if any entry it is an
            instance of allows it.
        exclude_fields: Field names never shown. None means the binary
            fields: :data:`DEFAULT_EXCLUDE_FIELDS` and any field holding bytes.
            With an explicit set, bytes fields not in it appear as ``<N bytes>``.
        log_level: The ``logging`` level of the lines (``INFO`` by default).
        **kwargs: Passed to :class:`BaseObserver`.

    Example::

        DebugLogObserver(frame_types={
            InterruptionFrame: (BaseOutputTransport, FrameEndpoint.SOURCE),
            LLMTextFrame: None,
        })
    """

    def __init__(
        self,
        frame_types: FrameTypeFilter | Iterable[type[Frame]] | None = None,
        exclude_fields: Iterable[str] | None = None,
        *,
        log_level: int = logging.INFO,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._rules: dict[type, _Rule] | None = _normalize(frame_types)
        self._hide_binary = exclude_fields is None
        self._exclude = (
            DEFAULT_EXCLUDE_FIELDS if exclude_fields is None else frozenset(exclude_fields)
        )
        self._level = log_level
        self._matching: dict[type, list[_Rule]] = {}
        self._fields: dict[type, tuple[str, ...]] = {}

    @property
    def exclude_fields(self) -> frozenset[str]:
        """The field names never shown."""
        return self._exclude

    async def on_push_frame(self, data: FramePushed) -> None:
        """Log ``data`` if it passes the filters and the logger is enabled for the level."""
        if not logger.isEnabledFor(self._level) or not self._selected(data):
            return
        logger.log(self._level, "%s", self.format_push(data))

    def format_push(self, data: FramePushed) -> str:
        """The log line for ``data`` (whether or not it passes the filters)."""
        frame = data.frame
        if data.direction is FrameDirection.UPSTREAM:
            route = f"{data.destination} ← {data.source}"
        else:
            route = f"{data.source} → {data.destination}"
        details = self._format_fields(frame)
        head = f"{route}: {type(frame).__name__}"
        if details:
            head = f"{head} {details}"
        return f"{head} at {data.timestamp / 1_000_000_000:.2f}s"

    # -- selection ------------------------------------------------------------------

    def _selected(self, data: FramePushed) -> bool:
        if self._rules is None:
            return True
        cls = type(data.frame)
        rules = self._matching.get(cls)
        if rules is None:
            rules = [rule for t, rule in self._rules.items() if issubclass(cls, t)]
            self._matching[cls] = rules
        for rule in rules:
            if rule is None:
                return True
            processor_type, endpoint = rule
            end = data.source if endpoint is FrameEndpoint.SOURCE else data.destination
            if isinstance(end, processor_type):
                return True
        return False

    # -- formatting -----------------------------------------------------------------

    def _format_fields(self, frame: Frame) -> str:
        names = self._fields.get(type(frame))
        if names is None:
            names = _shown_fields(type(frame), self._exclude)
            self._fields[type(frame)] = names
        parts = []
        for name in names:
            value = getattr(frame, name, None)
            if isinstance(value, _BINARY):
                if self._hide_binary:
                    continue
                parts.append(f"{name}: <{len(value)} bytes>")
            else:
                parts.append(f"{name}: {_format_value(value)}")
        return ", ".join(parts)


def _normalize(frame_types: Any) -> dict[type, _Rule] | None:
    if frame_types is None:
        return None
    if isinstance(frame_types, type):
        return {frame_types: None}
    if isinstance(frame_types, Mapping):
        rules: dict[type, _Rule] = {}
        for frame_type, rule in frame_types.items():
            if rule is not None:
                processor_type, endpoint = rule
                if not isinstance(endpoint, FrameEndpoint):
                    raise TypeError(
                        f"{frame_type.__name__}: expected a FrameEndpoint, got {endpoint!r}"
                    )
                rule = (processor_type, endpoint)
            rules[frame_type] = rule
        return rules
    return dict.fromkeys(frame_types)


def _shown_fields(cls: type, exclude: frozenset[str]) -> tuple[str, ...]:
    if not dataclasses.is_dataclass(cls):
        return ()
    base = {f.name for f in dataclasses.fields(Frame)}
    return tuple(
        f.name
        for f in dataclasses.fields(cls)
        if f.init and f.name not in base and f.name not in exclude and not f.name.startswith("_")
    )


def _format_value(value: Any) -> str:
    if isinstance(value, _BINARY):
        return f"<{len(value)} bytes>"
    if isinstance(value, (list, tuple)) and len(value) > _MAX_ITEMS:
        shown = ", ".join(_format_value(v) for v in value[:_MAX_ITEMS])
        return f"[{shown}, ... ({len(value)} items)]"
    if isinstance(value, dict) and len(value) > _MAX_ITEMS:
        items = list(value.items())[:_MAX_ITEMS]
        shown = ", ".join(f"{k!r}: {_format_value(v)}" for k, v in items)
        return f"{{{shown}, ... ({len(value)} items)}}"
    text = repr(value)
    if len(text) > _MAX_VALUE_CHARS:
        text = f"{text[:_MAX_VALUE_CHARS]}…"
    return text
