"""pytest plugin (entry point ``pytest11``): run contracts from pytest.

Three ways in:

* SQLAlchemy style — subclass a contract in your test module and give it a case;
  every ``test_*`` becomes a pytest item::

      class TestAcmeTTS(TTSContract):
          case = ConformanceCase(contract=TTSContract, factory=..., emulator=AcmeEmulator)

* bound from a case list — ``globals().update(bind_all(cases))``;
* installed plugins — ``pytest --voxpipe-conformance acme`` (or ``all``) adds the
  items of those plugins' cases to the session.

Items run through the same runner as ``voxpipe conformance run``: a fresh loop
per test, a hard timeout, leak checks; skips carry the runner's reason.
"""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from voxpipe_conformance.contracts.base import Contract


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--voxpipe-conformance NAME`` (repeatable; ``all`` for every installed plugin)."""
    group = parser.getgroup("voxpipe-conformance")
    group.addoption("--voxpipe-conformance", action="append", default=[], metavar="PLUGIN",
                    help="run the conformance cases of this installed voxpipe plugin ('all' for every one)")


class ContractFailure(Exception):
    """A contract test failed; the message is the runner's reason."""


class ContractItem(pytest.Item):
    """One contract test of one case."""

    def __init__(self, *, case: Any, test: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.test = test
        for flag in case.contract.requirements(test):
            self.add_marker(pytest.mark.voxpipe_requires(flag))

    def runtest(self) -> None:
        """Run through :func:`voxpipe_conformance.runner.run_test`."""
        from voxpipe_conformance.runner import FAIL, SKIP, XFAIL, XPASS, run_test

        outcome = run_test(self.case, self.test)
        if outcome.status == SKIP:
            pytest.skip(outcome.reason)
        if outcome.status == XFAIL:
            pytest.xfail(outcome.reason)
        if outcome.status in (FAIL, XPASS):
            raise ContractFailure(outcome.reason + (f"\n{outcome.details}" if outcome.details else ""))

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        """Show the runner's reason rather than a traceback into the runner."""
        if isinstance(excinfo.value, ContractFailure):
            return f"{self.case.display_name} {self.test}: {excinfo.value}"
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Any, int | None, str]:
        """Point at the contract method."""
        fn = getattr(self.case.contract, self.test)
        try:
            return inspect.getsourcefile(fn) or "", inspect.getsourcelines(fn)[1], self.name
        except (OSError, TypeError):
            return "", None, self.name


class ContractCollector(pytest.Collector):
    """Collects the tests of one case."""

    def __init__(self, *, case: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def collect(self) -> list[ContractItem]:
        """One item per ``test_*`` of the case's contract."""
        return [ContractItem.from_parent(self, name=t, case=self.case, test=t)
                for t in self.case.contract.test_names()]


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makeitem(collector: Any, name: str, obj: Any) -> Any:
    """Collect a ``Contract`` subclass with a ``case`` as a :class:`ContractCollector`."""
    if inspect.isclass(obj) and issubclass(obj, Contract) and obj.__dict__.get("case") is not None:
        case = obj.case
        if case.contract is not obj:
            import dataclasses

            case = dataclasses.replace(case, contract=obj)
        return ContractCollector.from_parent(collector, name=name, case=case)
    if inspect.isclass(obj) and issubclass(obj, Contract):
        return []  # an unbound contract (imported into a test module) has nothing to run
    return None


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker items carry for each capability they need."""
    config.addinivalue_line("markers", "voxpipe_requires(flag): the contract test needs this capability")


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list) -> None:
    """Append the items of ``--voxpipe-conformance`` plugins."""
    names = config.getoption("--voxpipe-conformance") or []
    if not names:
        return
    from voxpipe.plugins import get_plugin_manager

    from voxpipe_conformance.discovery import cases_for_plugin

    manager = get_plugin_manager()
    if "all" in names:
        names = [p.name for p in manager.plugins if p.manifest.services
                 or manager._has_impl(p.plugin, "voxpipe_conformance_cases")]  # noqa: SLF001
    for name in names:
        found = cases_for_plugin(name, manager)
        for case in found.cases:
            collector = ContractCollector.from_parent(
                session, name=f"voxpipe-conformance[{found.plugin}]::{case.display_name}", case=case)
            items.extend(collector.collect())
