"""voxpipe plugin hooks of voxpipe-soundfile (metadata only: imports no audio library)."""

from __future__ import annotations

from voxpipe.plugins import PluginManifest, ServiceSpec, hookimpl


@hookimpl
def voxpipe_plugin_manifest() -> PluginManifest:
    """Describe the SoundfileMixer."""
    return PluginManifest(
        name="soundfile",
        distribution="voxpipe-soundfile",
        version="0.1.0",
        plugin_api=1,
        services=[
            ServiceSpec(
                id="soundfile_mixer",
                kind="other",
                import_path="voxpipe.audio.mixers.soundfile_mixer:SoundfileMixer",
                description="Mix sound files into the output audio",
            )
        ],
        license="BSD-2-Clause",
        description="SoundfileMixer: sound files mixed into the bot's audio",
    )
