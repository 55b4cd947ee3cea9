"""Discovery through real entry points: the happy path, broken plugins, the allow-list."""

from __future__ import annotations

import sys

import pytest
from voxpipe.errors import PluginError, PluginNotInstalledError
from voxpipe.plugins import PluginManager, get_plugin_manager, hookimpl


def ours(manager, dists):
    return {p.name: p for p in manager.plugins if p.plugin.__name__.startswith(dists.prefix)}


def test_plugins_are_discovered_with_their_manifests(dists):
    dists.plugin("alpha", services=[("alpha_stt", "stt", "alpha.stt:AlphaSTT")])
    dists.plugin("beta", version="2.3.4", services=[("beta_tts", "tts", "beta.tts:BetaTTS")])
    manager = PluginManager().load_entrypoints()
    found = ours(manager, dists)
    assert sorted(found) == ["alpha", "beta"]
    beta = found["beta"]
    assert (beta.distribution, beta.version) == ("voxpipe-beta", "2.3.4")
    assert beta.manifest.services[0].id == "beta_tts"
    assert beta.entry_point == f"beta = {dists.prefix}beta_plugin"
    assert beta.has_manifest


def test_listing_does_not_import_service_modules(dists):
    exploding = dists.module("exploding", "raise RuntimeError('service module imported')\n")
    dists.plugin("lazy", services=[("lazy_tts", "tts", f"{exploding}:LazyTTS")])
    manager = PluginManager().load_entrypoints()
    assert "lazy" in ours(manager, dists)
    assert not [p for p in manager.problems if p.distribution == "voxpipe-lazy"]
    assert exploding not in sys.modules


def test_a_broken_plugin_is_reported_by_distribution_and_the_others_load(dists):
    dists.plugin("good", services=[("good_vad", "vad", "good.vad:GoodVAD")])
    dists.module("broken_plugin", "import voxpipe_no_such_sdk\n")
    dists.dist("voxpipe-broken", {"broken": f"{dists.prefix}broken_plugin"})
    manager = PluginManager().load_entrypoints()
    assert "good" in ours(manager, dists)
    [problem] = [p for p in manager.problems if p.distribution == "voxpipe-broken"]
    assert problem.entry_point == "broken"
    assert problem.phase == "import"
    assert "voxpipe_no_such_sdk" in problem.error
    assert "ModuleNotFoundError" in problem.traceback
    assert str(problem).startswith("voxpipe-broken (broken): could not import the plugin")


def test_a_manifest_hook_that_raises_is_reported(dists):
    dists.module(
        "raising_plugin",
        """
        from voxpipe.plugins import hookimpl

        @hookimpl
        def voxpipe_plugin_manifest():
            raise KeyError("boom")
        """,
    )
    dists.dist("voxpipe-raising", {"raising": f"{dists.prefix}raising_plugin"})
    manager = PluginManager().load_entrypoints()
    [problem] = [p for p in manager.problems if p.distribution == "voxpipe-raising"]
    assert "voxpipe_plugin_manifest raised KeyError" in problem.error
    assert "raising" not in ours(manager, dists)
    assert manager.pluggy_manager.get_plugin("raising") is None  # hooks unregistered too


def test_an_incompatible_plugin_api_is_reported_not_loaded(dists):
    dists.plugin("future", api=2, services=[("future_llm", "llm", "f.llm:FutureLLM")])
    dists.plugin("present", services=[("present_llm", "llm", "p.llm:PresentLLM")])
    manager = PluginManager().load_entrypoints()
    assert list(ours(manager, dists)) == ["present"]
    [problem] = [p for p in manager.problems if p.distribution == "voxpipe-future"]
    assert "targets plugin API 2" in problem.error
    assert "pip install -U voxpipe" in problem.error


def test_a_malformed_manifest_is_reported(dists):
    dists.plugin("weird", services=[("weird_thing", "hologram", "w.x:Y")])
    manager = PluginManager().load_entrypoints()
    [problem] = [p for p in manager.problems if p.distribution == "voxpipe-weird"]
    assert "invalid plugin manifest" in problem.error and "kind" in problem.error


def test_a_hook_without_hookimpl_is_reported(dists):
    dists.module("forgot_plugin", "def voxpipe_plugin_manifest():\n    return {}\n")
    dists.dist("voxpipe-forgot", {"forgot": f"{dists.prefix}forgot_plugin"})
    manager = PluginManager().load_entrypoints()
    [problem] = [p for p in manager.problems if p.distribution == "voxpipe-forgot"]
    assert "not decorated with @hookimpl" in problem.error


def test_unknown_hooks_are_reported_unless_optional(dists):
    dists.plugin(
        "typo",
        extra="""
        @hookimpl
        def voxpipe_register_service(registry):
            pass
        """,
    )
    dists.plugin(
        "newer",
        extra="""
        @hookimpl(optionalhook=True)
        def voxpipe_hook_from_the_future():
            pass
        """,
    )
    manager = PluginManager().load_entrypoints()
    [problem] = [p for p in manager.problems if p.distribution == "voxpipe-typo"]
    assert "unknown hook voxpipe_register_service" in problem.error
    assert "newer" in ours(manager, dists)


def test_a_plugin_without_a_manifest_is_listed_with_no_services(dists):
    dists.plugin("tooling", manifest=False)
    manager = PluginManager().load_entrypoints()
    tooling = ours(manager, dists)["tooling"]
    assert not tooling.has_manifest
    assert tooling.manifest.services == []
    assert (tooling.manifest.distribution, tooling.version) == ("voxpipe-tooling", "1.0.0")


def test_a_plugin_name_used_twice_is_reported(dists):
    dists.plugin("twin", dist="voxpipe-twin-a")
    dists.plugin("twin", dist="voxpipe-twin-b")  # same entry point name, other dist
    manager = PluginManager().load_entrypoints()
    assert ours(manager, dists)["twin"].distribution == "voxpipe-twin-a"
    [problem] = [p for p in manager.problems if p.distribution == "voxpipe-twin-b"]
    assert "already used by voxpipe-twin-a" in problem.error


@pytest.mark.parametrize("allow", ["alpha", "voxpipe-alpha", " Voxpipe_Alpha , other"])
def test_the_allow_list_limits_what_loads(dists, monkeypatch, allow):
    dists.plugin("alpha")
    dists.plugin("beta")
    monkeypatch.setenv("VOXPIPE_PLUGINS", allow)
    manager = PluginManager().load_entrypoints()
    assert [p.name for p in manager.plugins] == ["alpha"]
    skipped = {s.distribution: s.reason for s in manager.skipped}
    assert skipped["voxpipe-beta"] == "not listed in VOXPIPE_PLUGINS"


def test_an_empty_allow_list_loads_nothing_and_skipped_plugins_are_not_imported(dists, monkeypatch):
    module = dists.plugin("alpha")
    monkeypatch.setenv("VOXPIPE_PLUGINS", "")
    manager = PluginManager().load_entrypoints()
    assert manager.plugins == []
    assert module not in sys.modules


def test_the_disable_list_wins_over_the_allow_list(dists, monkeypatch):
    dists.plugin("alpha")
    dists.plugin("beta")
    monkeypatch.setenv("VOXPIPE_PLUGINS", "alpha,beta")
    monkeypatch.setenv("VOXPIPE_DISABLE_PLUGINS", "voxpipe-beta")
    manager = PluginManager().load_entrypoints()
    assert [p.name for p in manager.plugins] == ["alpha"]
    with pytest.raises(PluginError, match="not loaded: listed in VOXPIPE_DISABLE_PLUGINS"):
        manager.get("beta")


def test_the_environment_can_be_passed_explicitly(dists):
    dists.plugin("alpha")
    manager = PluginManager(environ={"VOXPIPE_PLUGINS": "nothing"}).load_entrypoints()
    assert manager.plugins == []


def test_plugins_loaded_is_called_once_discovery_is_final(dists):
    dists.plugin("broken-one", extra="raise ImportError('nope')\n")
    dists.plugin(
        "watcher",
        extra="""
        seen = []

        @hookimpl
        def voxpipe_plugins_loaded(manager):
            seen.append(([p.name for p in manager.plugins], [p.entry_point for p in manager.problems]))
        """,
    )
    manager = PluginManager().load_entrypoints()
    manager.load_entrypoints()  # idempotent
    watcher = manager.get("watcher").plugin
    [(names, problems)] = watcher.seen
    assert "watcher" in names and "broken-one" in problems


def test_get_finds_by_name_or_distribution_and_explains_misses(dists):
    dists.plugin("alpha")
    dists.plugin("bad", api=99)
    manager = PluginManager().load_entrypoints()
    assert manager.get("voxpipe-alpha") is manager.get("alpha")
    with pytest.raises(PluginError, match="voxpipe-bad is installed but failed"):
        manager.get("bad")
    with pytest.raises(PluginNotInstalledError, match="pip install voxpipe-deepgram"):
        manager.get("deepgram")
    with pytest.raises(PluginNotInstalledError, match="no plugin named 'zzz'.*alpha"):
        manager.get("zzz")


class ObjectPlugin:
    @staticmethod
    @hookimpl
    def voxpipe_plugin_manifest():
        return {
            "name": "inline", "distribution": "my-app", "version": "0.0.1", "plugin_api": 1,
        }  # fmt: skip


def test_register_adds_a_plugin_object_and_raises_on_errors():
    manager = PluginManager()
    loaded = manager.register(ObjectPlugin())
    assert (loaded.name, loaded.distribution, loaded.version) == ("inline", "my-app", "0.0.1")
    assert loaded.entry_point is None
    with pytest.raises(PluginError, match="already used"):
        manager.register(ObjectPlugin())

    class Future:
        @staticmethod
        @hookimpl
        def voxpipe_plugin_manifest():
            return {"name": "f", "distribution": "f", "version": "1", "plugin_api": 7}

    with pytest.raises(PluginError, match="plugin API 7"):
        manager.register(Future(), name="future")
    assert [p.name for p in manager.plugins] == ["inline"]


def test_register_rejects_hook_arguments_the_spec_does_not_have():
    class Wrong:
        @staticmethod
        @hookimpl
        def voxpipe_register_services(registry, extra):
            pass

    with pytest.raises(PluginError, match="invalid hook implementation"):
        PluginManager().register(Wrong(), name="wrong")


def test_the_default_manager_is_cached_until_refreshed(dists, monkeypatch):
    monkeypatch.setenv("VOXPIPE_PLUGINS", "alpha")
    first = get_plugin_manager()
    assert first.plugins == [] and get_plugin_manager() is first
    dists.plugin("alpha")
    refreshed = get_plugin_manager(refresh=True)
    assert refreshed is not first and [p.name for p in refreshed.plugins] == ["alpha"]
