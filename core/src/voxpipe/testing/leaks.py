"""``assert_no_leaked_tasks``: fail a test that leaves asyncio tasks running.

Use it in a ``conftest.py`` so every test checks it cleaned up::

    @pytest.fixture(autouse=True)
    async def no_leaked_tasks():
        async with assert_no_leaked_tasks():
            yield
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

__all__ = ["assert_no_leaked_tasks"]


@contextlib.asynccontextmanager
async def assert_no_leaked_tasks(grace: float = 0.5) -> AsyncIterator[None]:
    """Raise ``AssertionError`` if tasks started inside the block are still running after it.

    Args:
        grace: Seconds a task finishing its last step may take before it counts as leaked.
    """
    before = set(asyncio.all_tasks())
    yield
    await asyncio.sleep(0)
    current = asyncio.current_task()
    leaked = [t for t in asyncio.all_tasks() if t not in before and not t.done() and t is not current]
    if leaked:
        await asyncio.wait(leaked, timeout=grace)
        leaked = [t for t in leaked if not t.done()]
    assert not leaked, f"tasks left running: {[t.get_name() for t in leaked]}"
