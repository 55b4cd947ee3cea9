"""``STTContract``: speech-to-text services (base: ``voxpipe.services.stt_service.STTService``).

Input is the ``audio`` option (16-bit mono PCM bytes at ``sample_rate``,
default one second of a 440 Hz tone at 16 kHz) sent in 20 ms
``InputAudioRawFrame`` chunks between ``VADUserStartedSpeakingFrame`` and
``VADUserStoppedSpeakingFrame`` (segmented services need them; streaming ones
pass them on). Options: ``expected_text``, ``settings_delta`` (default
``{"language": "fr"}``).
"""

from __future__ import annotations

import math
import struct

from voxpipe.frames.frames import (
    InputAudioRawFrame,
    InterimTranscriptionFrame,
    STTUpdateSettingsFrame,
    TranscriptionFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)

from voxpipe_conformance.capabilities import requires
from voxpipe_conformance.contracts.service import ServiceContract
from voxpipe_conformance.session import Session

__all__ = ["STTContract", "tone"]


def tone(seconds: float = 1.0, sample_rate: int = 16000, hz: float = 440.0) -> bytes:
    """``seconds`` of a sine tone as 16-bit mono PCM."""
    n = int(seconds * sample_rate)
    return struct.pack(f"<{n}h", *(int(8000 * math.sin(2 * math.pi * hz * i / sample_rate)) for i in range(n)))


class STTContract(ServiceContract):
    """Contract of STT services."""

    kind = "stt"
    summary = "audio in, TranscriptionFrame out (interim results first if declared)"
    first_output = TranscriptionFrame
    output_done = TranscriptionFrame
    expected_order = [InputAudioRawFrame, TranscriptionFrame]
    settings_frame = STTUpdateSettingsFrame
    default_settings_delta = {"language": "fr"}

    def stimulus(self) -> list:
        """Audio chunks wrapped in VAD start/stop frames."""
        rate = int(self.option("sample_rate", 16000))
        audio = self.option("audio") or tone(1.0, rate)
        step = rate // 50 * 2
        frames: list = [VADUserStartedSpeakingFrame()]
        frames += [InputAudioRawFrame(audio=audio[i:i + step], sample_rate=rate, num_channels=1)
                   for i in range(0, len(audio), step)]
        frames.append(VADUserStoppedSpeakingFrame())
        return frames

    def check_output(self, s: Session) -> None:
        """The final transcript has text, and matches ``expected_text`` when given."""
        finals = [f for f in s.down if isinstance(f, TranscriptionFrame)]
        assert finals and finals[0].text.strip(), "the final transcript is empty"
        expected = self.option("expected_text")
        if expected:
            got = " ".join(f.text for f in finals).lower()
            assert expected.lower() in got, f"transcript {got!r} lacks {expected!r}"

    @requires("interim_results")
    async def test_interim_results_precede_final(self) -> None:
        """A service with interim results pushes InterimTranscriptionFrame before the final TranscriptionFrame.

        Source: Pipecat docs, Speech-to-text › InterimTranscriptionFrame (partial results)
        and TranscriptionFrame (final).
        """
        service = await self.make()
        async with self.session(service) as s:
            await self.produce(s)
        kinds = [type(f) for f in s.down if isinstance(f, (InterimTranscriptionFrame, TranscriptionFrame))]
        assert InterimTranscriptionFrame in kinds, "no InterimTranscriptionFrame"
        assert kinds.index(InterimTranscriptionFrame) < kinds.index(TranscriptionFrame)

    async def test_transcription_has_user_and_timestamp(self) -> None:
        """TranscriptionFrame carries text, a user_id field and an ISO-8601 timestamp.

        Source: Pipecat docs, Frames › TranscriptionFrame(text, user_id, timestamp, language).
        """
        service = await self.make()
        async with self.session(service) as s:
            frame = await self.produce(s)
        assert isinstance(frame.user_id, str), "user_id must be a string"
        assert isinstance(frame.timestamp, str) and "T" in frame.timestamp, (
            f"timestamp {frame.timestamp!r} is not ISO 8601")
