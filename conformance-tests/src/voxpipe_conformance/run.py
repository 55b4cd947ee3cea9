"""Programmatic runs: :func:`run_plugins` is what ``voxpipe conformance run`` calls."""

from __future__ import annotations

import fnmatch
import time
from collections.abc import Callable, Iterable
from typing import Any

from voxpipe_conformance.case import ConformanceCase
from voxpipe_conformance.report import Report
from voxpipe_conformance.runner import Outcome, run_test

__all__ = ["run_cases", "run_plugins"]


def _selected(test: str, patterns: Iterable[str]) -> bool:
    patterns = list(patterns)
    return not patterns or any(p in test or fnmatch.fnmatch(test, p) for p in patterns)


def run_cases(
    cases: Iterable[ConformanceCase],
    report: Report,
    *,
    select: Iterable[str] = (),
    timeout: float | None = None,
    progress: Callable[[Outcome], None] | None = None,
) -> Report:
    """Run every selected test of every case into ``report``."""
    for case in cases:
        for test in case.contract.test_names():
            if not _selected(test, select):
                continue
            outcome = run_test(case, test, timeout=timeout)
            report.outcomes.append(outcome)
            if progress is not None:
                progress(outcome)
    return report


def run_plugins(
    names: Iterable[str],
    *,
    all_plugins: bool = False,
    select: Iterable[str] = (),
    timeout: float | None = None,
    manager: Any = None,
    progress: Callable[[Outcome], None] | None = None,
) -> Report:
    """Run the conformance cases of the named plugins (or every installed one).

    A plugin that is not installed, failed to load or whose hook raised is
    reported in ``report.problems``; the others still run.
    """
    from voxpipe.errors import PluginError
    from voxpipe.plugins import get_plugin_manager

    from voxpipe_conformance.discovery import cases_for_plugin

    manager = manager or get_plugin_manager()
    began = time.perf_counter()
    report = Report()
    targets = list(names)
    if all_plugins:
        targets += [p.name for p in manager.plugins if p.name not in targets
                    and (p.manifest.services or _has_cases_hook(manager, p))]
        report.problems += [str(p) for p in manager.problems]
    for name in targets:
        try:
            found = cases_for_plugin(name, manager)
        except PluginError as exc:
            report.problems.append(str(exc))
            continue
        report.plugins[found.plugin] = {"distribution": found.distribution, "version": found.version,
                                        "notes": found.notes, "cases": [c.display_name for c in found.cases]}
        run_cases(found.cases, report, select=select, timeout=timeout, progress=progress)
    report.duration = time.perf_counter() - began
    return report


def _has_cases_hook(manager: Any, loaded: Any) -> bool:
    return manager._has_impl(loaded.plugin, "voxpipe_conformance_cases")  # noqa: SLF001
