"""Image frames: camera input, image requests, images and sprites for output.

Input images are system frames; output images are data frames. Both carry the
:class:`~voxpipe.frames._base.ImageRawFrame` fields ``image``, ``size`` and
``format``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from voxpipe.frames._base import DataFrame, ImageRawFrame, SystemFrame, format_pts

__all__ = [
    "AssistantImageRawFrame",
    "InputImageRawFrame",
    "OutputImageRawFrame",
    "SpriteFrame",
    "URLImageRawFrame",
    "UserImageRawFrame",
    "UserImageRequestFrame",
]


@dataclass
class InputImageRawFrame(SystemFrame, ImageRawFrame):
    """An image received by the input transport (``transport_source`` names the track)."""

    def __str__(self) -> str:
        return (
            f"{self.name}(pts: {format_pts(self.pts)}, source: {self.transport_source}, "
            f"size: {self.size}, format: {self.format})"
        )


@dataclass
class UserImageRequestFrame(SystemFrame):
    """Ask the transport for an image from one user, e.g. a camera frame for a vision model.

    Attributes:
        user_id: The user to capture from.
        text: Text to go with the image (a question about it), optional.
        append_to_context: Whether the captured image is appended to the LLM
            context; None leaves it to the receiver.
        video_source: The video source to capture from (e.g. ``"camera"``,
            ``"screenVideo"``), optional.
        function_name: Name of the function call that asked, if any.
        tool_call_id: Identifier of the tool call that asked, if any.
        result_callback: Called with the captured image, if given.
    """

    user_id: str
    text: str | None = None
    append_to_context: bool | None = None
    video_source: str | None = None
    function_name: str | None = None
    tool_call_id: str | None = None
    result_callback: Any | None = None


@dataclass
class UserImageRawFrame(InputImageRawFrame):
    """An image from one user, possibly answering a :class:`UserImageRequestFrame`.

    Attributes:
        user_id: The user who produced the image.
        text: Text that goes with the image, optional.
        append_to_context: Whether the image is appended to the LLM context.
        request: The request this image answers, if any.
    """

    user_id: str = ""
    text: str | None = None
    append_to_context: bool | None = None
    request: UserImageRequestFrame | None = None


@dataclass
class OutputImageRawFrame(DataFrame, ImageRawFrame):
    """An image for the output transport to display (``transport_destination`` picks the track).

    Attributes:
        sync_with_audio: When True the image waits behind the audio queued
            before it; when False it is shown at once. Set internally, not a
            constructor argument; defaults to False.
    """

    sync_with_audio: bool = field(default=False, init=False)

    def __str__(self) -> str:
        return (
            f"{self.name}(pts: {format_pts(self.pts)}, "
            f"destination: {self.transport_destination}, size: {self.size}, "
            f"format: {self.format})"
        )


@dataclass
class URLImageRawFrame(OutputImageRawFrame):
    """An output image that can also be downloaded from a URL (image generation services).

    Attributes:
        url: Where the image can be downloaded.
    """

    url: str | None = None


@dataclass
class AssistantImageRawFrame(OutputImageRawFrame):
    """An image made by the assistant, both displayed and added to the LLM context.

    Attributes:
        original_data: The original encoded image, usable in a context message
            without re-encoding.
        original_mime_type: MIME type of ``original_data``.
    """

    original_data: bytes | None = None
    original_mime_type: str | None = None


@dataclass
class SpriteFrame(DataFrame):
    """An animation the transport plays at its ``camera_out_framerate``.

    Attributes:
        images: The animation's images, in order.
    """

    images: list[OutputImageRawFrame]

    def __str__(self) -> str:
        return f"{self.name}(pts: {format_pts(self.pts)}, size: {len(self.images)})"
