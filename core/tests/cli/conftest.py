from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
import voxpipe.plugins.manager as manager_module
import voxpipe.plugins.registry as registry_module

_path = Path(__file__).parents[1] / "plugins" / "plugin_dists.py"
_spec = importlib.util.spec_from_file_location("plugin_dists", _path)
plugin_dists = sys.modules.get("plugin_dists") or importlib.util.module_from_spec(_spec)
if "plugin_dists" not in sys.modules:
    sys.modules["plugin_dists"] = plugin_dists
    _spec.loader.exec_module(plugin_dists)


@pytest.fixture
def dists(tmp_path, monkeypatch):
    """Throwaway plugin distributions; VOXPIPE_PLUGINS* are cleared for the test."""
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delenv("VOXPIPE_PLUGINS", raising=False)
    monkeypatch.delenv("VOXPIPE_DISABLE_PLUGINS", raising=False)
    monkeypatch.setattr(manager_module, "_default", None)
    monkeypatch.setattr(registry_module, "_default", None)
    made = plugin_dists.Dists(site)
    yield made
    made.cleanup()
