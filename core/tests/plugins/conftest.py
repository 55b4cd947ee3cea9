from __future__ import annotations

import pytest
import voxpipe.plugins.manager as manager_module
import voxpipe.plugins.registry as registry_module
from plugin_dists import Dists


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
    made = Dists(site)
    yield made
    made.cleanup()
