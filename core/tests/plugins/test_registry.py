"""The service registry: lookup by id and kind, lazy import, helpful misses."""

from __future__ import annotations

import sys

import pytest
from voxpipe.errors import ConfigurationError, PluginError, PluginNotInstalledError
from voxpipe.plugins import (
    PluginManager,
    ServiceNotFoundError,
    ServiceRegistry,
    ServiceSpec,
    get_registry,
)
from voxpipe.plugins.known import KNOWN_SERVICES, distribution_for


def build(monkeypatch, *allowed):
    monkeypatch.setenv("VOXPIPE_PLUGINS", ",".join(allowed))
    manager = PluginManager().load_entrypoints()
    return manager, ServiceRegistry.from_manager(manager)


def test_services_are_listed_from_manifests_and_created_from_their_class(dists, monkeypatch):
    path = dists.service_module("acme_tts", "AcmeTTS")
    dists.plugin("acme", services=[("acme_tts", "tts", path)])
    _, registry = build(monkeypatch, "acme")
    [service] = registry.services()
    assert (service.id, service.kind, service.plugin, service.distribution) == (
        "acme_tts", "tts", "acme", "voxpipe-acme",
    )  # fmt: skip
    assert registry.services("tts") == [service] and registry.services("stt") == []
    assert path.split(":")[0] not in sys.modules  # nothing imported yet
    assert registry.load_class("acme_tts").__name__ == "AcmeTTS"
    built = registry.create("acme_tts", voice="x")
    assert type(built).__name__ == "AcmeTTS" and built.kwargs == {"voice": "x"}


def test_register_services_adds_factories_and_extra_services(dists, monkeypatch):
    path = dists.service_module("acme_llm", "AcmeLLM")
    dists.plugin(
        "acme",
        services=[("acme_llm", "llm", path)],
        extra="""
        @hookimpl
        def voxpipe_register_services(registry):
            registry.register_factory("acme_llm", lambda **kw: ("factory", kw))
            registry.register(
                ServiceSpec(id="acme_echo", kind="processor", import_path="x.y:Echo"),
                factory=lambda **kw: "echo",
            )
        """,
    )
    _, registry = build(monkeypatch, "acme")
    assert registry.create("acme_llm", model="m") == ("factory", {"model": "m"})
    echo = registry.get("acme_echo")
    assert (echo.plugin, echo.distribution) == ("acme", "voxpipe-acme")
    assert registry.create("acme_echo") == "echo"


def test_a_failing_register_hook_is_a_problem_and_manifest_services_remain(dists, monkeypatch):
    dists.plugin(
        "acme",
        services=[("acme_stt", "stt", "a.b:C")],
        extra="""
        @hookimpl
        def voxpipe_register_services(registry):
            raise RuntimeError("no")
        """,
    )
    manager, registry = build(monkeypatch, "acme")
    assert "acme_stt" in registry
    [problem] = manager.problems
    assert problem.phase == "voxpipe_register_services" and "RuntimeError: no" in problem.error


def test_registering_outside_a_hook_is_attributed_to_the_application():
    registry = ServiceRegistry()
    registry.register(ServiceSpec(id="mine", kind="other", import_path="m:M"), factory=dict)
    assert registry.get("mine").distribution == "(application)"
    assert registry.create("mine", a=1) == {"a": 1}


def test_a_missing_first_party_service_names_the_distribution_to_install():
    with pytest.raises(PluginNotInstalledError) as caught:
        ServiceRegistry().get("deepgram_stt")
    assert str(caught.value) == (
        "deepgram_stt is provided by the voxpipe-deepgram distribution, which is not "
        "installed: pip install voxpipe-deepgram"
    )
    assert isinstance(caught.value, ServiceNotFoundError)
    assert caught.value.distribution == "voxpipe-deepgram"
    with pytest.raises(PluginNotInstalledError, match="pip install voxpipe-deepgram"):
        ServiceRegistry().create("deepgram_stt")


def test_a_first_party_distribution_that_failed_to_load_says_so(dists, monkeypatch):
    dists.module("broken_plugin", "raise ImportError('cannot import deepgram sdk')\n")
    dists.dist("voxpipe-deepgram", {"deepgram": f"{dists.prefix}broken_plugin"})
    _, registry = build(monkeypatch, "deepgram")
    with pytest.raises(PluginNotInstalledError, match="installed but failed to load.*deepgram sdk"):
        registry.get("deepgram_tts")


def test_an_unknown_service_lists_what_is_installed(dists, monkeypatch):
    dists.plugin("acme", services=[("acme_stt", "stt", "a:B"), ("acme_tts", "tts", "a:C")])
    _, registry = build(monkeypatch, "acme")
    with pytest.raises(
        ServiceNotFoundError, match=r"'nope' \(installed services: acme_stt, acme_tts"
    ):
        registry.get("nope")


def test_a_service_whose_module_is_broken_raises_a_plugin_error_naming_the_distribution(
    dists, monkeypatch
):
    broken = dists.module("broken_tts", "import voxpipe_missing_vendor_sdk\n")
    dists.plugin(
        "acme", services=[("acme_tts", "tts", f"{broken}:T"), ("acme_x", "other", "os:Nope")]
    )
    _, registry = build(monkeypatch, "acme")
    with pytest.raises(PluginError, match="voxpipe-acme 1.0.0.*pip install --force-reinstall"):
        registry.load_class("acme_tts")
    with pytest.raises(PluginError, match="os has no Nope"):
        registry.create("acme_x")


def test_find_by_kind(dists, monkeypatch):
    dists.plugin("acme", services=[("acme_stt", "stt", "a:B"), ("acme_tts", "tts", "a:C")])
    dists.plugin("other", services=[("other_tts", "tts", "o:T")])
    _, registry = build(monkeypatch, "acme", "other")
    assert registry.find("stt").id == "acme_stt"
    with pytest.raises(
        PluginError, match=r"several tts services are installed \(acme_tts, other_tts\)"
    ):
        registry.find("tts")
    with pytest.raises(PluginNotInstalledError, match="no vad service.*pip install voxpipe-silero"):
        registry.find("vad")
    with pytest.raises(ConfigurationError, match="unknown service kind 'voice'"):
        registry.find("voice")


def test_find_prefers_the_first_usable_service(dists, monkeypatch):
    dists.plugin("cloud", services=[("cloud_tts", "tts", "c:T")])  # needs CLOUD_TTS_KEY
    dists.plugin("local", services=[("local_tts", "tts", "l:T")])  # needs LOCAL_TTS_KEY
    _, registry = build(monkeypatch, "cloud", "local")
    monkeypatch.delenv("CLOUD_TTS_KEY", raising=False)
    monkeypatch.setenv("LOCAL_TTS_KEY", "x")
    prefer = ["cartesia_tts", "cloud_tts", "local_tts"]
    assert registry.find("tts", prefer=prefer).id == "local_tts"
    monkeypatch.setenv("CLOUD_TTS_KEY", "secret")
    assert registry.find("tts", prefer=prefer).id == "cloud_tts"
    monkeypatch.delenv("CLOUD_TTS_KEY")
    monkeypatch.delenv("LOCAL_TTS_KEY")
    with pytest.raises(ServiceNotFoundError) as caught:
        registry.find("tts", prefer=prefer)
    message = str(caught.value)
    assert "cartesia_tts is not installed (pip install voxpipe-cartesia)" in message
    assert "cloud_tts needs CLOUD_TTS_KEY" in message
    assert "secret" not in message


def test_a_service_id_claimed_twice_keeps_the_first_and_reports_the_second(dists, monkeypatch):
    dists.plugin("first", services=[("same_stt", "stt", "a:B")])
    dists.plugin("second", services=[("same_stt", "stt", "c:D")])
    manager, registry = build(monkeypatch, "first", "second")
    assert registry.get("same_stt").distribution == "voxpipe-first"
    [problem] = manager.problems
    assert problem.distribution == "voxpipe-second"
    assert "already provided by voxpipe-first" in problem.error


def test_get_registry_is_built_lazily_from_the_default_manager(dists, monkeypatch):
    dists.plugin("acme", services=[("acme_stt", "stt", "a:B")])
    monkeypatch.setenv("VOXPIPE_PLUGINS", "acme")
    registry = get_registry()
    assert registry is get_registry()
    assert [s.id for s in registry.services()] == ["acme_stt"]
    assert get_registry(refresh=True) is not registry


@pytest.mark.parametrize(
    ("service_id", "distribution"),
    [
        ("silero_vad", "voxpipe-silero"),
        ("smart_turn_v3", "voxpipe-smart-turn"),
        ("whisper_stt", "voxpipe-whisper"),
        ("piper_tts", "voxpipe-piper"),
        ("piper_http_tts", "voxpipe-piper"),
        ("llamacpp_llm", "voxpipe-llamacpp"),
        ("websocket_server_transport", "voxpipe-websocket"),
        ("websocket_client_transport", "voxpipe-websocket"),
        ("fastapi_websocket_transport", "voxpipe-websocket"),
        ("protobuf_serializer", "voxpipe-websocket"),
        ("smallwebrtc_transport", "voxpipe-webrtc"),
        ("deepgram_stt", "voxpipe-deepgram"),
        ("deepgram_tts", "voxpipe-deepgram"),
        ("cartesia_tts", "voxpipe-cartesia"),
        ("cartesia_stt", "voxpipe-cartesia"),
        ("openai_llm", "voxpipe-openai"),
        ("openai_stt", "voxpipe-openai"),
        ("openai_tts", "voxpipe-openai"),
        ("elevenlabs_tts", "voxpipe-elevenlabs"),
        ("anthropic_llm", "voxpipe-anthropic"),
        ("google_llm", "voxpipe-google"),
        ("twilio_serializer", "voxpipe-twilio"),
    ],
)
def test_first_party_ids_map_to_their_distributions(service_id, distribution):
    assert distribution_for(service_id) == distribution


def test_known_kinds_are_valid_kinds():
    from voxpipe.plugins import SERVICE_KINDS

    assert {k.kind for k in KNOWN_SERVICES.values()} <= set(SERVICE_KINDS)
