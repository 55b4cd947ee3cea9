"""voxpipe plugin entry point of the conformance package: the ``voxpipe conformance`` command.

Runs on every ``voxpipe`` invocation, so it imports nothing heavy: the suite
is imported inside ``run``.
"""

from __future__ import annotations

import argparse

from voxpipe.plugins import CliCommand, hookimpl

__all__ = ["voxpipe_cli_commands"]


def _configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="conformance_command", metavar="SUBCOMMAND")
    run = sub.add_parser("run", help="run the contract tests of installed plugins",
                         description="Run the contract tests of installed plugins and print a report.")
    run.add_argument("plugins", nargs="*", metavar="DIST_OR_PLUGIN",
                     help="plugin or distribution names (e.g. acme or voxpipe-acme)")
    run.add_argument("--all", action="store_true", help="every installed plugin with services or cases")
    run.add_argument("-k", dest="select", action="append", default=[], metavar="PATTERN",
                     help="only tests whose name contains PATTERN (or matches it as a glob)")
    run.add_argument("--json", dest="json_path", metavar="PATH",
                     help="where to write the JSON report (default: conformance-report.json)")
    run.add_argument("--no-json", action="store_true", help="do not write the JSON report")
    run.add_argument("--timeout", type=float, default=None, help="seconds per test (default: the case's)")
    run.add_argument("-v", "--verbose", action="store_true", help="tracebacks for failures")
    run.set_defaults(conformance_run=_run_suite)
    contracts = sub.add_parser("contracts", help="list the contracts and the behaviour each test pins")
    contracts.add_argument("kind", nargs="?", help="only this kind")
    contracts.set_defaults(conformance_run=_list_contracts)


def _run(args: argparse.Namespace) -> int:
    handler = getattr(args, "conformance_run", None)
    if handler is None:
        print("usage: voxpipe conformance {run,contracts} ... (see voxpipe conformance --help)")
        return 2
    return handler(args)


def _run_suite(args: argparse.Namespace) -> int:
    import sys

    from voxpipe.errors import ConfigurationError

    from voxpipe_conformance.run import run_plugins

    if not args.plugins and not args.all:
        raise ConfigurationError("name a plugin (voxpipe conformance run acme) or pass --all")

    def progress(outcome: object) -> None:
        sys.stderr.write({"pass": ".", "fail": "F", "skip": "s"}.get(outcome.status, "x"))  # type: ignore[attr-defined]
        sys.stderr.flush()

    report = run_plugins(args.plugins, all_plugins=args.all, select=args.select,
                         timeout=args.timeout, progress=progress)
    sys.stderr.write("\n")
    report.print(sys.stdout, verbose=args.verbose)
    if not args.no_json:
        path = report.write_json(args.json_path or "conformance-report.json")
        print(f"JSON report: {path}")
    _remember_status(report)
    return 0 if report.ok else 1


def _remember_status(report: object) -> None:
    """Record each plugin's result where ``voxpipe plugins list`` reads it."""
    import time

    from voxpipe.plugins.status import write_conformance_status

    for info in report.plugins.values():  # type: ignore[attr-defined]
        cases = set(info.get("cases", []))
        outcomes = [o for o in report.outcomes if o.case in cases]  # type: ignore[attr-defined]
        counts: dict[str, int] = {}
        for o in outcomes:
            counts[o.status] = counts.get(o.status, 0) + 1
        ok = not counts.get("fail") and not counts.get("xpass")
        try:
            write_conformance_status(
                info["distribution"], info["version"], {"ok": ok, "counts": counts, "when": time.time()}
            )
        except OSError:
            pass  # a read-only cache must not fail the run


def _list_contracts(args: argparse.Namespace) -> int:
    from voxpipe_conformance.contracts import CONTRACTS

    for kind, contract in CONTRACTS.items():
        if args.kind and args.kind != kind:
            continue
        print(f"{contract.__name__} ({kind}): {contract.summary}")
        for test in contract.test_names():
            needs = contract.requirements(test)
            flags = f" [requires: {', '.join(needs)}]" if needs else ""
            print(f"  {test}{flags}\n      {contract.doc_of(test)}")
    return 0


@hookimpl
def voxpipe_cli_commands() -> list[CliCommand]:
    """Contribute ``voxpipe conformance``."""
    return [CliCommand(name="conformance", help="run the plugin conformance suite",
                       configure=_configure, run=_run)]
