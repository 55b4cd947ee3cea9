"""``TranscriptionLogObserver``: one log line per transcript an STT service produces.

Final and interim transcriptions leaving an STT service are logged once each
on the stdlib ``voxpipe`` logger::

    💬 DeepgramSTTService#0 → TRANSCRIPTION: 'Hello there' from 'user-1' at 3.02s
    💬 DeepgramSTTService#0 → INTERIM TRANSCRIPTION: 'Hello' from 'user-1' at 2.80s

Times are the task clock's, in seconds since the pipeline started.
"""

from __future__ import annotations

import logging
from typing import Any

from voxpipe.frames.frames import InterimTranscriptionFrame, TranscriptionFrame
from voxpipe.observers._util import FrameHistory, is_kind
from voxpipe.observers.base_observer import BaseObserver, FramePushed

__all__ = ["TranscriptionLogObserver"]

logger = logging.getLogger("voxpipe")


class TranscriptionLogObserver(BaseObserver):
    """Logs transcriptions from STT services (see the module docstring).

    Args:
        log_level: The ``logging`` level of the lines (``INFO`` by default).
        max_frames: How many frames to remember so each is logged once.
        **kwargs: Passed to :class:`BaseObserver`.
    """

    def __init__(self, *, log_level: int = logging.INFO, max_frames: int = 100, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._level = log_level
        self._history = FrameHistory(max_frames)

    async def on_push_frame(self, data: FramePushed) -> None:
        """Log ``data.frame`` if it is a transcription pushed by an STT service."""
        frame = data.frame
        if not isinstance(frame, (TranscriptionFrame, InterimTranscriptionFrame)):
            return
        if not is_kind(data.source, "STTService") or self._history.seen(frame):
            return
        kind = "TRANSCRIPTION" if isinstance(frame, TranscriptionFrame) else "INTERIM TRANSCRIPTION"
        logger.log(
            self._level,
            "💬 %s → %s: %r from %r at %.2fs",
            data.source,
            kind,
            frame.text,
            frame.user_id,
            data.timestamp / 1e9,
        )
