"""The voxpipe plugin system: hooks, manifests, discovery and the service registry.

A plugin is a distribution that declares an entry point in the
``voxpipe.plugins`` group pointing at a module with ``@hookimpl`` functions::

    from voxpipe.plugins import PluginManifest, ServiceSpec, hookimpl

    @hookimpl
    def voxpipe_plugin_manifest() -> PluginManifest:
        return PluginManifest(
            name="acme", distribution="voxpipe-acme", version="0.1.0", plugin_api=1,
            services=[ServiceSpec(id="acme_tts", kind="tts",
                                  import_path="voxpipe.services.acme.tts:AcmeTTSService")],
        )

See ``docs/plugins.md`` for the guide and the hook reference.
"""

from __future__ import annotations

import pluggy

from voxpipe.plugins._discovery import ALLOW_ENV, DISABLE_ENV, ENTRY_POINT_GROUP
from voxpipe.plugins.commands import CliCommand, ProjectTemplate
from voxpipe.plugins.manager import (
    LoadedPlugin,
    PluginManager,
    PluginProblem,
    SkippedPlugin,
    get_plugin_manager,
)
from voxpipe.plugins.manifest import (
    PLUGIN_API_VERSION,
    SERVICE_KINDS,
    PluginManifest,
    ServiceKind,
    ServiceSpec,
)
from voxpipe.plugins.registry import (
    RegisteredService,
    ServiceNotFoundError,
    ServiceRegistry,
    get_registry,
)

__all__ = [
    "ALLOW_ENV",
    "DISABLE_ENV",
    "ENTRY_POINT_GROUP",
    "PLUGIN_API_VERSION",
    "SERVICE_KINDS",
    "CliCommand",
    "LoadedPlugin",
    "PluginManager",
    "PluginManifest",
    "PluginProblem",
    "ProjectTemplate",
    "RegisteredService",
    "ServiceKind",
    "ServiceNotFoundError",
    "ServiceRegistry",
    "ServiceSpec",
    "SkippedPlugin",
    "get_plugin_manager",
    "get_registry",
    "hookimpl",
]

hookimpl = pluggy.HookimplMarker("voxpipe")
"""Decorator for hook implementations: ``@hookimpl`` above ``def voxpipe_...``."""
