"""``voxpipe plugins check``: load everything and import every service class.

Unlike listing, checking imports each service's module, so it finds the broken
wheel, the missing vendor SDK and the manifest that points at a class that does
not exist. Missing environment variables are reported but are not failures:
they belong to the deployment, not to the plugin.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from voxpipe.errors import PluginError
from voxpipe.plugins._discovery import normalize
from voxpipe.plugins.manager import PluginManager, PluginProblem
from voxpipe.plugins.registry import ServiceRegistry

__all__ = ["CheckReport", "PluginCheck", "ServiceCheck", "check_plugins"]


@dataclass(frozen=True)
class ServiceCheck:
    """Result for one service: did its class import?"""

    id: str
    kind: str
    import_path: str
    error: str | None = None
    missing_env: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the class imported."""
        return self.error is None


@dataclass(frozen=True)
class PluginCheck:
    """Result for one loaded plugin."""

    name: str
    distribution: str
    version: str
    services: list[ServiceCheck]
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the manifest matches the install and every service imported."""
        return not self.errors and all(s.ok for s in self.services)


@dataclass(frozen=True)
class CheckReport:
    """Everything ``voxpipe plugins check`` found."""

    plugins: list[PluginCheck]
    problems: list[PluginProblem]

    @property
    def ok(self) -> bool:
        """True when no plugin failed to load and every loaded plugin checks out."""
        return not self.problems and all(p.ok for p in self.plugins)


def check_plugins(manager: PluginManager, registry: ServiceRegistry | None = None) -> CheckReport:
    """Check every loaded plugin of ``manager``.

    Args:
        manager: A manager whose entry points are loaded.
        registry: The registry built from it; built here when omitted.

    Returns:
        The report; never raises for a plugin's fault.
    """
    registry = registry or ServiceRegistry.from_manager(manager)
    manager.project_templates()  # validates that hook; failures land in manager.problems
    results = []
    for loaded in manager.plugins:
        errors: list[str] = []
        warnings: list[str] = []
        manifest = loaded.manifest
        if loaded.has_manifest:
            if normalize(manifest.distribution) != normalize(loaded.distribution):
                errors.append(
                    f"manifest says distribution {manifest.distribution!r}, "
                    f"but it is installed by {loaded.distribution!r}"
                )
            if manifest.version != loaded.version:
                errors.append(
                    f"manifest says version {manifest.version}, but {loaded.version} is installed"
                )
            if normalize(manifest.name) != normalize(loaded.name):
                warnings.append(
                    f"manifest name {manifest.name!r} differs from the entry-point "
                    f"name {loaded.name!r}"
                )
        else:
            warnings.append("no voxpipe_plugin_manifest hook: the plugin lists no services")
        services = []
        for service in registry.services():
            if service.plugin != loaded.name:
                continue
            try:
                registry.load_class(service.id)
                error = None
            except PluginError as exc:
                error = str(exc)
            services.append(
                ServiceCheck(
                    service.id, service.kind, service.import_path, error, service.missing_env()
                )
            )
        results.append(
            PluginCheck(
                loaded.name, loaded.distribution, loaded.version, services, errors, warnings
            )
        )
    return CheckReport(results, manager.problems)
