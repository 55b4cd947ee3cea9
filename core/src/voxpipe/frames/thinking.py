"""LLM thought frames: the extended-thinking output of models that expose it.

Start and end are control frames; the thought text is a data frame that is
deliberately not a ``TextFrame``, so TTS services and text aggregators ignore it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from voxpipe.frames._base import ControlFrame, DataFrame, format_pts

__all__ = [
    "LLMThoughtEndFrame",
    "LLMThoughtStartFrame",
    "LLMThoughtTextFrame",
]


@dataclass
class LLMThoughtStartFrame(ControlFrame):
    """Opens a block of thought text.

    Attributes:
        append_to_context: Whether the thought is appended to the LLM context.
        llm: Identifier of the LLM that produced the thought; required when
            ``append_to_context`` is True.

    Raises:
        ValueError: ``append_to_context`` is True and ``llm`` is None.
    """

    append_to_context: bool = False
    llm: str | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.append_to_context and self.llm is None:
            raise ValueError("LLMThoughtStartFrame: append_to_context=True requires llm")


@dataclass
class LLMThoughtTextFrame(DataFrame):
    """A chunk of thought text.

    Attributes:
        text: The thought text (or a chunk of it).
        includes_inter_frame_spaces: Always True: thought chunks carry their
            own spacing. Not a constructor argument.
    """

    text: str
    includes_inter_frame_spaces: bool = field(init=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.includes_inter_frame_spaces = True

    def __str__(self) -> str:
        return f"{self.name}(pts: {format_pts(self.pts)}, thought: [{self.text}])"


@dataclass
class LLMThoughtEndFrame(ControlFrame):
    """Closes a block of thought text.

    Attributes:
        signature: The thought signature, if the LLM sends one; Anthropic's
            must be kept when the thought goes back into the context.
    """

    signature: Any = None
