"""Transport frames: connection state, app messages and DTMF tones.

Incoming messages and tones are system frames (never dropped); outgoing ones
come in a queued data-frame form and an ``Urgent`` system-frame form that
bypasses the queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from voxpipe.frames._base import ControlFrame, DataFrame, DTMFFrame, SystemFrame

__all__ = [
    "BotConnectedFrame",
    "ClientConnectedFrame",
    "InputDTMFFrame",
    "InputTransportMessageFrame",
    "OutputDTMFFrame",
    "OutputDTMFUrgentFrame",
    "OutputTransportMessageFrame",
    "OutputTransportMessageUrgentFrame",
    "OutputTransportReadyFrame",
]


def _tone(frame: DTMFFrame) -> str:
    return str(getattr(frame.button, "value", frame.button))


@dataclass
class BotConnectedFrame(SystemFrame):
    """The bot joined the transport's room (SFU transports such as Daily and LiveKit only)."""


@dataclass
class ClientConnectedFrame(SystemFrame):
    """A client or participant connected to the transport."""


@dataclass
class OutputTransportReadyFrame(ControlFrame):
    """The output transport is ready to receive frames."""


@dataclass
class InputTransportMessageFrame(SystemFrame):
    """A message received by the transport (its format is transport-specific).

    Attributes:
        message: The message payload.
    """

    message: Any

    def __str__(self) -> str:
        return f"{self.name}(message: {self.message})"


@dataclass
class OutputTransportMessageFrame(DataFrame):
    """A message for the output transport to send, in order with other output.

    Attributes:
        message: The message payload (transport-specific, usually a dict).
    """

    message: Any

    def __str__(self) -> str:
        return f"{self.name}(message: {self.message})"


@dataclass
class OutputTransportMessageUrgentFrame(SystemFrame):
    """A message for the output transport to send at once, ahead of queued output.

    Attributes:
        message: The message payload (transport-specific, usually a dict).
    """

    message: Any

    def __str__(self) -> str:
        return f"{self.name}(message: {self.message})"


@dataclass
class InputDTMFFrame(SystemFrame, DTMFFrame):
    """A DTMF key press received by the transport (the ``button`` field)."""

    def __str__(self) -> str:
        return f"{self.name}(button: {_tone(self)})"


@dataclass
class OutputDTMFFrame(DataFrame, DTMFFrame):
    """A DTMF key press to send, queued with other output.

    ``transport_destination`` picks the destination on transports with
    several dial-out legs.
    """

    def __str__(self) -> str:
        return f"{self.name}(button: {_tone(self)})"


@dataclass
class OutputDTMFUrgentFrame(SystemFrame, DTMFFrame):
    """A DTMF key press to send at once, ahead of queued output."""

    def __str__(self) -> str:
        return f"{self.name}(button: {_tone(self)})"
