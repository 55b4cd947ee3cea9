"""The hooks a voxpipe plugin may implement.

Every hook is synchronous: hooks describe and register things; the async work
happens on the objects they return. A plugin implements any subset, each
decorated with ``@hookimpl`` (``from voxpipe.plugins import hookimpl``), and is
published under the ``voxpipe.plugins`` entry-point group.

Each hook here has a ``###`` heading with its exact signature in
``docs/plugins.md``; a meta-test keeps the two in step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from voxpipe.plugins.commands import CliCommand, ProjectTemplate
    from voxpipe.plugins.manager import PluginManager
    from voxpipe.plugins.manifest import PluginManifest
    from voxpipe.plugins.registry import ServiceRegistry

PROJECT_NAME = "voxpipe"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)


@hookspec
def voxpipe_plugin_manifest() -> PluginManifest:
    """Describe the plugin: name, distribution, version, plugin API and services.

    Called once per plugin at discovery. Must return metadata only: do not
    import service modules or vendor SDKs here, so listing plugins stays fast
    and works when a vendor SDK is missing or broken. A plugin without this hook
    is listed with no services (useful for plugins that only add commands).
    """


@hookspec
def voxpipe_register_services(registry: ServiceRegistry) -> None:
    """Register services beyond the manifest, or factories for manifest services.

    Called once per plugin when the service registry is built. Use
    ``registry.register(spec, factory=...)`` for services whose construction
    needs more than ``Class(**kwargs)``, or whose list depends on the
    environment. Must not import vendor SDKs either: factories import lazily.
    """


@hookspec
def voxpipe_conformance_cases() -> list:
    """Return the conformance cases this plugin contributes.

    The objects are defined by the ``voxpipe-conformance`` package (emulator
    fixtures, capability overrides, per-test skips); the kernel passes them
    through unchanged. Called only by conformance runs.
    """


@hookspec
def voxpipe_cli_commands() -> list[CliCommand]:
    """Return extra ``voxpipe`` subcommands.

    Called on every ``voxpipe`` invocation, so keep it cheap: build the
    :class:`~voxpipe.plugins.CliCommand` objects here and import heavy modules
    inside their ``run`` callables.
    """


@hookspec
def voxpipe_project_templates() -> list[ProjectTemplate]:
    """Return project templates for scaffolding (bots, new plugins).

    Template names must be unique across installed plugins.
    """


@hookspec
def voxpipe_plugins_loaded(manager: PluginManager) -> None:
    """Notification that discovery finished.

    Called once per plugin after every entry point was loaded (or reported as a
    problem). ``manager.plugins`` and ``manager.problems`` are final here.
    """
