"""voxpipe plugin hooks of voxpipe-smart-turn: metadata only, nothing heavy imported here."""

from __future__ import annotations

from voxpipe.plugins import CliCommand, PluginManifest, ServiceSpec, hookimpl


@hookimpl
def voxpipe_plugin_manifest() -> PluginManifest:
    """Describe the plugin and its one analyzer."""
    return PluginManifest(
        name="smart-turn",
        distribution="voxpipe-smart-turn",
        version="0.1.0",
        plugin_api=1,
        services=[
            ServiceSpec(
                id="smart_turn_v3",
                kind="turn",
                import_path=(
                    "voxpipe.audio.turn.smart_turn.local_smart_turn_v3:LocalSmartTurnAnalyzerV3"
                ),
                env_vars=[],
                capabilities=[],
                description="smart-turn v3 end-of-turn model, local ONNX on one CPU thread",
            )
        ],
        license="BSD-2-Clause",
        description="Smart-turn v3 end-of-turn detection (weights via `voxpipe models pull smart-turn`)",
    )


@hookimpl
def voxpipe_cli_commands() -> list[CliCommand]:
    """``voxpipe models`` (list / path / pull / remove), open to other model plugins."""
    from voxpipe_smart_turn.models_cmd import command

    return [command()]
