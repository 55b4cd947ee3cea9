"""Meta-tests: every contract test names the documented behaviour it pins, and the docs list every contract."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from voxpipe_conformance.capabilities import KNOWN_CAPABILITIES
from voxpipe_conformance.contracts import CONTRACTS

DOCS = Path(__file__).resolve().parents[2] / "docs" / "conformance.md"
TESTS = [(c, t) for c in CONTRACTS.values() for t in c.test_names()]


@pytest.mark.parametrize(("contract", "test"), TESTS, ids=[f"{c.__name__}.{t}" for c, t in TESTS])
def test_docstring_states_the_documented_behaviour(contract, test):
    doc = inspect.getdoc(getattr(contract, test)) or ""
    lines = [line for line in doc.splitlines() if line.strip()]
    assert lines and len(lines[0]) > 20, f"{contract.__name__}.{test}: first line must state the behaviour"
    assert any(line.startswith("Source:") for line in lines), (
        f"{contract.__name__}.{test}: add a 'Source:' line naming the documentation it pins")


@pytest.mark.parametrize(("contract", "test"), TESTS, ids=[f"{c.__name__}.{t}" for c, t in TESTS])
def test_required_capabilities_are_known(contract, test):
    unknown = [f for f in contract.requirements(test) if f not in KNOWN_CAPABILITIES]
    assert not unknown, f"{test} requires undocumented capabilities {unknown}"


def test_docs_list_every_contract_and_capability():
    text = DOCS.read_text(encoding="utf-8")
    for contract in CONTRACTS.values():
        assert f"`{contract.__name__}`" in text, f"docs/conformance.md does not list {contract.__name__}"
    for flag in KNOWN_CAPABILITIES:
        assert f"`{flag}`" in text, f"docs/conformance.md does not describe capability {flag}"
