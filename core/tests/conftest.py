"""Shared fixtures: every test must leave no asyncio task of ours behind."""

from __future__ import annotations

import pytest

from voxpipe.testing.leaks import assert_no_leaked_tasks


@pytest.fixture(autouse=True)
async def no_leaked_tasks():
    """Fail a test that leaves asyncio tasks running after it finished."""
    async with assert_no_leaked_tasks():
        yield


@pytest.fixture(autouse=True)
def private_cache_dir(tmp_path_factory, monkeypatch):
    """Keep tests away from the user's ~/.cache/voxpipe."""
    monkeypatch.setenv("VOXPIPE_CACHE_DIR", str(tmp_path_factory.mktemp("voxpipe-cache")))
