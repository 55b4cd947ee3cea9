"""Meta-tests: every hook is documented with its exact signature and exercised by a test."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
import voxpipe.plugins
from voxpipe.plugins import hookspecs

ROOT = Path(__file__).resolve().parents[3]
DOCS = ROOT / "docs" / "plugins.md"
TESTS = ROOT / "core" / "tests"

HOOKS = sorted(
    name
    for name, fn in vars(hookspecs).items()
    if name.startswith("voxpipe_") and callable(fn) and hasattr(fn, "voxpipe_spec")
)


def signature(name: str) -> str:
    fn = getattr(hookspecs, name)
    params = [
        f"{p.name}: {p.annotation}" for p in inspect.signature(fn).parameters.values()
    ]  # annotations are source strings (from __future__ import annotations)
    return f"{name}({', '.join(params)}) -> {fn.__annotations__['return']}"


def documented() -> dict[str, str]:
    headings = re.findall(r"^### (voxpipe_\w+.*)$", DOCS.read_text(encoding="utf-8"), re.MULTILINE)
    return {heading.split("(")[0]: heading.strip() for heading in headings}


def test_the_hook_set_is_the_published_one():
    assert HOOKS == [
        "voxpipe_cli_commands",
        "voxpipe_conformance_cases",
        "voxpipe_plugin_manifest",
        "voxpipe_plugins_loaded",
        "voxpipe_project_templates",
        "voxpipe_register_services",
    ]


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_heading_with_its_signature(hook):
    assert documented().get(hook) == signature(hook)


def test_no_heading_documents_a_hook_that_does_not_exist():
    assert sorted(documented()) == HOOKS


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_exercised_by_a_test(hook):
    here = Path(__file__).resolve()
    sources = [p.read_text(encoding="utf-8") for p in TESTS.rglob("test_*.py") if p != here]
    assert any(hook in source for source in sources), f"no test mentions {hook}"


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_docstring(hook):
    assert (getattr(hookspecs, hook).__doc__ or "").strip()


def test_public_exports_are_sorted_and_importable():
    names = voxpipe.plugins.__all__
    assert len(names) == len(set(names))  # order is ruff's RUF022 (constants first)
    for name in names:
        assert hasattr(voxpipe.plugins, name), name
    assert voxpipe.plugins.hookimpl.project_name == "voxpipe"
    assert hookspecs.hookspec.project_name == "voxpipe"
