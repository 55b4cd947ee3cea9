"""Where the last conformance result of each installed plugin is remembered.

``voxpipe conformance run`` (from voxpipe-conformance) records a one-line
summary per plugin distribution and version; ``voxpipe plugins list`` shows it
in its STATUS column. The record lives in ``$VOXPIPE_CACHE_DIR/conformance/``
(default ``~/.cache/voxpipe/conformance/``), one JSON file per distribution
and version, so upgrading a plugin shows "not run" until it is checked again.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

__all__ = ["cache_dir", "read_conformance_status", "write_conformance_status"]


def cache_dir() -> Path:
    """Voxpipe's cache directory (``$VOXPIPE_CACHE_DIR``, else the XDG cache home)."""
    explicit = os.environ.get("VOXPIPE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "voxpipe"


def _status_path(distribution: str, version: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{distribution}-{version}")
    return cache_dir() / "conformance" / f"{safe}.json"


def write_conformance_status(distribution: str, version: str, summary: dict[str, Any]) -> Path:
    """Record ``summary`` (e.g. ``{"ok": True, "counts": {...}, "when": ts}``) for a plugin version."""
    path = _status_path(distribution, version)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(summary, sort_keys=True) + "\n", encoding="utf-8")
    return path


def read_conformance_status(distribution: str, version: str) -> dict[str, Any] | None:
    """The recorded summary for this plugin version, or None if it was never run (or unreadable)."""
    try:
        data = json.loads(_status_path(distribution, version).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def describe_status(summary: dict[str, Any] | None) -> str:
    """A short cell for tables: ``12 pass, 5 skip``, ``FAIL 2, 10 pass`` or ``not run``."""
    if not summary:
        return "not run"
    counts = summary.get("counts") or {}
    passed, failed = int(counts.get("pass", 0)), int(counts.get("fail", 0))
    skipped = sum(int(v) for k, v in counts.items() if k not in ("pass", "fail"))
    parts = [f"{passed} pass"] + ([f"{skipped} skip"] if skipped else [])
    if not summary.get("ok") or failed:
        return f"FAIL {failed}, " + ", ".join(parts)
    return ", ".join(parts)
