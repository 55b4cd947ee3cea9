"""Hooks of voxpipe-shout: metadata and the conformance case."""

from __future__ import annotations

from voxpipe.plugins import PluginManifest, ServiceSpec, hookimpl


@hookimpl
def voxpipe_plugin_manifest() -> PluginManifest:
    """One processor, no environment variables."""
    return PluginManifest(
        name="shout",
        distribution="voxpipe-shout",
        version="0.1.0",
        plugin_api=1,
        services=[ServiceSpec(id="shout_processor", kind="processor",
                              import_path="voxpipe_shout.processor:ShoutProcessor",
                              description="upper-cases bot text")],
        description="Example third-party plugin",
    )


@hookimpl
def voxpipe_conformance_cases() -> list:
    """The processor contract, with the documented input/output of this processor."""
    from voxpipe.frames.frames import TextFrame
    from voxpipe_conformance import ConformanceCase, FrameProcessorContract

    from voxpipe_shout.processor import ShoutProcessor

    return [
        ConformanceCase(
            contract=FrameProcessorContract,
            service_id="shout_processor",
            factory=lambda _emulator: ShoutProcessor(),
            options={"inputs": [TextFrame(text="hello")], "expected": [TextFrame]},
        )
    ]
