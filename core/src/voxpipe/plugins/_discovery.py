"""Find ``voxpipe.plugins`` entry points and decide which of them may load.

Enumerating entry points reads distribution metadata only; nothing is imported.
The environment decides what loads:

``VOXPIPE_PLUGINS``
    Comma-separated allow-list of plugin (entry-point) names or distribution
    names. Unset: everything loads. Set but empty: nothing loads.
``VOXPIPE_DISABLE_PLUGINS``
    Comma-separated names to skip, applied after the allow-list.

Names compare after PEP 503 normalisation (``Voxpipe_Deepgram`` equals
``voxpipe-deepgram``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ALLOW_ENV",
    "DISABLE_ENV",
    "ENTRY_POINT_GROUP",
    "Candidate",
    "discover",
    "normalize",
    "selection",
]

ENTRY_POINT_GROUP = "voxpipe.plugins"
ALLOW_ENV = "VOXPIPE_PLUGINS"
DISABLE_ENV = "VOXPIPE_DISABLE_PLUGINS"


def normalize(name: str) -> str:
    """PEP 503 normalisation, used to compare plugin and distribution names."""
    return re.sub(r"[-_.]+", "-", name).lower().strip()


@dataclass(frozen=True)
class Candidate:
    """An entry point found in installed metadata, not yet loaded.

    Attributes:
        name: Entry-point name; becomes the plugin name.
        value: What it points at (``package.module`` or ``package.module:obj``).
        distribution: Name of the distribution that declares it.
        version: That distribution's version.
        entry_point: The :class:`importlib.metadata.EntryPoint` itself.
    """

    name: str
    value: str
    distribution: str
    version: str
    entry_point: Any


def discover(group: str = ENTRY_POINT_GROUP) -> list[Candidate]:
    """List the entry points of ``group`` in a stable order (distribution, then name)."""
    from importlib.metadata import entry_points

    found: list[Candidate] = []
    seen: set[tuple[str, str]] = set()
    for ep in entry_points(group=group):
        dist = getattr(ep, "dist", None)
        dist_name = (dist.metadata["Name"] if dist is not None else None) or "(unknown)"
        version = (dist.version if dist is not None else None) or "0"
        key = (normalize(dist_name), ep.name)
        if key in seen:  # the same distribution found twice on sys.path: first one wins
            continue
        seen.add(key)
        found.append(Candidate(ep.name, ep.value, dist_name, version, ep))
    found.sort(key=lambda c: (normalize(c.distribution), c.name))
    return found


def _names(raw: str) -> set[str]:
    return {normalize(part) for part in raw.split(",") if part.strip()}


def selection(candidate: Candidate, environ: Mapping[str, str]) -> str | None:
    """Return why ``candidate`` must not load, or None when it may load."""
    keys = {normalize(candidate.name), normalize(candidate.distribution)}
    allowed = environ.get(ALLOW_ENV)
    if allowed is not None and not keys & _names(allowed):
        return f"not listed in {ALLOW_ENV}"
    if keys & _names(environ.get(DISABLE_ENV, "")):
        return f"listed in {DISABLE_ENV}"
    return None
