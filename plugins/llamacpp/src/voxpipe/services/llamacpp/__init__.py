"""Local GGUF models through llama.cpp (distribution ``voxpipe-llamacpp``); see ``llm``."""
