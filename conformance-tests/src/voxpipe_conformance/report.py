"""The conformance report: a table for people, JSON for machines."""

from __future__ import annotations

import json
import platform
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from voxpipe_conformance.runner import FAIL, PASS, SKIP, XFAIL, XPASS, Outcome

__all__ = ["Report"]


@dataclass
class Report:
    """Outcomes of a run, grouped by plugin.

    Attributes:
        plugins: Plugin name mapped to ``{"distribution", "version", "notes"}``.
        outcomes: Every test outcome, in run order.
        problems: Plugins that could not be run (broken, not installed), one line each.
    """

    plugins: dict[str, dict[str, Any]] = field(default_factory=dict)
    outcomes: list[Outcome] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.time)
    duration: float = 0.0

    def counts(self) -> dict[str, int]:
        """How many outcomes have each status."""
        out = {s: 0 for s in (PASS, FAIL, SKIP, XFAIL, XPASS)}
        for o in self.outcomes:
            out[o.status] = out.get(o.status, 0) + 1
        return out

    @property
    def ok(self) -> bool:
        """No failure, no unexpected pass and no problem."""
        c = self.counts()
        return not c[FAIL] and not c[XPASS] and not self.problems

    def to_dict(self) -> dict[str, Any]:
        """The JSON document (schema version 1)."""
        from voxpipe_conformance import __version__

        return {
            "schema": 1,
            "suite": {"distribution": "voxpipe-conformance", "version": __version__},
            "python": platform.python_version(),
            "started": self.started,
            "duration": round(self.duration, 3),
            "ok": self.ok,
            "counts": self.counts(),
            "plugins": self.plugins,
            "problems": self.problems,
            "results": [o.to_dict() for o in self.outcomes],
        }

    def write_json(self, path: str | Path) -> Path:
        """Write :meth:`to_dict` to ``path``."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")
        return target

    def print(self, out: TextIO, *, verbose: bool = False) -> None:
        """Print the table: one row per case × test, with the reason for anything but a pass."""
        marks = {PASS: "pass", FAIL: "FAIL", SKIP: "skip", XFAIL: "xfail", XPASS: "XPASS"}
        rows = [(o.case, o.contract, o.test, marks[o.status], f"{o.duration:.2f}s", o.reason)
                for o in self.outcomes]
        head = ("CASE", "CONTRACT", "TEST", "RESULT", "TIME", "WHY")
        widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(head[:5])]
        def line(cells: tuple) -> str:
            left = "  ".join(str(c).ljust(w) for c, w in zip(cells[:5], widths, strict=False))
            return (left + "  " + cells[5]).rstrip()
        for name, info in self.plugins.items():
            out.write(f"{name}: {info['distribution']} {info['version']}\n")
            for note in info.get("notes", []):
                out.write(f"  note: {note}\n")
        if rows:
            out.write(line(head) + "\n")
            for row in rows:
                reason = row[5] if len(row[5]) <= 160 or verbose else row[5][:157] + "..."
                out.write(line((*row[:5], reason)) + "\n")
        if verbose:
            for o in self.outcomes:
                if o.status == FAIL and o.details:
                    out.write(f"\n--- {o.case} {o.test}\n{o.details}")
        for problem in self.problems:
            out.write(f"problem: {problem}\n")
        c = self.counts()
        out.write(
            f"\n{c[PASS]} passed, {c[FAIL]} failed, {c[SKIP]} skipped"
            + (f", {c[XFAIL]} xfailed" if c[XFAIL] else "")
            + (f", {c[XPASS]} xpassed" if c[XPASS] else "")
            + (f", {len(self.problems)} plugin problem(s)" if self.problems else "")
            + f" in {self.duration:.1f}s\n"
        )
