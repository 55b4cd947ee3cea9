"""``ConformanceCase``: one service under one contract, pointed at its emulator.

A plugin returns cases from its ``voxpipe_conformance_cases`` hook::

    @hookimpl
    def voxpipe_conformance_cases():
        from voxpipe_conformance import ConformanceCase, TTSContract, skip
        from voxpipe_acme.emulator import AcmeEmulator

        return [
            ConformanceCase(
                contract=TTSContract,
                service_id="acme_tts",
                emulator=AcmeEmulator,
                factory=lambda emu: AcmeTTSService(api_key="test", url=emu.url),
                capabilities=["streaming", "websocket", "reconnect"],
                overrides={"test_ttfb_metrics": skip("Acme sends no timing data")},
            )
        ]
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from voxpipe_conformance.capabilities import Capabilities

if TYPE_CHECKING:
    from voxpipe_conformance.contracts.base import Contract
    from voxpipe_conformance.emulators.base import Emulator

__all__ = ["ConformanceCase", "Override", "replace", "skip", "xfail"]


@dataclass(frozen=True)
class Override:
    """What to do instead of running one contract test as written.

    Build with :func:`skip`, :func:`xfail` or :func:`replace`.

    Attributes:
        action: ``"skip"``, ``"xfail"`` or ``"replace"``.
        reason: Why; shown in the report. Required: an override without a
            reason is a review smell.
        test: For ``replace``, an ``async def (contract) -> None`` run instead.
    """

    action: str
    reason: str
    test: Callable[[Any], Awaitable[None]] | None = None


def skip(reason: str) -> Override:
    """Skip the test for this case, with the reason shown in the report."""
    return Override("skip", reason)


def xfail(reason: str) -> Override:
    """Run the test but expect it to fail (a known gap); passing is reported as ``xpass``."""
    return Override("xfail", reason)


def replace(test: Callable[[Any], Awaitable[None]], reason: str) -> Override:
    """Run ``test(contract)`` instead of the contract's version (a provider-specific variant)."""
    return Override("replace", reason, test)


Factory = Callable[[Any], Any]


@dataclass
class ConformanceCase:
    """A service (or processor, serializer, analyzer ...) to check against a contract.

    Attributes:
        contract: The contract class (``TTSContract`` ...), or a subclass of it
            with per-test method overrides.
        factory: Builds a fresh object under test; called once per test with
            the running emulator (or None). May be ``async``.
        emulator: Builds a fresh, not yet started emulator per test (a class or
            a zero-argument callable); None when the object needs no server.
        capabilities: Flags that open tests (see :mod:`voxpipe_conformance.capabilities`);
            None takes the service's manifest capabilities.
        overrides: Test name mapped to :func:`skip`, :func:`xfail` or :func:`replace`.
        options: Contract inputs (``text`` to speak, ``audio`` to transcribe,
            ``expected_text`` ...); each contract documents the ones it reads.
        service_id: The manifest service this case covers (cases without one
            are extra cases of the plugin).
        name: Display name; defaults to ``service_id`` or the contract name.
        timeout: Seconds each test may take before it is failed as a hang.
        env_vars: Environment variables the case needs (a live case); the tests
            are skipped, naming them, while any is unset.
    """

    contract: type[Contract]
    factory: Factory
    emulator: Callable[[], Emulator] | None = None
    capabilities: Iterable[str] | None = None
    overrides: Mapping[str, Override] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)
    service_id: str | None = None
    name: str | None = None
    timeout: float = 15.0
    env_vars: Iterable[str] = ()

    def __post_init__(self) -> None:
        from voxpipe_conformance.contracts.base import Contract

        if not (isinstance(self.contract, type) and issubclass(self.contract, Contract)):
            raise TypeError(f"contract must be a Contract subclass, got {self.contract!r}")
        if not callable(self.factory):
            raise TypeError("factory must be callable (emulator) -> object under test")
        for test, override in self.overrides.items():
            if not isinstance(override, Override):
                raise TypeError(
                    f"override for {test} must come from skip(), xfail() or replace(), "
                    f"got {override!r}"
                )
            if not override.reason:
                raise ValueError(f"override for {test} needs a reason")
        unknown = sorted(set(self.overrides) - set(self.contract.test_names()))
        if unknown:
            raise ValueError(
                f"overrides name tests {self.contract.__name__} does not have: {', '.join(unknown)}"
            )

    @property
    def display_name(self) -> str:
        """The name shown in reports: ``name``, else ``service_id``, else the contract's."""
        return self.name or self.service_id or self.contract.__name__

    @property
    def caps(self) -> Capabilities:
        """The declared capabilities as a :class:`Capabilities` set."""
        return Capabilities.of(self.capabilities)
