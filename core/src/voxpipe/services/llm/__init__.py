"""Helpers behind :class:`voxpipe.services.llm_service.LLMService` (import from there)."""
