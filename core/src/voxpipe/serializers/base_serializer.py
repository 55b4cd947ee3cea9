"""``FrameSerializer``: converts frames to and from a transport's wire format.

A websocket transport calls :meth:`FrameSerializer.serialize` on each outgoing
frame and sends ``bytes`` as a binary message and ``str`` as a text message
(``None`` means "nothing to send"); it calls :meth:`FrameSerializer.deserialize`
on each incoming message and pushes the frame it returns (``None`` means
"ignore this message"). :meth:`FrameSerializer.setup` receives the
``StartFrame`` first, so a serializer can learn the pipeline's sample rates.

Serializers must not raise on malformed input: return None and log, so a
garbage message never ends a call.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from voxpipe.frames._base import Frame
from voxpipe.frames.frames import StartFrame

__all__ = ["FrameSerializer"]

_RTVI_LABEL = "rtvi-ai"


class FrameSerializer(ABC):
    """Base class of wire serializers (Twilio, Telnyx, protobuf ...).

    Args:
        params: Options; ``ignore_rtvi_messages`` (default True) makes
            :meth:`should_ignore_frame` drop outgoing RTVI messages, which
            telephony providers cannot carry.
    """

    @dataclass
    class InputParams:
        """Serializer options.

        Attributes:
            ignore_rtvi_messages: Drop outgoing transport messages labelled ``rtvi-ai``.
        """

        ignore_rtvi_messages: bool = True

    def __init__(self, params: FrameSerializer.InputParams | None = None) -> None:
        self._params = params or FrameSerializer.InputParams()

    @property
    def params(self) -> FrameSerializer.InputParams:
        """The serializer's options."""
        return self._params

    def should_ignore_frame(self, frame: Frame) -> bool:
        """True for an outgoing RTVI message while ``ignore_rtvi_messages`` is set."""
        if not self._params.ignore_rtvi_messages:
            return False
        message = getattr(frame, "message", None)
        return isinstance(message, dict) and message.get("label") == _RTVI_LABEL

    async def setup(self, frame: StartFrame) -> None:  # noqa: B027 - optional hook
        """Learn the pipeline configuration (sample rates) before the first frame."""

    @abstractmethod
    async def serialize(self, frame: Frame) -> str | bytes | None:
        """Encode ``frame`` for the wire; None when the frame is not sent."""

    @abstractmethod
    async def deserialize(self, data: str | bytes) -> Frame | None:
        """Decode one wire message; None when it carries no frame (or is malformed)."""
