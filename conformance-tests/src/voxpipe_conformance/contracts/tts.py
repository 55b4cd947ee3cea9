"""``TTSContract``: text-to-speech services (documented base: ``voxpipe.services.tts_service.TTSService``).

Options: ``text`` (str) to speak; ``settings_delta`` (default ``{"voice": "conformance-voice"}``).
"""

from __future__ import annotations

from voxpipe.frames.frames import (
    LLMFullResponseEndFrame,
    LLMFullResponseStartFrame,
    TextFrame,
    TTSAudioRawFrame,
    TTSSpeakFrame,
    TTSStartedFrame,
    TTSStoppedFrame,
    TTSTextFrame,
    TTSUpdateSettingsFrame,
)

from voxpipe_conformance.capabilities import requires
from voxpipe_conformance.contracts.service import ServiceContract
from voxpipe_conformance.session import Session

__all__ = ["TTSContract"]


class TTSContract(ServiceContract):
    """Contract of TTS services."""

    kind = "tts"
    summary = "text in, TTSStartedFrame → TTSAudioRawFrame… → TTSStoppedFrame out"
    first_output = TTSAudioRawFrame
    output_done = TTSStoppedFrame
    expected_order = [TTSStartedFrame, TTSAudioRawFrame, TTSStoppedFrame]
    settings_frame = TTSUpdateSettingsFrame
    default_settings_delta = {"voice": "conformance-voice"}

    def stimulus(self) -> list:
        """One ``TTSSpeakFrame`` with the ``text`` option."""
        return [TTSSpeakFrame(text=self.option("text", "Hello from the conformance suite."))]

    def check_output(self, s: Session) -> None:
        """Audio is 16-bit PCM with a positive sample rate and channel count."""
        audio = [f for f in s.down if isinstance(f, TTSAudioRawFrame)]
        for frame in audio:
            assert frame.audio and len(frame.audio) % 2 == 0, "TTS audio must be non-empty 16-bit PCM"
            assert frame.sample_rate > 0 and frame.num_channels >= 1, "bad audio format fields"

    async def test_llm_text_spoken_per_sentence(self) -> None:
        """Streamed LLM text between LLMFullResponseStart/End frames is aggregated and spoken.

        Source: Pipecat docs, Text-to-speech › TTS services aggregate TextFrames into
        sentences and flush at LLMFullResponseEndFrame.
        """
        service = await self.make()
        async with self.session(service) as s:
            await s.send(LLMFullResponseStartFrame())
            for word in self.option("text", "Hello from the conformance suite.").split(" "):
                await s.send(TextFrame(text=word + " "))
            await s.send(LLMFullResponseEndFrame())
            await s.wait_for(TTSStoppedFrame, timeout=self.option("output_within", 10.0))
        assert any(isinstance(f, TTSAudioRawFrame) for f in s.down), "no audio for streamed text"

    @requires("word_timestamps")
    async def test_word_timestamps_give_tts_text_frames(self) -> None:
        """A TTS with word timestamps pushes TTSTextFrame words alongside its audio.

        Source: Pipecat docs, Text-to-speech › word timestamps produce TTSTextFrames
        in sync with the audio.
        """
        service = await self.make()
        async with self.session(service) as s:
            await self.produce(s)
            await s.settle(0.1)
        words = [f.text for f in s.down if isinstance(f, TTSTextFrame)]
        assert words, f"no TTSTextFrame; downstream {s.names(s.down)}"
