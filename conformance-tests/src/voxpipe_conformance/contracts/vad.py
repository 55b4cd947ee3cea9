"""``VADContract``: voice activity analyzers.

Written against the documented interface (the kernel's
``voxpipe.audio.vad.vad_analyzer.VADAnalyzer`` is not written yet):
``set_sample_rate(rate)``, ``num_frames_required()``, ``voice_confidence(buffer)``,
``analyze_audio(buffer) -> VADState`` (QUIET, STARTING, SPEAKING, STOPPING) and
``params`` (``VADParams``: confidence, start_secs, stop_secs, min_volume).

Options: ``sample_rate`` (default 16000), ``speech`` (PCM bytes of speech; the
speech test is skipped without it).
"""

from __future__ import annotations

import inspect
from typing import Any

from voxpipe_conformance.contracts.base import Contract, ContractSkip

__all__ = ["VADContract"]


async def _maybe(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


def _state(value: Any) -> str:
    return getattr(value, "name", str(value)).upper()


class VADContract(Contract):
    """Contract of VAD analyzers."""

    kind = "vad"
    summary = "silence is QUIET, speech reaches SPEAKING, bad buffers never raise"

    async def ready(self) -> Any:
        """An analyzer with the sample rate set."""
        analyzer = await self.make()
        analyzer.set_sample_rate(int(self.option("sample_rate", 16000)))
        return analyzer

    def chunk(self, analyzer: Any) -> int:
        """Bytes per analysis window (16-bit mono)."""
        return int(analyzer.num_frames_required()) * 2

    async def test_params_are_documented(self) -> None:
        """The analyzer exposes params with confidence, start_secs, stop_secs and min_volume.

        Source: Pipecat docs, VAD › VADParams(confidence=0.7, start_secs=0.2, stop_secs=0.8, min_volume=0.6).
        """
        analyzer = await self.ready()
        for field in ("confidence", "start_secs", "stop_secs", "min_volume"):
            assert hasattr(analyzer.params, field), f"params lacks {field}"

    async def test_frames_required_positive(self) -> None:
        """num_frames_required() is a positive number of samples once the sample rate is set.

        Source: Pipecat docs, VAD › VADAnalyzer.num_frames_required().
        """
        analyzer = await self.ready()
        assert int(analyzer.num_frames_required()) > 0

    async def test_silence_is_quiet(self) -> None:
        """Digital silence has low voice confidence and leaves the state QUIET.

        Source: Pipecat docs, VAD › VADState QUIET / STARTING / SPEAKING / STOPPING.
        """
        analyzer = await self.ready()
        silence = b"\x00\x00" * int(analyzer.num_frames_required())
        confidence = float(await _maybe(analyzer.voice_confidence(silence)))
        assert confidence < analyzer.params.confidence, f"silence scored {confidence}"
        for _ in range(50):
            state = await _maybe(analyzer.analyze_audio(silence))
        assert _state(state) == "QUIET", f"silence left the analyzer {_state(state)}"

    async def test_speech_reaches_speaking(self) -> None:
        """Speech longer than start_secs moves the state to SPEAKING.

        Source: Pipecat docs, VAD › start_secs: how long speech must last to confirm it.
        """
        speech = self.option("speech")
        if not speech:
            raise ContractSkip("the case gives no speech sample")
        analyzer = await self.ready()
        step = self.chunk(analyzer)
        states = [_state(await _maybe(analyzer.analyze_audio(speech[i:i + step])))
                  for i in range(0, len(speech) - step + 1, step)]
        assert "SPEAKING" in states, f"states seen: {sorted(set(states))}"

    async def test_bad_buffers_do_not_raise(self) -> None:
        """Empty, odd-length or short buffers never raise; the analyzer keeps working.

        Source: voxpipe reliability rule (DESIGN §8): wrong audio formats yield a clear error
        or are ignored, never a crash.
        """
        analyzer = await self.ready()
        for buffer in (b"", b"\x01", b"\x00\x01\x02", b"\x00\x00" * 7):
            try:
                await _maybe(analyzer.analyze_audio(buffer))
            except Exception as exc:  # noqa: BLE001 - the assertion is the point
                raise AssertionError(f"analyze_audio({buffer!r}) raised {type(exc).__name__}: {exc}") from None
        silence = b"\x00\x00" * int(analyzer.num_frames_required())
        assert _state(await _maybe(analyzer.analyze_audio(silence))) in {"QUIET", "STOPPING"}
