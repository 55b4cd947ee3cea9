"""Discover, load and query voxpipe plugins.

:class:`PluginManager` wraps a :class:`pluggy.PluginManager` for the
``voxpipe`` project. Loading is guarded per plugin: an entry point that fails
to import, a hook that raises, a malformed manifest or an incompatible plugin
API becomes a :class:`PluginProblem` recorded against its distribution, and the
other plugins load normally. Loading reads manifests only; no service module is
imported until a service is used (see :mod:`voxpipe.plugins.registry`).

Every hook is called one plugin at a time, so a contribution is always
attributed to its plugin and one plugin's failure never hides another's result.
"""

from __future__ import annotations

import logging
import os
import threading
import traceback
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import pluggy

from voxpipe.errors import PluginError, PluginNotInstalledError
from voxpipe.plugins import hookspecs
from voxpipe.plugins._discovery import ENTRY_POINT_GROUP, Candidate, discover, normalize, selection
from voxpipe.plugins.commands import CliCommand, ProjectTemplate
from voxpipe.plugins.known import known_distributions
from voxpipe.plugins.manifest import PLUGIN_API_VERSION, PluginManifest, validate_manifest

__all__ = [
    "LoadedPlugin",
    "PluginManager",
    "PluginProblem",
    "SkippedPlugin",
    "get_plugin_manager",
]

logger = logging.getLogger("voxpipe.plugins")

_MISSING: Any = object()
_HOOK_NAMES = tuple(name for name in vars(hookspecs) if name.startswith("voxpipe_"))


@dataclass(frozen=True)
class PluginProblem:
    """A plugin that failed to load, or a hook of it that failed.

    Attributes:
        distribution: The distribution to blame (and to upgrade, fix or remove).
        entry_point: The entry-point (plugin) name.
        error: One line saying what went wrong.
        phase: Where: ``import``, ``register``, ``manifest`` or a hook name.
        traceback: The formatted traceback, when there was an exception.
    """

    distribution: str
    entry_point: str
    error: str
    phase: str = "load"
    traceback: str | None = field(default=None, repr=False, compare=False)

    def __str__(self) -> str:
        return f"{self.distribution} ({self.entry_point}): {self.error}"


@dataclass(frozen=True)
class LoadedPlugin:
    """A plugin that loaded.

    Attributes:
        name: The plugin name (its entry-point name, or the name it was
            registered under).
        distribution: The installed distribution that provides it.
        version: That distribution's installed version.
        manifest: The validated manifest (synthesised, with no services, for a
            plugin that does not implement ``voxpipe_plugin_manifest``).
        plugin: The module or object holding the hook implementations.
        entry_point: ``"name = target"`` for discovered plugins, else None.
        has_manifest: Whether the plugin implements ``voxpipe_plugin_manifest``.
    """

    name: str
    distribution: str
    version: str
    manifest: PluginManifest
    plugin: Any = field(repr=False, compare=False)
    entry_point: str | None = None
    has_manifest: bool = True


@dataclass(frozen=True)
class SkippedPlugin:
    """An installed plugin that the environment kept from loading."""

    name: str
    distribution: str
    version: str
    reason: str


class PluginManager:
    """The set of voxpipe plugins in this process.

    Args:
        group: Entry-point group to discover (tests may use their own).
        environ: Where ``VOXPIPE_PLUGINS`` / ``VOXPIPE_DISABLE_PLUGINS`` are read;
            defaults to :data:`os.environ` at load time.
    """

    def __init__(
        self,
        *,
        group: str = ENTRY_POINT_GROUP,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.group = group
        self._environ = environ
        self._pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        self._pm.add_hookspecs(hookspecs)
        self._plugins: dict[str, LoadedPlugin] = {}
        self._problems: list[PluginProblem] = []
        self._skipped: list[SkippedPlugin] = []
        self._loaded_entrypoints = False

    # -- state ---------------------------------------------------------------------

    @property
    def pluggy_manager(self) -> pluggy.PluginManager:
        """The underlying pluggy manager (for advanced uses such as tracing)."""
        return self._pm

    @property
    def plugins(self) -> list[LoadedPlugin]:
        """Loaded plugins, in load order."""
        return list(self._plugins.values())

    @property
    def problems(self) -> list[PluginProblem]:
        """Everything that went wrong so far, in the order it happened."""
        return list(self._problems)

    @property
    def skipped(self) -> list[SkippedPlugin]:
        """Installed plugins that ``VOXPIPE_PLUGINS`` / ``VOXPIPE_DISABLE_PLUGINS`` kept out."""
        return list(self._skipped)

    # -- loading -------------------------------------------------------------------

    def load_entrypoints(self) -> PluginManager:
        """Load every allowed plugin of :attr:`group`; safe to call more than once.

        Never raises for a plugin's fault: failures go to :attr:`problems`.
        Ends by calling ``voxpipe_plugins_loaded`` on each loaded plugin.

        Returns:
            ``self``, for chaining.
        """
        if self._loaded_entrypoints:
            return self
        self._loaded_entrypoints = True
        environ = os.environ if self._environ is None else self._environ
        for candidate in discover(self.group):
            reason = selection(candidate, environ)
            if reason is not None:
                self._skipped.append(
                    SkippedPlugin(candidate.name, candidate.distribution, candidate.version, reason)
                )
                continue
            self._load_candidate(candidate)
        self._broadcast("voxpipe_plugins_loaded", manager=self)
        return self

    def _load_candidate(self, candidate: Candidate) -> None:
        try:
            plugin = candidate.entry_point.load()
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - isolate broken plugins
            self._record(candidate.distribution, candidate.name, "import", exc)
            return
        try:
            self._add(
                plugin,
                candidate.name,
                distribution=candidate.distribution,
                version=candidate.version,
                entry_point=f"{candidate.name} = {candidate.value}",
            )
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - isolate broken plugins
            self._record(candidate.distribution, candidate.name, "register", exc)

    def register(
        self,
        plugin: object,
        name: str | None = None,
        *,
        distribution: str | None = None,
        version: str | None = None,
    ) -> LoadedPlugin:
        """Register a plugin module or object directly (tests, applications).

        Unlike discovery, this raises instead of recording a problem, and the
        allow-list does not apply: the caller asked for this plugin explicitly.

        Args:
            plugin: A module or object with ``@hookimpl`` functions.
            name: Plugin name; defaults to the manifest name, else the
                object's ``__name__``.
            distribution: Defaults to the manifest's distribution, else ``name``.
            version: Defaults to the manifest's version, else ``"0"``.

        Raises:
            PluginError: Bad hooks, a malformed manifest or a name already used.
            IncompatiblePluginError: The manifest targets another plugin API.
        """
        if name is None:
            _check_markers(plugin)
            hook = getattr(plugin, "voxpipe_plugin_manifest", None)
            if callable(hook):
                try:
                    name = validate_manifest(hook()).name
                except Exception as exc:
                    if isinstance(exc, PluginError):
                        raise
                    raise PluginError(
                        f"voxpipe_plugin_manifest raised {type(exc).__name__}: {exc}"
                    ) from exc
            else:
                name = getattr(plugin, "__name__", None) or type(plugin).__name__
        return self._add(plugin, name, distribution=distribution, version=version)

    def _add(
        self,
        plugin: object,
        name: str,
        *,
        distribution: str | None,
        version: str | None,
        entry_point: str | None = None,
    ) -> LoadedPlugin:
        if name in self._plugins:
            other = self._plugins[name]
            raise PluginError(f"plugin name {name!r} is already used by {other.distribution}")
        _check_markers(plugin)
        try:
            self._pm.register(plugin, name=name)
        except pluggy.PluginValidationError as exc:
            raise PluginError(f"invalid hook implementation: {exc}") from None
        except ValueError as exc:  # pluggy: name or object already registered
            raise PluginError(str(exc)) from None
        try:
            self._check_known_hooks(plugin)
            manifest = self._read_manifest(plugin)
        except BaseException:
            self._pm.unregister(plugin)
            raise
        if manifest is None:
            distribution = distribution or name
            version = version or "0"
            manifest = PluginManifest(
                name=name, distribution=distribution, version=version,
                plugin_api=PLUGIN_API_VERSION,
            )  # fmt: skip
        loaded = LoadedPlugin(
            name=name,
            distribution=distribution or manifest.distribution,
            version=version or manifest.version,
            manifest=manifest,
            plugin=plugin,
            entry_point=entry_point,
            has_manifest=self._has_impl(plugin, "voxpipe_plugin_manifest"),
        )
        self._plugins[name] = loaded
        return loaded

    def _read_manifest(self, plugin: object) -> PluginManifest | None:
        try:
            value = self._call_one(plugin, "voxpipe_plugin_manifest")
        except Exception as exc:
            raise PluginError(
                f"voxpipe_plugin_manifest raised {type(exc).__name__}: {exc}"
            ) from exc
        return None if value is _MISSING else validate_manifest(value)

    def _check_known_hooks(self, plugin: object) -> None:
        for caller in self._pm.get_hookcallers(plugin) or []:
            if caller.spec is not None:
                continue
            impls = [i for i in caller.get_hookimpls() if i.plugin is plugin]
            if impls and not all(i.optionalhook for i in impls):
                raise PluginError(
                    f"implements unknown hook {caller.name}; this voxpipe knows "
                    f"{', '.join(_HOOK_NAMES)} (mark hooks from newer versions "
                    "with @hookimpl(optionalhook=True))"
                )

    # -- calling hooks ---------------------------------------------------------------

    def _has_impl(self, plugin: object, hook_name: str) -> bool:
        caller = getattr(self._pm.hook, hook_name)
        return any(impl.plugin is plugin for impl in caller.get_hookimpls())

    def _call_one(self, plugin: object, hook_name: str, **kwargs: Any) -> Any:
        """Call ``hook_name`` on one plugin only; ``_MISSING`` if it lacks the hook."""
        caller = getattr(self._pm.hook, hook_name)
        for impl in caller.get_hookimpls():
            if impl.plugin is plugin and not (impl.hookwrapper or getattr(impl, "wrapper", False)):
                return impl.function(*(kwargs[arg] for arg in impl.argnames))
        return _MISSING

    def call_guarded(self, loaded: LoadedPlugin, hook_name: str, **kwargs: Any) -> Any:
        """Call one plugin's hook; on failure record a problem and return None.

        Returns:
            The hook's result, or None when the plugin lacks the hook or it failed.
        """
        try:
            result = self._call_one(loaded.plugin, hook_name, **kwargs)
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - isolate broken plugins
            self._record(loaded.distribution, loaded.name, hook_name, exc)
            return None
        return None if result is _MISSING else result

    def _broadcast(self, hook_name: str, **kwargs: Any) -> None:
        for loaded in self.plugins:
            self.call_guarded(loaded, hook_name, **kwargs)

    def _collect(self, hook_name: str, item_type: type) -> list[tuple[LoadedPlugin, Any]]:
        found: list[tuple[LoadedPlugin, Any]] = []
        for loaded in self.plugins:
            result = self.call_guarded(loaded, hook_name)
            if result is None:
                continue
            if not isinstance(result, (list, tuple)):
                self.add_problem(loaded, hook_name, f"{hook_name} must return a list")
                continue
            for item in result:
                if item_type is not object and not isinstance(item, item_type):
                    self.add_problem(
                        loaded,
                        hook_name,
                        f"{hook_name} returned a {type(item).__name__}; "
                        f"expected {item_type.__name__}",
                    )
                    continue
                found.append((loaded, item))
        return found

    def cli_commands(self, reserved: Collection[str] = ()) -> list[tuple[LoadedPlugin, CliCommand]]:
        """Collect ``voxpipe_cli_commands`` from every plugin.

        Args:
            reserved: Command names already taken (built-ins); a plugin command
                with one of these names is reported and dropped.

        Returns:
            ``(plugin, command)`` pairs; the first plugin to claim a name wins.
        """
        taken = {name: "voxpipe" for name in reserved}
        commands = []
        for loaded, command in self._collect("voxpipe_cli_commands", CliCommand):
            if command.name in taken:
                self.add_problem(
                    loaded,
                    "voxpipe_cli_commands",
                    f"command {command.name!r} is already provided by {taken[command.name]}",
                )
                continue
            taken[command.name] = loaded.distribution
            commands.append((loaded, command))
        return commands

    def project_templates(self) -> list[tuple[LoadedPlugin, ProjectTemplate]]:
        """Collect ``voxpipe_project_templates``; the first plugin to claim a name wins."""
        taken: dict[str, str] = {}
        templates = []
        for loaded, template in self._collect("voxpipe_project_templates", ProjectTemplate):
            if template.name in taken:
                self.add_problem(
                    loaded,
                    "voxpipe_project_templates",
                    f"template {template.name!r} is already provided by {taken[template.name]}",
                )
                continue
            taken[template.name] = loaded.distribution
            templates.append((loaded, template))
        return templates

    def conformance_cases(self, name: str) -> list[Any]:
        """Return the conformance cases of one plugin, found by :meth:`get`.

        Raises:
            PluginError: The plugin is not loaded, or its hook failed or returned
                something other than a list.
        """
        loaded = self.get(name)
        try:
            result = self._call_one(loaded.plugin, "voxpipe_conformance_cases")
        except Exception as exc:
            raise PluginError(
                f"{loaded.distribution}: voxpipe_conformance_cases raised "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        if result is _MISSING or result is None:
            return []
        if not isinstance(result, (list, tuple)):
            raise PluginError(
                f"{loaded.distribution}: voxpipe_conformance_cases must return a list"
            )
        return list(result)

    def all_conformance_cases(self) -> dict[str, list[Any]]:
        """Conformance cases of every plugin that has any, keyed by plugin name (guarded)."""
        cases: dict[str, list[Any]] = {}
        for loaded, case in self._collect("voxpipe_conformance_cases", object):
            cases.setdefault(loaded.name, []).append(case)
        return cases

    # -- lookup ----------------------------------------------------------------------

    def get(self, name: str) -> LoadedPlugin:
        """Find a loaded plugin by plugin name, manifest name or distribution name.

        Raises:
            PluginError: The plugin is installed but failed to load or is disabled;
                the message says why.
            PluginNotInstalledError: Nothing by that name is installed; the
                message names the distribution to install when it is first-party.
        """
        key = normalize(name)
        for loaded in self._plugins.values():
            if key in {
                normalize(loaded.name),
                normalize(loaded.manifest.name),
                normalize(loaded.distribution),
            }:
                return loaded
        for problem in self._problems:
            if key in {normalize(problem.distribution), normalize(problem.entry_point)}:
                raise PluginError(
                    f"{problem.distribution} is installed but failed: {problem.error}"
                )
        for skipped in self._skipped:
            if key in {normalize(skipped.distribution), normalize(skipped.name)}:
                raise PluginError(
                    f"{skipped.distribution} is installed but was not loaded: {skipped.reason}"
                )
        first_party = {normalize(d): d for d in known_distributions()}
        for guess in (key, f"voxpipe-{key}"):
            if guess in first_party:
                dist = first_party[guess]
                raise PluginNotInstalledError(f"{dist} is not installed: pip install {dist}")
        installed = ", ".join(sorted(self._plugins)) or "none"
        raise PluginNotInstalledError(
            f"no plugin named {name!r} is installed (installed plugins: {installed})"
        )

    # -- problems --------------------------------------------------------------------

    def add_problem(self, loaded: LoadedPlugin, phase: str, error: str) -> None:
        """Record a problem found by a consumer of a plugin's contributions."""
        self._append(PluginProblem(loaded.distribution, loaded.name, error, phase))

    def _record(self, distribution: str, entry_point: str, phase: str, exc: BaseException) -> None:
        message = str(exc) if isinstance(exc, PluginError) else f"{type(exc).__name__}: {exc}"
        if phase == "import":
            message = f"could not import the plugin: {message}"
        elif phase not in {"register", "load"}:
            message = f"{phase} failed: {message}"
        tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        logger.debug("plugin %s (%s) %s\n%s", distribution, entry_point, message, tb)
        self._append(PluginProblem(distribution, entry_point, message, phase, tb))

    def _append(self, problem: PluginProblem) -> None:
        if problem not in self._problems:
            self._problems.append(problem)


def _check_markers(plugin: object) -> None:
    """Catch the classic mistake: a hook function without ``@hookimpl``."""
    marker = f"{hookspecs.PROJECT_NAME}_impl"
    for hook_name in _HOOK_NAMES:
        attr = getattr(plugin, hook_name, None)
        if callable(attr) and not hasattr(attr, marker):
            raise PluginError(
                f"{hook_name} is not decorated with @hookimpl "
                "(from voxpipe.plugins import hookimpl)"
            )


_default_lock = threading.Lock()
_default: PluginManager | None = None


def get_plugin_manager(*, refresh: bool = False) -> PluginManager:
    """Return the process-wide manager, loading entry points on first use.

    Args:
        refresh: Discard the current manager and discover again (after installing
            a plugin at runtime, or in tests).
    """
    global _default
    with _default_lock:
        if _default is None or refresh:
            _default = PluginManager().load_entrypoints()
        return _default
