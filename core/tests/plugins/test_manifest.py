from __future__ import annotations

import pytest
from voxpipe.errors import IncompatiblePluginError, PluginError
from voxpipe.plugins import PLUGIN_API_VERSION, SERVICE_KINDS, PluginManifest, ServiceSpec
from voxpipe.plugins.manifest import validate_manifest


def manifest(**changes):
    data = {
        "name": "acme",
        "distribution": "voxpipe-acme",
        "version": "1.0.0",
        "plugin_api": PLUGIN_API_VERSION,
        "services": [
            {"id": "acme_tts", "kind": "tts", "import_path": "voxpipe.services.acme.tts:AcmeTTS"}
        ],
    }
    data.update(changes)
    return data


def test_a_mapping_becomes_a_manifest_with_defaults():
    result = validate_manifest(manifest())
    assert isinstance(result, PluginManifest)
    assert result.services == [
        ServiceSpec(id="acme_tts", kind="tts", import_path="voxpipe.services.acme.tts:AcmeTTS")
    ]
    assert result.services[0].env_vars == [] and result.license is None


def test_a_struct_is_revalidated():
    bad = PluginManifest(
        name="acme", distribution="d", version="1", plugin_api=1,
        services=[ServiceSpec(id="x", kind="nonsense", import_path="a:B")],
    )  # fmt: skip
    with pytest.raises(PluginError, match="kind"):
        validate_manifest(bad)


def test_kinds_are_the_documented_ones():
    assert SERVICE_KINDS == (
        "stt", "tts", "llm", "s2s", "vad", "turn", "transport", "serializer",
        "processor", "image", "video", "other",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("service", "message"),
    [
        ({"id": "Acme-TTS", "kind": "tts", "import_path": "a:B"}, "lowercase"),
        ({"id": "acme_tts", "kind": "tts", "import_path": "a.B"}, "package.module:Class"),
        ({"id": "acme_tts", "kind": "voice", "import_path": "a:B"}, "kind"),
        ({"kind": "tts", "import_path": "a:B"}, "id"),
    ],
)
def test_bad_services_are_rejected_with_the_field_named(service, message):
    with pytest.raises(PluginError, match=message):
        validate_manifest(manifest(services=[service]))


def test_duplicate_ids_are_rejected():
    service = {"id": "acme_tts", "kind": "tts", "import_path": "a:B"}
    with pytest.raises(PluginError, match="appears twice"):
        validate_manifest(manifest(services=[service, service]))


def test_unknown_fields_and_wrong_types_are_rejected():
    with pytest.raises(PluginError, match="unknown"):
        validate_manifest(manifest(homepage="x"))
    with pytest.raises(PluginError, match="voxpipe.plugins.PluginManifest"):
        validate_manifest(["not", "a", "manifest"])


def test_a_newer_plugin_api_asks_to_upgrade_voxpipe():
    with pytest.raises(IncompatiblePluginError, match="upgrade voxpipe: pip install -U voxpipe"):
        validate_manifest(manifest(plugin_api=PLUGIN_API_VERSION + 1))


def test_an_older_plugin_api_asks_to_upgrade_the_plugin():
    with pytest.raises(IncompatiblePluginError, match="pip install -U voxpipe-acme"):
        validate_manifest(manifest(plugin_api=PLUGIN_API_VERSION - 1))
