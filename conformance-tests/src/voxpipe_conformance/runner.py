"""Run contract tests: one fresh event loop per test, every wait bounded.

Both the ``voxpipe conformance`` command and the pytest plugin call
:func:`run_test`, so a test behaves the same in either. A test runs in its own
thread and loop; the thread is joined with a deadline, so even a service that
blocks the loop is reported as a hang rather than hanging the suite.

After the test body, the runner checks what it left behind: tasks still
running on the loop (other than the emulator's own) and connections still open
to the emulator. Either fails the test — a service must release everything on
``EndFrame`` / ``CancelFrame``.
"""

from __future__ import annotations

import asyncio
import threading
import time
import traceback
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from voxpipe_conformance.contracts.base import ContractSkip

if TYPE_CHECKING:
    from voxpipe_conformance.case import ConformanceCase

__all__ = ["PASS", "FAIL", "SKIP", "XFAIL", "XPASS", "Outcome", "run_test"]

PASS, FAIL, SKIP, XFAIL, XPASS = "pass", "fail", "skip", "xfail", "xpass"

LEAK_GRACE = 1.0
"""Seconds a service gets after a test to finish its tasks and close its sockets."""


@dataclass
class Outcome:
    """The result of one contract test for one case.

    Attributes:
        case: The case's display name.
        contract: The contract class name.
        test: The test method name.
        status: ``pass``, ``fail``, ``skip``, ``xfail`` or ``xpass``.
        reason: Why it failed or was skipped (one paragraph), empty on pass.
        pins: The behaviour the test pins (its docstring's first line).
        duration: Seconds it took.
        details: A traceback for failures.
    """

    case: str
    contract: str
    test: str
    status: str
    reason: str = ""
    pins: str = ""
    duration: float = 0.0
    details: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


def _missing_env(case: ConformanceCase) -> list[str]:
    import os

    return [name for name in case.env_vars if not os.environ.get(name)]


def run_test(case: ConformanceCase, test_name: str, *, timeout: float | None = None) -> Outcome:
    """Run one test of ``case.contract`` against ``case`` and return its outcome.

    Args:
        case: The case.
        test_name: A ``test_*`` method of the contract.
        timeout: Seconds for the test body; defaults to ``case.timeout``.
    """
    contract_cls = case.contract
    outcome = Outcome(
        case=case.display_name,
        contract=_contract_name(contract_cls),
        test=test_name,
        status=PASS,
        pins=contract_cls.doc_of(test_name),
    )
    override = case.overrides.get(test_name)
    if override is not None and override.action == "skip":
        outcome.status, outcome.reason = SKIP, f"override: {override.reason}"
        return outcome
    missing = case.caps.missing(contract_cls.requirements(test_name))
    if missing:
        outcome.status = SKIP
        outcome.reason = f"capability not declared: {', '.join(missing)}"
        return outcome
    env = _missing_env(case)
    if env:
        outcome.status, outcome.reason = SKIP, f"environment variable(s) unset: {', '.join(env)}"
        return outcome

    limit = case.timeout if timeout is None else timeout
    result: dict[str, Any] = {}
    began = time.perf_counter()
    thread = threading.Thread(
        target=_thread_main,
        args=(case, test_name, override, limit, result),
        name=f"conformance:{test_name}",
        daemon=True,
    )
    thread.start()
    thread.join(limit + 2 * LEAK_GRACE + 10.0)
    outcome.duration = round(time.perf_counter() - began, 3)
    if thread.is_alive():
        outcome.status = FAIL
        outcome.reason = (
            f"hang: the test's event loop did not return within {limit}s plus grace "
            "(something blocks the loop or ignores cancellation); thread abandoned"
        )
    else:
        outcome.status = result.get("status", FAIL)
        outcome.reason = result.get("reason", "")
        outcome.details = result.get("details", "")
    if override is not None and override.action == "xfail":
        if outcome.status == FAIL:
            outcome.status, outcome.reason = XFAIL, f"expected failure: {override.reason} ({outcome.reason})"
        elif outcome.status == PASS:
            outcome.status, outcome.reason = XPASS, f"passed although marked xfail: {override.reason}"
    return outcome


def _contract_name(cls: type) -> str:
    from voxpipe_conformance.contracts import CONTRACTS

    for klass in cls.__mro__:
        if klass in CONTRACTS.values():
            return klass.__name__
    return cls.__name__


def _thread_main(case: Any, test_name: str, override: Any, limit: float, result: dict) -> None:
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(_run_async(case, test_name, override, limit, result))
    except BaseException as exc:  # noqa: BLE001 - reported, never raised in the thread
        result.update(status=FAIL, reason=f"{type(exc).__name__}: {exc}",
                      details=traceback.format_exc())
    finally:
        _close_loop(loop)


def _close_loop(loop: asyncio.AbstractEventLoop) -> None:
    try:
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.wait(pending, timeout=2.0))
        loop.run_until_complete(asyncio.wait_for(loop.shutdown_asyncgens(), 2.0))
    except BaseException:  # noqa: BLE001 - closing best effort
        pass
    finally:
        loop.close()


async def _run_async(case: Any, test_name: str, override: Any, limit: float, result: dict) -> None:
    emulator = case.emulator() if case.emulator is not None else None
    try:
        if emulator is not None:
            await asyncio.wait_for(emulator.start(), timeout=5.0)
        before = set(asyncio.all_tasks())
        contract = case.contract(case, emulator)
        if override is not None and override.action == "replace":
            body = override.test(contract)
        else:
            body = getattr(contract, test_name)()
        test_task = asyncio.ensure_future(body)
        done, _ = await asyncio.wait({test_task}, timeout=limit)
        if not done:
            test_task.cancel()
            await asyncio.wait({test_task}, timeout=2.0)
            result.update(status=FAIL, reason=(
                f"hang: the test did not finish within {limit}s (a service that waits "
                "forever on its provider must time out and push an ErrorFrame)"))
            return
        exc = test_task.exception() if not test_task.cancelled() else None
        if isinstance(exc, ContractSkip):
            result.update(status=SKIP, reason=str(exc))
            return
        if exc is not None:
            result.update(status=FAIL, reason=_reason(exc), details="".join(
                traceback.format_exception(type(exc), exc, exc.__traceback__)))
            return
        if test_task.cancelled():
            result.update(status=FAIL, reason="the test was cancelled (a service cancelled its caller)")
            return
        leaks = await _leaks(before, emulator)
        if leaks:
            result.update(status=FAIL, reason="left behind: " + "; ".join(leaks))
            return
        result.update(status=PASS)
    finally:
        if emulator is not None:
            try:
                await asyncio.wait_for(emulator.stop(), timeout=5.0)
            except BaseException as exc:  # noqa: BLE001
                result.setdefault("reason", f"emulator did not stop: {exc!r}")


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    if not isinstance(exc, AssertionError):
        text = f"{type(exc).__name__}: {text}"
    return text


async def _leaks(before: set[asyncio.Task[Any]], emulator: Any) -> list[str]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + LEAK_GRACE
    current = asyncio.current_task()
    owned = emulator.owned_tasks() if emulator is not None else set()
    while True:
        stray = [
            t for t in asyncio.all_tasks()
            if not t.done() and t is not current and t not in before and t not in owned
            and not _is_emulator_task(t, emulator)
        ]
        sockets = emulator.open_connections if emulator is not None else 0
        if (not stray and not sockets) or loop.time() >= deadline:
            break
        await asyncio.sleep(0.02)
    leaks = []
    if stray:
        names = sorted({t.get_name() for t in stray})
        leaks.append(f"{len(stray)} task(s) still running: {', '.join(names[:6])}")
    if sockets:
        leaks.append(f"{sockets} connection(s) to the emulator still open")
    return leaks


def _is_emulator_task(task: asyncio.Task[Any], emulator: Any) -> bool:
    if emulator is None:
        return False
    return bool(emulator.owns_task(task))
