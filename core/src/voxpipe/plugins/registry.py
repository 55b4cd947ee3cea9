"""Look up, import and build services by id or kind.

The registry is built from plugin manifests, so listing and looking up services
imports nothing; :meth:`ServiceRegistry.load_class` imports a service's module
only when the service is used. Asking for a service that is not installed
raises :class:`ServiceNotFoundError` naming the distribution to install.

Example::

    from voxpipe.plugins import get_registry

    registry = get_registry()
    stt = registry.create("deepgram_stt", api_key=...)
    tts = registry.create(registry.find("tts", prefer=["cartesia_tts", "piper_tts"]).id)
"""

from __future__ import annotations

import contextlib
import importlib
import os
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from voxpipe.errors import ConfigurationError, PluginError, PluginNotInstalledError
from voxpipe.plugins._discovery import normalize
from voxpipe.plugins.known import distribution_for, known_distributions
from voxpipe.plugins.manifest import SERVICE_KINDS, ServiceSpec

if TYPE_CHECKING:
    from voxpipe.plugins.manager import LoadedPlugin, PluginManager

__all__ = ["RegisteredService", "ServiceNotFoundError", "ServiceRegistry", "get_registry"]

Factory = Callable[..., Any]
_LOAD_PHASES = {"import", "register", "load"}


class ServiceNotFoundError(PluginNotInstalledError):
    """No installed plugin provides the requested service.

    Attributes:
        service_id: The id (or kind) that was asked for.
        distribution: The first-party distribution that provides it, if known.
    """

    def __init__(self, message: str, *, service_id: str, distribution: str | None = None) -> None:
        super().__init__(message)
        self.service_id = service_id
        self.distribution = distribution


@dataclass(frozen=True)
class RegisteredService:
    """A service spec together with the plugin that provides it.

    Attributes:
        spec: The service as the plugin declared it.
        plugin: Name of the providing plugin.
        distribution: Distribution of the providing plugin.
        version: Version of that distribution.
        factory: Builds the service when set (from ``voxpipe_register_services``);
            otherwise the class at ``spec.import_path`` is called.
    """

    spec: ServiceSpec
    plugin: str
    distribution: str
    version: str
    factory: Factory | None = field(default=None, repr=False, compare=False)

    @property
    def id(self) -> str:
        """The service id."""
        return self.spec.id

    @property
    def kind(self) -> str:
        """The service kind."""
        return self.spec.kind

    @property
    def import_path(self) -> str:
        """``"module:Class"`` of the service class."""
        return self.spec.import_path

    @property
    def env_vars(self) -> list[str]:
        """Environment variables the service needs."""
        return list(self.spec.env_vars)

    @property
    def capabilities(self) -> list[str]:
        """Capability flags declared by the plugin."""
        return list(self.spec.capabilities)

    def missing_env(self, environ: Mapping[str, str] | None = None) -> list[str]:
        """Return the required environment variables that are unset or empty."""
        env = os.environ if environ is None else environ
        return [name for name in self.spec.env_vars if not env.get(name)]


class ServiceRegistry:
    """Services by id, with the plugin that provides each.

    Build one with :meth:`from_manager` (or use :func:`get_registry`); an empty
    registry filled with :meth:`add` is handy in tests.
    """

    def __init__(self, manager: PluginManager | None = None) -> None:
        self._manager = manager
        self._services: dict[str, RegisteredService] = {}
        self._owner: LoadedPlugin | None = None
        self._lock = threading.RLock()

    @classmethod
    def from_manager(cls, manager: PluginManager) -> ServiceRegistry:
        """Build a registry from every loaded plugin's manifest, then its register hook.

        Conflicting ids (first plugin wins) and failing hooks are recorded in
        ``manager.problems``; they never raise.
        """
        registry = cls(manager)
        for loaded in manager.plugins:
            for spec in loaded.manifest.services:
                try:
                    registry.add(
                        spec,
                        plugin=loaded.name,
                        distribution=loaded.distribution,
                        version=loaded.version,
                    )
                except PluginError as exc:
                    manager.add_problem(loaded, "manifest", str(exc))
        for loaded in manager.plugins:
            with registry._registering(loaded):
                manager.call_guarded(loaded, "voxpipe_register_services", registry=registry)
        return registry

    @contextlib.contextmanager
    def _registering(self, loaded: LoadedPlugin) -> Iterator[None]:
        with self._lock:
            previous, self._owner = self._owner, loaded
            try:
                yield
            finally:
                self._owner = previous

    # -- registration -------------------------------------------------------------

    def add(
        self,
        spec: ServiceSpec,
        *,
        plugin: str,
        distribution: str,
        version: str,
        factory: Factory | None = None,
    ) -> RegisteredService:
        """Add a service on behalf of a named plugin.

        Raises:
            PluginError: Another plugin already provides ``spec.id``.
        """
        existing = self._services.get(spec.id)
        if existing is not None and existing.plugin != plugin:
            raise PluginError(
                f"service id {spec.id!r} is already provided by {existing.distribution}; "
                "uninstall one of the two plugins or disable one with VOXPIPE_DISABLE_PLUGINS"
            )
        if existing is not None and factory is None:
            factory = existing.factory
        service = RegisteredService(spec, plugin, distribution, version, factory)
        self._services[spec.id] = service
        return service

    def register(self, spec: ServiceSpec, *, factory: Factory | None = None) -> RegisteredService:
        """Add or update a service; meant for ``voxpipe_register_services`` hooks.

        Inside the hook the service is attributed to the calling plugin; called
        elsewhere it is attributed to ``"(application)"``. Registering an id the
        same plugin's manifest already declared replaces the spec and sets the
        factory.

        Args:
            spec: The service.
            factory: Called with the keyword arguments of :meth:`create` instead
                of the class at ``spec.import_path``.

        Raises:
            PluginError: Another plugin already provides ``spec.id``.
        """
        owner = self._owner
        if owner is None:
            return self.add(
                spec, plugin="(application)", distribution="(application)", version="",
                factory=factory,
            )  # fmt: skip
        return self.add(
            spec, plugin=owner.name, distribution=owner.distribution, version=owner.version,
            factory=factory,
        )  # fmt: skip

    def register_factory(self, service_id: str, factory: Factory) -> None:
        """Set the factory of a service that is already registered.

        Raises:
            ServiceNotFoundError: ``service_id`` is not registered.
        """
        service = self.get(service_id)
        self._services[service_id] = RegisteredService(
            service.spec, service.plugin, service.distribution, service.version, factory
        )

    # -- lookup -------------------------------------------------------------------

    def services(self, kind: str | None = None) -> list[RegisteredService]:
        """All registered services, optionally of one kind, sorted by id."""
        if kind is not None:
            _check_kind(kind)
        return sorted(
            (s for s in self._services.values() if kind is None or s.kind == kind),
            key=lambda s: s.id,
        )

    def __contains__(self, service_id: object) -> bool:
        return service_id in self._services

    def get(self, service_id: str) -> RegisteredService:
        """Return the service registered as ``service_id``.

        Raises:
            ServiceNotFoundError: Not installed. The message names the
                distribution to install for first-party ids, says why when that
                distribution is installed but failed or is disabled, and lists the
                installed ids otherwise.
        """
        service = self._services.get(service_id)
        if service is not None:
            return service
        distribution = distribution_for(service_id)
        if distribution is None:
            installed = ", ".join(sorted(self._services)) or "none"
            raise ServiceNotFoundError(
                f"no installed plugin provides a service {service_id!r} "
                f"(installed services: {installed})",
                service_id=service_id,
            )
        why = self._why_missing(distribution)
        raise ServiceNotFoundError(
            f"{service_id} is provided by the {distribution} distribution, {why}",
            service_id=service_id,
            distribution=distribution,
        )

    def _why_missing(self, distribution: str) -> str:
        key = normalize(distribution)
        if self._manager is not None:
            for problem in self._manager.problems:
                if normalize(problem.distribution) == key and problem.phase in _LOAD_PHASES:
                    return f"which is installed but failed to load: {problem.error}"
            for skipped in self._manager.skipped:
                if normalize(skipped.distribution) == key:
                    return f"which is installed but was not loaded: {skipped.reason}"
            for loaded in self._manager.plugins:
                if normalize(loaded.distribution) == key:
                    return (
                        f"but the installed {loaded.distribution} {loaded.version} does not "
                        f"declare it: pip install -U {distribution}"
                    )
        return f"which is not installed: pip install {distribution}"

    def find(self, kind: str, *, prefer: Sequence[str] = ()) -> RegisteredService:
        """Pick one service of ``kind``.

        With ``prefer``, returns the first id in it that is installed, of
        ``kind``, and has all its environment variables set, so
        ``prefer=["deepgram_stt", "whisper_stt"]`` uses Deepgram when its key
        is present and Whisper otherwise. Without ``prefer``, returns the only
        installed service of that kind.

        Raises:
            ConfigurationError: ``kind`` is not a service kind.
            ServiceNotFoundError: Nothing usable is installed; the message says
                what to install or set.
            PluginError: Several services of the kind are installed and no
                ``prefer`` was given; the message lists them.
        """
        _check_kind(kind)
        if prefer:
            reasons = []
            for service_id in prefer:
                service = self._services.get(service_id)
                if service is None:
                    dist = distribution_for(service_id)
                    hint = f" (pip install {dist})" if dist else ""
                    reasons.append(f"{service_id} is not installed{hint}")
                elif service.kind != kind:
                    reasons.append(f"{service_id} is a {service.kind} service")
                elif missing := service.missing_env():
                    reasons.append(f"{service_id} needs {', '.join(missing)}")
                else:
                    return service
            raise ServiceNotFoundError(
                f"no preferred {kind} service is usable: {'; '.join(reasons)}", service_id=kind
            )
        candidates = self.services(kind)
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            dists = list(known_distributions(kind))  # embedded defaults come first
            hint = (
                f", e.g. pip install {dists[0]} (first-party options: {', '.join(dists)})"
                if dists
                else ""
            )
            raise ServiceNotFoundError(
                f"no {kind} service is installed; install a plugin that provides one{hint}",
                service_id=kind,
            )
        ids = ", ".join(s.id for s in candidates)
        raise PluginError(
            f"several {kind} services are installed ({ids}); choose one with "
            f"find({kind!r}, prefer=[...]) or create(<id>)"
        )

    # -- building -----------------------------------------------------------------

    def load_class(self, service_id: str) -> Any:
        """Import and return the object at the service's ``import_path``.

        Raises:
            ServiceNotFoundError: See :meth:`get`.
            PluginError: The module failed to import or lacks the attribute; the
                message names the distribution to reinstall or fix.
        """
        service = self.get(service_id)
        module_name, _, qualname = service.import_path.partition(":")
        dist = service.distribution
        try:
            target: Any = importlib.import_module(module_name)
        except ImportError as exc:
            raise PluginError(
                f"{service_id}: cannot import {module_name} from {dist} {service.version}: "
                f"{exc}; a dependency may be missing: pip install --force-reinstall {dist}"
            ) from exc
        except (Exception, SystemExit) as exc:
            raise PluginError(
                f"{service_id}: importing {module_name} from {dist} {service.version} failed: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        for part in qualname.split("."):
            try:
                target = getattr(target, part)
            except AttributeError:
                raise PluginError(
                    f"{service_id}: {module_name} has no {qualname}; the manifest of {dist} "
                    "points at a class that does not exist"
                ) from None
        return target

    def create(self, service_id: str, **kwargs: Any) -> Any:
        """Build the service: its factory if one was registered, else its class.

        Args:
            service_id: The service id.
            **kwargs: Passed to the factory or the class constructor unchanged.

        Raises:
            ServiceNotFoundError: See :meth:`get`.
            PluginError: See :meth:`load_class`.
        """
        service = self.get(service_id)
        if service.factory is not None:
            return service.factory(**kwargs)
        return self.load_class(service_id)(**kwargs)


def _check_kind(kind: str) -> None:
    if kind not in SERVICE_KINDS:
        raise ConfigurationError(
            f"unknown service kind {kind!r}; use one of {', '.join(SERVICE_KINDS)}"
        )


_default_lock = threading.Lock()
_default: ServiceRegistry | None = None


def get_registry(*, refresh: bool = False) -> ServiceRegistry:
    """Return the process-wide registry, built from :func:`get_plugin_manager` on first use.

    Args:
        refresh: Rediscover plugins and rebuild the registry.
    """
    global _default
    from voxpipe.plugins.manager import get_plugin_manager

    with _default_lock:
        if _default is None or refresh:
            _default = ServiceRegistry.from_manager(get_plugin_manager(refresh=refresh))
        return _default
