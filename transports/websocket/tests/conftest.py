"""Fixtures: every test must leave no asyncio task behind (as in core/tests/conftest.py)."""

from __future__ import annotations


import pytest

from voxpipe.testing.leaks import assert_no_leaked_tasks


@pytest.fixture(autouse=True)
async def no_leaked_tasks():
    """Fail a test that leaves asyncio tasks running after it finished."""
    async with assert_no_leaked_tasks():
        yield
