"""The scaffold's plugin passes conformance as generated (in-process, via pytest, and alongside a broken plugin)."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from voxpipe.plugins import PluginManager, hookimpl

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import scaffold_plugin  # noqa: E402


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    dest = tmp_path_factory.mktemp("plugins")
    root = scaffold_plugin.scaffold("scafdemo", dest)
    sys.path.insert(0, str(root / "src"))
    yield root
    sys.path.remove(str(root / "src"))
    for name in [m for m in sys.modules if m.startswith("voxpipe_scafdemo")]:
        del sys.modules[name]


def test_scaffold_writes_a_plugin(generated):
    names = sorted(str(p.relative_to(generated)) for p in generated.rglob("*") if p.is_file())
    assert names == ["README.md", "pyproject.toml", "src/voxpipe_scafdemo/__init__.py",
                     "src/voxpipe_scafdemo/emulator.py", "src/voxpipe_scafdemo/plugin.py",
                     "src/voxpipe_scafdemo/tts.py", "tests/test_conformance.py"]
    assert 'scafdemo = "voxpipe_scafdemo.plugin"' in (generated / "pyproject.toml").read_text()


@pytest.mark.timeout(120)
def test_generated_plugin_passes_conformance(generated):
    from voxpipe_conformance.run import run_plugins

    manager = PluginManager()
    manager.register(importlib.import_module("voxpipe_scafdemo.plugin"), name="scafdemo")
    report = run_plugins(["scafdemo"], manager=manager)
    failed = [(o.test, o.reason) for o in report.outcomes if o.status != "pass" and o.status != "skip"]
    assert report.ok, failed
    assert sum(o.status == "pass" for o in report.outcomes) >= 10
    assert report.to_dict()["counts"]["fail"] == 0


class Broken:
    """A plugin whose conformance hook raises."""

    @hookimpl
    def voxpipe_plugin_manifest(self):
        return {"name": "broken", "distribution": "voxpipe-broken", "version": "0.1.0",
                "plugin_api": 1, "services": []}

    @hookimpl
    def voxpipe_conformance_cases(self):
        raise RuntimeError("boom")


@pytest.mark.timeout(120)
def test_broken_plugin_reported_good_one_still_runs(generated):
    from voxpipe_conformance.run import run_plugins

    manager = PluginManager()
    manager.register(importlib.import_module("voxpipe_scafdemo.plugin"), name="scafdemo")
    manager.register(Broken(), name="broken")
    report = run_plugins(["broken", "scafdemo"], manager=manager, select=["test_output_frames"])
    assert any("boom" in p for p in report.problems), report.problems
    assert [o.status for o in report.outcomes] == ["pass"]
    assert not report.ok


@pytest.mark.timeout(180)
def test_generated_tests_run_under_pytest(generated):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(generated / "src"), *sys.path])}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(generated / "tests"),
         "-k", "output_frames or pass_through or word_timestamps", "--rootdir", str(generated)],
        capture_output=True, text=True, timeout=170, env=env, cwd=generated,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "2 passed, 1 skipped" in proc.stdout, proc.stdout[-2000:]
