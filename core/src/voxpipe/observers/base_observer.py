"""Observers: watch frames move through a pipeline without being part of it.

Attach observers per task (``PipelineTask(observers=[...])``). Each observer
receives, in order, a :class:`FramePushed` for every push between processors
and a :class:`FrameProcessed` for every frame a processor handles, plus
``on_pipeline_started`` once the ``StartFrame`` went through. Observers run on
their own task, so a slow observer never slows the pipeline; with no observer
attached the pipeline does no observer work at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from voxpipe.utils.base_object import BaseObject

if TYPE_CHECKING:
    from voxpipe.frames.frames import Frame
    from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor

__all__ = ["BaseObserver", "FrameProcessed", "FramePushed"]


@dataclass
class FramePushed:
    """A frame pushed from one processor to the next.

    Attributes:
        source: The processor that pushed the frame.
        destination: The processor that receives it.
        frame: The frame.
        direction: Which way it travels.
        timestamp: The task clock's time of the push, in nanoseconds.
    """

    source: FrameProcessor
    destination: FrameProcessor
    frame: Frame
    direction: FrameDirection
    timestamp: int


@dataclass
class FrameProcessed:
    """A frame about to be handled by a processor.

    Attributes:
        processor: The processor handling the frame.
        frame: The frame.
        direction: Which way it travels.
        timestamp: The task clock's time, in nanoseconds.
    """

    processor: FrameProcessor
    frame: Frame
    direction: FrameDirection
    timestamp: int


class BaseObserver(BaseObject):
    """Base class for observers; override the callbacks you need."""

    async def on_process_frame(self, data: FrameProcessed) -> None:
        """A processor is about to handle ``data.frame``."""

    async def on_push_frame(self, data: FramePushed) -> None:
        """``data.source`` pushed ``data.frame`` to ``data.destination``."""

    async def on_pipeline_started(self) -> None:
        """The ``StartFrame`` has been processed by every processor."""
