"""``TurnAnalyzerUserTurnStopStrategy``: a turn model (smart-turn) decides when the user is done.

* Every input audio chunk goes to ``turn_analyzer.append_audio(audio, vad_speaking)``;
  a ``COMPLETE`` there (a streaming model, or a batch model's silence
  fallback) marks the turn complete.
* On a VAD start the analyzer learns ``start_secs`` and the turn is open again.
* On a VAD stop the model runs (``analyze_end_of_turn``); its verdict is
  kept, a ``TurnMetricsData`` is pushed as a ``MetricsFrame``, and an STT wait
  of ``max(0, ttfs_p99_latency - stop_secs)`` starts.
* With ``analyze_on_pause``, the model already runs at the VAD's
  ``VADUserSpeechPausedFrame`` (the first ``pause_secs`` of silence, before the
  stop). A ``COMPLETE`` verdict there is used at the stop without running the
  model again; an ``INCOMPLETE`` one is judged again at the stop, on the audio
  with the full ``stop_secs`` of silence.
* The turn ends when there is text, the verdict is ``COMPLETE`` and either a
  finalized transcript arrived (since the last VAD start; it may come before
  the verdict) or the STT wait elapsed.

An incomplete verdict keeps the turn open until more speech, the analyzer's own
silence fallback, or the controller's ``user_turn_stop_timeout``.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from voxpipe.audio.turn.base_turn_analyzer import BaseTurnAnalyzer, EndOfTurnState
from voxpipe.frames._base import Frame
from voxpipe.frames.frames import (
    InputAudioRawFrame,
    MetricsFrame,
    SpeechControlParamsFrame,
    StartFrame,
    TranscriptionFrame,
    VADUserSpeechPausedFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from voxpipe.processors.frame_processor import FrameDirection
from voxpipe.turns.timing import Timer
from voxpipe.utils.asyncio.task_manager import cancel_and_wait
from voxpipe.turns.types import ProcessFrameResult, UserTurnHost
from voxpipe.turns.user_stop.base_user_turn_stop_strategy import BaseUserTurnStopStrategy

__all__ = ["TurnAnalyzerUserTurnStopStrategy"]

logger = logging.getLogger("voxpipe")

_Verdict = tuple[EndOfTurnState, Any]


class TurnAnalyzerUserTurnStopStrategy(BaseUserTurnStopStrategy):
    """See the module docstring.

    Args:
        turn_analyzer: The end-of-turn model.
        analyze_on_pause: Also run the model at ``VADUserSpeechPausedFrame``, so
            a ``COMPLETE`` verdict is ready when the VAD confirms the stop. Costs
            one more inference whenever the user pauses and goes on.
        **kwargs: See :class:`BaseUserTurnStopStrategy`.
    """

    def __init__(
        self, *, turn_analyzer: BaseTurnAnalyzer, analyze_on_pause: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self._analyzer = turn_analyzer
        self._analyze_on_pause = analyze_on_pause
        self._early: asyncio.Task[_Verdict] | None = None
        self._timer: Timer | None = None
        self._text = ""
        self._vad_speaking = False
        self._complete = False
        self._finalized = False
        self._stt_waited = False

    @property
    def turn_analyzer(self) -> BaseTurnAnalyzer:
        """The end-of-turn model."""
        return self._analyzer

    async def setup(self, host: UserTurnHost) -> None:
        """Attach to the controller and create the STT wait timer."""
        await super().setup(host)
        self._timer = Timer(host.clock, self._on_stt_wait, create_task=host.create_task, name="stt-wait")

    async def cleanup(self) -> None:
        """Stop the timer and release the analyzer."""
        if self._timer is not None:
            self._timer.cancel()
        await self._drop_early()
        await self._analyzer.cleanup()
        await super().cleanup()

    async def reset(self) -> None:
        """Forget the turn (text, verdict, and the analyzer's audio once it heard speech).

        A turn usually *starts* on the VAD's start, ``start_secs`` into the
        speech: the analyzer has buffered that speech and the pre-speech window
        but has not yet been told it is speech, so its audio is kept — clearing
        it there cut the first words off every utterance the model judged.
        """
        if self._timer is not None:
            self._timer.cancel()
        await self._drop_early()
        self._text = ""
        self._complete = False
        self._finalized = False
        self._stt_waited = False
        if self._analyzer.speech_triggered:
            self._analyzer.clear()

    async def process_frame(self, frame: Frame) -> ProcessFrameResult:
        """Feed the analyzer; end the turn when the verdict and the transcript agree."""
        self._track_metadata(frame)
        if isinstance(frame, StartFrame):
            self._analyzer.set_sample_rate(frame.audio_in_sample_rate)
            await self.host.broadcast_frame(SpeechControlParamsFrame(turn_params=self._analyzer.params))
        elif isinstance(frame, InputAudioRawFrame):
            if self._analyzer.append_audio(frame.audio, self._vad_speaking) is EndOfTurnState.COMPLETE:
                self._complete = True
                await self._maybe_stop()
        elif isinstance(frame, VADUserSpeechPausedFrame):
            if self._analyze_on_pause and self._vad_speaking:
                await self._drop_early()  # the user spoke again since that pause
                self._early = self.host.create_task(self._analyzer.analyze_end_of_turn(), "early-turn-verdict")
        elif isinstance(frame, VADUserStartedSpeakingFrame):
            await self._drop_early()
            self._vad_speaking = True
            self._complete = False
            self._stt_waited = False
            self._finalized = False  # this speech's transcript is still to come
            self._analyzer.update_vad_start_secs(frame.start_secs)
            if self._timer is not None:
                self._timer.cancel()
        elif isinstance(frame, VADUserStoppedSpeakingFrame):
            self._vad_speaking = False
            state, metrics = await self._verdict()
            self._complete = state is EndOfTurnState.COMPLETE
            if metrics is not None:
                await self.host.push_frame(MetricsFrame(data=[metrics]), FrameDirection.DOWNSTREAM)
            wait = self._stt_wait(frame.stop_secs)
            if wait <= 0:
                self._stt_waited = True
            elif self._timer is not None:
                self._timer.start(wait)
            # The final transcript may already be here: an STT that starts at the VAD's
            # pause can finish while the model was still judging the turn.
            await self._maybe_stop()
        elif isinstance(frame, TranscriptionFrame) and frame.text.strip():
            self._text = f"{self._text} {frame.text.strip()}".strip()
            self._finalized = self._finalized or frame.finalized
            await self._maybe_stop()
        return ProcessFrameResult.CONTINUE

    async def _verdict(self) -> _Verdict:
        """The model's verdict at a VAD stop: the pause's, if it was COMPLETE, else a fresh one."""
        early, self._early = self._early, None
        if early is not None:
            try:
                verdict = await early
            except asyncio.CancelledError:
                if not early.cancelled():
                    raise
            except Exception:
                logger.debug("%s: the verdict at the pause failed; judging again", self, exc_info=True)
            else:
                if verdict[0] is EndOfTurnState.COMPLETE:
                    return verdict
        return await self._analyzer.analyze_end_of_turn()

    async def _drop_early(self) -> None:
        early, self._early = self._early, None
        if early is not None:
            await cancel_and_wait(early, 1.0)

    async def _on_stt_wait(self) -> None:
        self._stt_waited = True
        await self._maybe_stop()

    async def _maybe_stop(self) -> None:
        if (
            self._text
            and self._complete
            and not self._vad_speaking
            and (self._finalized or self._stt_waited)
            and self.host.user_turn_active
        ):
            await self.trigger_user_turn_stopped()
