"""The boundary check: static rules on the repository, and wheels in clean venvs (slow)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "check_boundaries.py"
sys.path.insert(0, str(ROOT / "scripts"))
import check_boundaries  # noqa: E402
import scaffold_plugin  # noqa: E402


def test_static_boundaries_hold():
    proc = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, timeout=50)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_static_check_catches_an_undeclared_import(tmp_path):
    root = scaffold_plugin.scaffold("leaky", tmp_path)
    (root / "src" / "voxpipe_leaky" / "extra.py").write_text("import requests\nimport voxpipe_other\n")
    problems = check_boundaries.check_plugin(root)
    assert any("imports requests" in p for p in problems), problems
    assert any("imports voxpipe_other" in p for p in problems), problems


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_example_and_scaffold_wheels_install_alone_and_pass(tmp_path):
    """Item 7 + 9: the example and a freshly generated plugin, each from wheels in a clean venv."""
    generated = scaffold_plugin.scaffold("wheeldemo", tmp_path)
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--wheels", "--plugin", "examples/third_party_plugin",
         "--plugin", str(generated)],
        capture_output=True, text=True, timeout=580, cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "voxpipe-shout: wheel installs alone" in proc.stdout
    assert "voxpipe-wheeldemo: wheel installs alone" in proc.stdout
