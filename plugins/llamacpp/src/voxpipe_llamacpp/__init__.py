"""voxpipe-llamacpp: local GGUF LLMs for voxpipe on the prebuilt xllamacpp wheel.

The service lives at ``voxpipe.services.llamacpp.llm.LlamaCppLLMService``.
"""

__version__ = "0.1.0"
