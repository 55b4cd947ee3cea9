"""voxpipe plugin hooks of voxpipe-llamacpp: metadata only, nothing heavy imported here."""

from __future__ import annotations

from voxpipe.plugins import PluginManifest, ServiceSpec, hookimpl

CAPABILITIES = ["streaming", "interruption", "settings_update", "ttfb_metrics", "usage_metrics"]


@hookimpl
def voxpipe_plugin_manifest() -> PluginManifest:
    """Describe the plugin and its one service."""
    return PluginManifest(
        name="llamacpp",
        distribution="voxpipe-llamacpp",
        version="0.1.0",
        plugin_api=1,
        services=[
            ServiceSpec(
                id="llamacpp_llm",
                kind="llm",
                import_path="voxpipe.services.llamacpp.llm:LlamaCppLLMService",
                env_vars=[],
                capabilities=CAPABILITIES,
                description="Local GGUF chat model through llama.cpp (default: SmolLM2-135M-Instruct)",
            )
        ],
        license="BSD-2-Clause",
        description="Local LLMs with llama.cpp (prebuilt xllamacpp wheel), offline",
    )


def _make_service(_emulator: object) -> object:
    from voxpipe_conformance import ContractSkip

    from voxpipe.services.llamacpp.llm import LlamaCppLLMService
    from voxpipe_llamacpp.model import LlamaCppModelNotFoundError, resolve_model_path

    try:
        resolve_model_path()
    except LlamaCppModelNotFoundError as exc:
        raise ContractSkip(str(exc)) from None
    return LlamaCppLLMService(
        settings=LlamaCppLLMService.Settings(temperature=0.0, max_tokens=24, seed=1)
    )


@hookimpl
def voxpipe_conformance_cases() -> list:
    """The LLM contract against the real local model (no server to emulate: it runs in process)."""
    from voxpipe_conformance import ConformanceCase, LLMContract

    return [
        ConformanceCase(
            contract=LLMContract,
            service_id="llamacpp_llm",
            name="llamacpp_llm (local SmolLM2)",
            factory=_make_service,
            capabilities=CAPABILITIES,
            options={
                "messages": [
                    {"role": "system", "content": "You are a helpful assistant."},
                    {"role": "user", "content": "What is the capital of France?"},
                ],
                "output_within": 60.0,
                "settings_delta": {"max_tokens": 16, "temperature": 0.2},
            },
            timeout=120.0,
        )
    ]
