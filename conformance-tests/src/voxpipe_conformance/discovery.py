"""Turn an installed plugin into the cases to run.

A plugin's own ``voxpipe_conformance_cases`` come first. Every manifest service
not covered by one of them gets a default case: the contract for its kind,
built with ``registry.create(id)`` — which needs the service's environment
variables, so such a case is skipped (naming them) until they are set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from voxpipe_conformance.case import ConformanceCase

__all__ = ["PluginCases", "cases_for_plugin"]


@dataclass
class PluginCases:
    """The cases of one plugin, plus what could not become a case."""

    plugin: str
    distribution: str
    version: str
    cases: list[ConformanceCase] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def cases_for_plugin(name: str, manager: Any = None) -> PluginCases:
    """Collect the cases for the plugin called ``name`` (plugin or distribution name).

    Raises:
        voxpipe.errors.PluginError: Not installed, failed to load, or its hook failed.
    """
    from voxpipe.plugins import get_plugin_manager

    from voxpipe_conformance.contracts import CONTRACTS

    manager = manager or get_plugin_manager()
    loaded = manager.get(name)
    result = PluginCases(loaded.name, loaded.distribution, loaded.version)
    specs = {s.id: s for s in loaded.manifest.services}
    for case in manager.conformance_cases(loaded.name):
        if not isinstance(case, ConformanceCase):
            result.notes.append(f"ignored a {type(case).__name__} returned by voxpipe_conformance_cases")
            continue
        if case.capabilities is None and case.service_id in specs:
            case.capabilities = list(specs[case.service_id].capabilities)
        result.cases.append(case)
    covered = {c.service_id for c in result.cases}
    for spec in loaded.manifest.services:
        if spec.id in covered:
            continue
        contract = CONTRACTS.get(spec.kind)
        if contract is None:
            result.notes.append(f"{spec.id}: no contract for kind {spec.kind!r} yet")
            continue
        result.cases.append(ConformanceCase(
            contract=contract,
            factory=_registry_factory(spec.id),
            capabilities=list(spec.capabilities),
            service_id=spec.id,
            name=f"{spec.id} (live)",
            env_vars=list(spec.env_vars),
        ))
    return result


def _registry_factory(service_id: str) -> Any:
    def factory(_emulator: Any) -> Any:
        from voxpipe.plugins import get_registry

        return get_registry().create(service_id)

    return factory
