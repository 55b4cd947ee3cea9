"""Plugin manifests: what a plugin provides, described as data.

A plugin returns a :class:`PluginManifest` from its ``voxpipe_plugin_manifest``
hook. The manifest names services by id and import path only, so the kernel can
list, search and explain installed plugins without importing any service module
or vendor SDK. The service class is imported on demand by the registry.

:func:`validate_manifest` is the single place that decides whether a manifest is
well formed; the plugin manager calls it on every manifest it receives.
"""

from __future__ import annotations

import re
from typing import Any, Literal, get_args

import msgspec

from voxpipe.errors import IncompatiblePluginError, PluginError

__all__ = [
    "PLUGIN_API_VERSION",
    "SERVICE_KINDS",
    "PluginManifest",
    "ServiceKind",
    "ServiceSpec",
    "check_plugin_api",
    "validate_manifest",
]

PLUGIN_API_VERSION = 1
"""The plugin-API major version this kernel implements.

A plugin declares the version it was written against in
:attr:`PluginManifest.plugin_api`; any other value is incompatible.
"""

ServiceKind = Literal[
    "stt",
    "tts",
    "llm",
    "s2s",
    "vad",
    "turn",
    "transport",
    "serializer",
    "processor",
    "image",
    "video",
    "other",
]

SERVICE_KINDS: tuple[str, ...] = get_args(ServiceKind)
"""Every valid :attr:`ServiceSpec.kind`, in display order."""

_SERVICE_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_IMPORT_PATH = re.compile(r"^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*:[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$")


class ServiceSpec(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """One service a plugin provides.

    Attributes:
        id: Unique, stable service id: lowercase letters, digits and underscores,
            conventionally ``<vendor>_<kind>`` (``deepgram_stt``).
        kind: What the service is; one of :data:`SERVICE_KINDS`.
        import_path: Where the class lives, as ``"package.module:ClassName"``.
            Imported only when the service is used or checked.
        env_vars: Environment variables the service needs at runtime (API keys,
            endpoints). Names only; values are never read into the manifest.
        capabilities: Capability flags the conformance suite uses to open or skip
            tests (``interim_results``, ``word_timestamps``, ``function_calling`` ...).
        description: One line for listings.
    """

    id: str
    kind: ServiceKind
    import_path: str
    env_vars: list[str] = msgspec.field(default_factory=list)
    capabilities: list[str] = msgspec.field(default_factory=list)
    description: str | None = None


class PluginManifest(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """Everything the kernel needs to know about a plugin, without importing it further.

    Attributes:
        name: Short plugin name, usually the entry-point name (``deepgram``).
        distribution: The distribution that ships the plugin (``voxpipe-deepgram``).
        version: The distribution version.
        plugin_api: The plugin-API major version the plugin targets; must equal
            :data:`PLUGIN_API_VERSION` to load.
        services: The services the plugin provides.
        license: SPDX license expression, if known.
        docs_url: Where users read about the plugin.
        description: One line for listings.
    """

    name: str
    distribution: str
    version: str
    plugin_api: int
    services: list[ServiceSpec] = msgspec.field(default_factory=list)
    license: str | None = None
    docs_url: str | None = None
    description: str | None = None


def validate_manifest(value: Any) -> PluginManifest:
    """Validate what a ``voxpipe_plugin_manifest`` hook returned.

    Args:
        value: A :class:`PluginManifest` or a mapping with the same fields.

    Returns:
        A checked manifest (a new object when ``value`` was a mapping).

    Raises:
        PluginError: The manifest is malformed; the message names the field.
        IncompatiblePluginError: It targets another plugin-API version.
    """
    if isinstance(value, PluginManifest):
        builtins = msgspec.to_builtins(value)
    elif isinstance(value, dict):
        builtins = value
    else:
        raise PluginError(
            f"voxpipe_plugin_manifest returned {type(value).__name__}; "
            "return a voxpipe.plugins.PluginManifest"
        )
    try:
        manifest = msgspec.convert(builtins, PluginManifest)
    except msgspec.ValidationError as exc:
        raise PluginError(f"invalid plugin manifest: {exc}") from None
    if not manifest.name.strip():
        raise PluginError("invalid plugin manifest: `name` is empty")
    check_plugin_api(manifest.distribution, manifest.plugin_api)
    seen: set[str] = set()
    for index, spec in enumerate(manifest.services):
        where = f"invalid plugin manifest: services[{index}]"
        if not _SERVICE_ID.match(spec.id):
            raise PluginError(
                f"{where}: id {spec.id!r} must be lowercase letters, digits and underscores"
            )
        if spec.id in seen:
            raise PluginError(f"{where}: id {spec.id!r} appears twice")
        seen.add(spec.id)
        if not _IMPORT_PATH.match(spec.import_path):
            raise PluginError(
                f"{where}: import_path {spec.import_path!r} must look like 'package.module:Class'"
            )
    return manifest


def check_plugin_api(distribution: str, plugin_api: int) -> None:
    """Raise unless ``plugin_api`` is the version this kernel implements.

    Raises:
        IncompatiblePluginError: With the upgrade the user should make.
    """
    if plugin_api == PLUGIN_API_VERSION:
        return
    if plugin_api > PLUGIN_API_VERSION:
        advice = "upgrade voxpipe: pip install -U voxpipe"
    else:
        advice = f"install a release of {distribution} built for it: pip install -U {distribution}"
    raise IncompatiblePluginError(
        f"{distribution} targets plugin API {plugin_api}, but this voxpipe implements "
        f"plugin API {PLUGIN_API_VERSION}; {advice}"
    )
