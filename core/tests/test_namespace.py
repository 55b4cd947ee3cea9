"""Plugins add modules to voxpipe's shared namespaces from another source root (editable installs)."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_a_module_on_another_sys_path_entry_joins_voxpipe_services(tmp_path):
    for pkg in ("services/fakevendor", "transports/faketransport", "audio/vad/fakevad"):
        d = tmp_path / "voxpipe" / pkg
        d.mkdir(parents=True)
        (d / "__init__.py").write_text(f"NAME = {pkg!r}\n")
    code = textwrap.dedent(
        """
        import voxpipe.services.fakevendor as a
        import voxpipe.transports.faketransport as b
        import voxpipe.audio.vad.fakevad as c
        import voxpipe.pipeline.task  # the kernel itself still imports
        print(a.NAME, b.NAME, c.NAME)
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": str(tmp_path), "PATH": ""},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["services/fakevendor", "transports/faketransport", "audio/vad/fakevad"]


def test_documented_reexport_paths_import():
    import importlib

    for module, name in [
        ("voxpipe.audio.interruptions.min_words_interruption_strategy", "MinWordsInterruptionStrategy"),
        ("voxpipe.audio.interruptions.base_interruption_strategy", "BaseInterruptionStrategy"),
        ("voxpipe.utils.context.llm_context_summarization", "LLMAutoContextSummarizationConfig"),
        ("voxpipe.processors.aggregators.llm_text_processor", "LLMTextProcessor"),
    ]:
        assert getattr(importlib.import_module(module), name)
