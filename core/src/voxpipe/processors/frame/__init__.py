"""Frame-level utility processors (``LLMTextProcessor``)."""
