"""Throwaway plugin distributions for tests, installed without pip.

A ``<name>-<version>.dist-info`` directory with ``METADATA`` and
``entry_points.txt``, placed in a directory on ``sys.path``, is an installed
distribution as far as :mod:`importlib.metadata` is concerned. Modules written
next to it are importable. Every module name carries a per-test prefix so
tests never see each other's modules.
"""

from __future__ import annotations

import importlib
import sys
import textwrap
import uuid
from pathlib import Path

MANIFEST_HOOK = """
from voxpipe.plugins import PluginManifest, ServiceSpec, hookimpl

@hookimpl
def voxpipe_plugin_manifest():
    return PluginManifest(
        name={name!r}, distribution={dist!r}, version={version!r}, plugin_api={api},
        services=[{services}], license="MIT", docs_url="https://example.org/{name}",
        description="The {name} plugin.",
    )
"""


class Dists:
    """Creates distributions in ``site`` (already on ``sys.path``)."""

    def __init__(self, site: Path) -> None:
        self.site = site
        self.prefix = f"vpt{uuid.uuid4().hex[:8]}_"

    def module(self, name: str, source: str) -> str:
        """Write module ``<prefix><name>`` and return its full name."""
        full = self.prefix + name
        (self.site / f"{full}.py").write_text(textwrap.dedent(source), encoding="utf-8")
        importlib.invalidate_caches()
        return full

    def dist(self, dist: str, entry_points: dict[str, str], version: str = "1.0.0") -> None:
        """Install distribution ``dist`` with ``voxpipe.plugins`` entry points."""
        info = self.site / f"{dist.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n", encoding="utf-8"
        )
        lines = "".join(f"{name} = {target}\n" for name, target in entry_points.items())
        (info / "entry_points.txt").write_text(f"[voxpipe.plugins]\n{lines}", encoding="utf-8")
        importlib.invalidate_caches()

    def plugin(
        self,
        name: str,
        *,
        dist: str | None = None,
        version: str = "1.0.0",
        services: list[tuple[str, str, str]] = (),  # (id, kind, import path)
        api: int = 1,
        extra: str = "",
        manifest: bool = True,
    ) -> str:
        """Install a plugin distribution whose manifest lists ``services``; return its module."""
        dist = dist or f"voxpipe-{name}"
        specs = ", ".join(
            f"ServiceSpec(id={sid!r}, kind={kind!r}, import_path={path!r}, "
            f"env_vars=[{sid.upper() + '_KEY'!r}], capabilities=['streaming'])"
            for sid, kind, path in services
        )
        source = "from voxpipe.plugins import hookimpl\n"
        if manifest:
            source = MANIFEST_HOOK.format(
                name=name, dist=dist, version=version, api=api, services=specs
            )
        module = self.module(f"{name.replace('-', '_')}_plugin", source + textwrap.dedent(extra))
        self.dist(dist, {name: module}, version)
        return module

    def service_module(self, name: str, class_name: str = "Service") -> str:
        """Write a module with a simple service class; return ``module:Class``."""
        module = self.module(
            name,
            f"""
            class {class_name}:
                def __init__(self, **kwargs):
                    self.kwargs = kwargs
            """,
        )
        return f"{module}:{class_name}"

    def cleanup(self) -> None:
        for name in [m for m in sys.modules if m.startswith(self.prefix)]:
            del sys.modules[name]
