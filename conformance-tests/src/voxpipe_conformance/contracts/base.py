"""``Contract``: the base of every contract class.

A contract is a class whose ``test_*`` coroutine methods each pin one documented
behaviour of a kind of service. The runner builds one contract instance per test
with the case and its running emulator, so a test reads::

    async def test_end_frame_stops_cleanly(self):
        '''...docstring naming the documented behaviour...'''
        service = await self.make()
        async with self.session(service):
            ...

Override a test for one provider the SQLAlchemy way — subclass the contract and
redefine the method — or per case with ``overrides={"test_x": skip("why")}``.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import TYPE_CHECKING, Any, ClassVar

from voxpipe_conformance.capabilities import requirements_of
from voxpipe_conformance.session import Session

if TYPE_CHECKING:
    from voxpipe_conformance.case import ConformanceCase
    from voxpipe_conformance.emulators.base import Emulator

__all__ = ["Contract", "ContractSkip", "assert_in_order", "assert_no_hang"]


class ContractSkip(Exception):
    """Raised inside a test to skip it at run time (an option the case did not give)."""


class Contract:
    """Base class of contracts; subclasses add ``async def test_*`` methods.

    Class attributes:
        kind: The service kind the contract covers (``"tts"`` ...).
        summary: One line for ``voxpipe conformance contracts``.
        case: Set on a subclass to collect it directly with pytest (see
            :func:`voxpipe_conformance.bind`).

    Attributes:
        case: The case under test.
        emulator: Its running emulator, or None.
    """

    kind: ClassVar[str] = "processor"
    summary: ClassVar[str] = ""
    case: ClassVar[ConformanceCase | None] = None

    def __init__(self, case: ConformanceCase, emulator: Emulator | None = None) -> None:
        self.case = case
        self.emulator = emulator
        self._made: list[Any] = []

    # -- introspection ---------------------------------------------------------------

    @classmethod
    def test_names(cls) -> list[str]:
        """Every ``test_*`` coroutine method, in definition order (base classes first)."""
        names: list[str] = []
        for klass in reversed(cls.__mro__):
            for name, value in vars(klass).items():
                if name.startswith("test_") and inspect.iscoroutinefunction(value):
                    if name not in names:
                        names.append(name)
        return names

    @classmethod
    def requirements(cls, test_name: str) -> tuple[str, ...]:
        """Capability flags ``test_name`` needs (from :func:`requires`)."""
        return requirements_of(getattr(cls, test_name))

    @classmethod
    def doc_of(cls, test_name: str) -> str:
        """First line of the test's docstring: the behaviour it pins."""
        doc = inspect.getdoc(getattr(cls, test_name)) or ""
        return doc.strip().splitlines()[0] if doc.strip() else ""

    # -- helpers for tests -----------------------------------------------------------

    def option(self, name: str, default: Any = None) -> Any:
        """A case option (``case.options[name]``) or ``default``."""
        return self.case.options.get(name, default)

    def need_option(self, name: str) -> Any:
        """A case option the test cannot run without; skips the test when absent."""
        if name not in self.case.options:
            raise ContractSkip(f"the case gives no {name!r} option")
        return self.case.options[name]

    def need_emulator(self) -> Emulator:
        """The running emulator; skips the test when the case has none (a live case)."""
        if self.emulator is None:
            raise ContractSkip("needs an emulator to inject faults; the case has none")
        return self.emulator

    async def make(self) -> Any:
        """Build a fresh object under test with the case's factory."""
        obj = self.case.factory(self.emulator)
        if inspect.isawaitable(obj):
            obj = await obj
        self._made.append(obj)
        return obj

    def session(self, processor: Any, **kwargs: Any) -> Session:
        """A :class:`Session` around ``processor``; see its arguments."""
        return Session(processor, **kwargs)


def assert_in_order(frames: list[Any], expected: list[type | tuple[type, ...]], what: str = "") -> None:
    """Assert ``expected`` classes occur in ``frames`` as an ordered subsequence."""
    index = 0
    for frame in frames:
        if index < len(expected) and isinstance(frame, expected[index]):
            index += 1
    if index < len(expected):
        names = Session.names(frames)
        wanted = [e.__name__ if isinstance(e, type) else "|".join(x.__name__ for x in e) for e in expected]
        raise AssertionError(
            f"{what + ': ' if what else ''}expected {wanted} in this order; "
            f"missing from {wanted[index]} on; saw {names}"
        )


async def assert_no_hang(awaitable: Any, seconds: float, what: str) -> Any:
    """Await ``awaitable`` for at most ``seconds``; fail naming ``what`` if it hangs."""
    try:
        return await asyncio.wait_for(awaitable, timeout=seconds)
    except asyncio.TimeoutError:
        raise AssertionError(f"{what} did not complete within {seconds}s") from None
