"""Open package directories to plugins without importing :mod:`pkgutil`.

``extend_path(__path__, __name__)`` adds every ``<sys.path entry>/<package
dirs>`` directory that exists to a package's ``__path__`` — what
:func:`pkgutil.extend_path` does for plain directories — so a plugin
distribution installed on another path entry (an editable workspace member,
for example) can add ``voxpipe.services.<vendor>`` modules. Wheels installed
into the same site-packages simply merge into the kernel's directories.
"""

from __future__ import annotations

import os
import sys

__all__ = ["extend_path"]


def extend_path(path: list[str], name: str) -> list[str]:
    """Return ``path`` plus the ``name`` package directory of every other ``sys.path`` entry."""
    parts = name.split(".")
    extended = list(path)
    for entry in sys.path:
        if not isinstance(entry, str) or not entry:
            continue
        candidate = os.path.join(entry, *parts)
        if candidate not in extended and os.path.isdir(candidate):
            extended.append(candidate)
    return extended
