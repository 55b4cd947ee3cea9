"""Hooks of voxpipe-silero: the manifest (metadata only) and the conformance cases."""

from __future__ import annotations

from typing import Any

from voxpipe.plugins import PluginManifest, ServiceSpec, hookimpl

from voxpipe_silero import __version__


@hookimpl
def voxpipe_plugin_manifest() -> PluginManifest:
    """One VAD analyzer; a local model, so no environment variables."""
    return PluginManifest(
        name="silero",
        distribution="voxpipe-silero",
        version=__version__,
        plugin_api=1,
        services=[
            ServiceSpec(
                id="silero_vad",
                kind="vad",
                import_path="voxpipe.audio.vad.silero:SileroVADAnalyzer",
                description="Silero VAD (bundled ONNX model, 8/16 kHz, no torch)",
            )
        ],
        license="MIT",
        description="Silero voice activity detection, offline",
    )


def _speech(sample_rate: int) -> bytes:
    """The bundled speech sample as 16-bit PCM at ``sample_rate``."""
    import wave

    import numpy as np
    import soxr

    from voxpipe_silero import speech_sample_path

    with wave.open(str(speech_sample_path()), "rb") as wav:
        rate, pcm = wav.getframerate(), wav.readframes(wav.getnframes())
    if rate == sample_rate:
        return pcm
    samples = np.frombuffer(pcm, dtype="<i2")
    return soxr.resample(samples, rate, sample_rate).astype("<i2").tobytes()


@hookimpl
def voxpipe_conformance_cases() -> list[Any]:
    """The VAD contract at both supported rates, with real speech; the model is local (no emulator)."""
    from voxpipe_conformance import ConformanceCase, VADContract

    from voxpipe.audio.vad.silero import SileroVADAnalyzer

    return [
        ConformanceCase(
            contract=VADContract,
            service_id="silero_vad" if rate == 16000 else None,
            name=f"silero_vad ({rate // 1000} kHz, local model)",
            factory=lambda _emulator: SileroVADAnalyzer(),
            emulator=None,  # the model runs in-process: nothing to emulate
            options={"sample_rate": rate, "speech": _speech(rate)},
        )
        for rate in (16000, 8000)
    ]
