"""Shared fixtures: every test must leave no asyncio task of ours behind."""

from __future__ import annotations

import asyncio

import pytest


@pytest.fixture(autouse=True)
async def no_leaked_tasks():
    """Fail a test that leaves asyncio tasks running after it finished."""
    before = set(asyncio.all_tasks())
    yield
    await asyncio.sleep(0)
    leaked = [t for t in asyncio.all_tasks() if t not in before and not t.done() and t is not asyncio.current_task()]
    if leaked:
        # give tasks finishing their last step a moment, then insist
        await asyncio.wait(leaked, timeout=0.5)
        leaked = [t for t in leaked if not t.done()]
    assert not leaked, f"tasks left running: {[t.get_name() for t in leaked]}"


@pytest.fixture(autouse=True)
def private_cache_dir(tmp_path_factory, monkeypatch):
    """Keep tests away from the user's ~/.cache/voxpipe."""
    monkeypatch.setenv("VOXPIPE_CACHE_DIR", str(tmp_path_factory.mktemp("voxpipe-cache")))
