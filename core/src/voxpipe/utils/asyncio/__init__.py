"""asyncio helpers: task ownership and bounded cancellation."""
