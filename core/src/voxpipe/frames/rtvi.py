"""RTVI frames: custom messages between an RTVI client and the pipeline.

All three are system frames. The RTVI processor turns client messages into
:class:`RTVIClientMessageFrame` and the RTVI observer sends
:class:`RTVIServerMessageFrame` / :class:`RTVIServerResponseFrame` to the client.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from voxpipe.frames._base import SystemFrame

__all__ = [
    "RTVIClientMessageFrame",
    "RTVIServerMessageFrame",
    "RTVIServerResponseFrame",
]


@dataclass
class RTVIServerMessageFrame(SystemFrame):
    """A server message for the client (RTVI ``server-message``).

    Attributes:
        data: The message payload.
    """

    data: Any


@dataclass
class RTVIClientMessageFrame(SystemFrame):
    """A custom message from the client that expects a server response.

    Attributes:
        msg_id: The client message's identifier.
        type: The message type chosen by the client.
        data: The message payload, if any.
    """

    msg_id: str
    type: str
    data: Any | None = None


@dataclass
class RTVIServerResponseFrame(SystemFrame):
    """The answer to an :class:`RTVIClientMessageFrame`.

    Sent as ``server-response``, or as ``error-response`` when ``error`` is set.

    Attributes:
        client_msg: The client message being answered.
        data: The response payload, if any.
        error: An error message; when set the client gets an error response.
    """

    client_msg: RTVIClientMessageFrame
    data: Any | None = None
    error: str | None = None
