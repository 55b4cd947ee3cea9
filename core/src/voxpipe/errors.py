"""The voxpipe exception tree.

::

    VoxpipeError
    ├── ConfigurationError        bad parameters or environment; fix the call
    ├── UnknownEventError         an event name the object does not emit
    ├── PipelineError             misuse of a pipeline, task or runner
    ├── PluginError               plugin discovery, manifest or registry problems
    │   ├── PluginNotInstalledError
    │   └── IncompatiblePluginError
    └── ServiceError              a provider failed; ``retryable`` says whether to try again

Provider SDK and protocol errors are translated to :class:`ServiceError` at the
edge so user code catches one tree.
"""

from __future__ import annotations

__all__ = [
    "ConfigurationError",
    "IncompatiblePluginError",
    "PipelineError",
    "PluginError",
    "PluginNotInstalledError",
    "ServiceError",
    "UnknownEventError",
    "VoxpipeError",
]


class VoxpipeError(Exception):
    """Root of every error voxpipe raises on purpose."""


class ConfigurationError(VoxpipeError, ValueError):
    """A parameter or environment setting is invalid; the message says which and why."""


class UnknownEventError(VoxpipeError, KeyError):
    """An event handler was registered for an event the object does not emit."""

    def __str__(self) -> str:  # KeyError quotes its argument; keep the message readable
        return str(self.args[0]) if self.args else ""


class PipelineError(VoxpipeError, RuntimeError):
    """A pipeline, task or runner was used in a way its lifecycle does not allow."""


class PluginError(VoxpipeError):
    """A plugin could not be discovered, loaded or used."""


class PluginNotInstalledError(PluginError, LookupError):
    """A service was requested whose plugin distribution is not installed."""


class IncompatiblePluginError(PluginError):
    """A plugin targets a plugin-API version this kernel does not support."""


class ServiceError(VoxpipeError):
    """A provider service failed.

    Attributes:
        retryable: True when the same request may succeed if tried again.
    """

    def __init__(self, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable
