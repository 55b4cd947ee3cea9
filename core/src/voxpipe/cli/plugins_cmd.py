"""``voxpipe plugins``: list, show and check installed plugins.

``list`` and ``show`` read manifests only (no service module is imported);
``check`` imports every service class and exits 1 when anything is wrong.
Every subcommand takes ``--json`` for machine-readable output.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Any, TextIO

import msgspec

from voxpipe.cli.output import format_table, write_json
from voxpipe.plugins.status import describe_status, read_conformance_status
from voxpipe.plugins.manager import LoadedPlugin, PluginManager, PluginProblem
from voxpipe.plugins.manifest import PLUGIN_API_VERSION
from voxpipe.plugins.registry import RegisteredService, ServiceRegistry

__all__ = ["Context", "configure"]


@dataclass
class Context:
    """What a built-in command needs: the loaded plugins and where to write."""

    manager: PluginManager
    stdout: TextIO
    stderr: TextIO
    _registry: ServiceRegistry | None = None

    @property
    def registry(self) -> ServiceRegistry:
        """The service registry, built on first use."""
        if self._registry is None:
            self._registry = ServiceRegistry.from_manager(self.manager)
        return self._registry


def configure(subparsers: Any) -> None:
    """Add the ``plugins`` command and its subcommands to ``subparsers``."""
    plugins = subparsers.add_parser(
        "plugins",
        help="list, show and check installed plugins",
        description="List, show and check installed voxpipe plugins.",
    )
    plugins.set_defaults(_builtin=lambda args, ctx: (plugins.print_help(ctx.stdout), 0)[1])
    sub = plugins.add_subparsers(title="subcommands", metavar="COMMAND")

    p_list = sub.add_parser("list", help="list installed plugins and their services")
    p_list.add_argument("--json", action="store_true", help="print JSON")
    p_list.set_defaults(_builtin=run_list)

    p_show = sub.add_parser("show", help="show one plugin in detail")
    p_show.add_argument("name", metavar="NAME", help="plugin or distribution name")
    p_show.add_argument("--json", action="store_true", help="print JSON")
    p_show.set_defaults(_builtin=run_show)

    p_check = sub.add_parser(
        "check", help="import every service class and report problems (exit 1 if any)"
    )
    p_check.add_argument("--json", action="store_true", help="print JSON")
    p_check.add_argument(
        "-v", "--verbose", action="store_true", help="include tracebacks of failures"
    )
    p_check.set_defaults(_builtin=run_check)


# -- data shapes (also the --json output) ------------------------------------------


def _service_data(service: RegisteredService) -> dict[str, Any]:
    return {**msgspec.to_builtins(service.spec), "plugin": service.plugin}


def _plugin_data(loaded: LoadedPlugin, registry: ServiceRegistry) -> dict[str, Any]:
    manifest = loaded.manifest
    return {
        "name": loaded.name,
        "distribution": loaded.distribution,
        "version": loaded.version,
        "plugin_api": manifest.plugin_api,
        "entry_point": loaded.entry_point,
        "has_manifest": loaded.has_manifest,
        "description": manifest.description,
        "license": manifest.license,
        "docs_url": manifest.docs_url,
        "services": [_service_data(s) for s in _services_of(loaded, registry)],
        "conformance_status": read_conformance_status(loaded.distribution, loaded.version),
    }


def _problem_data(problem: PluginProblem, verbose: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "distribution": problem.distribution,
        "entry_point": problem.entry_point,
        "phase": problem.phase,
        "error": problem.error,
    }
    if verbose:
        data["traceback"] = problem.traceback
    return data


def _services_of(loaded: LoadedPlugin, registry: ServiceRegistry) -> list[RegisteredService]:
    return [s for s in registry.services() if s.plugin == loaded.name]


# -- list --------------------------------------------------------------------------


def run_list(args: argparse.Namespace, ctx: Context) -> int:
    """``voxpipe plugins list``: exit 0 even when some plugins failed to load."""
    manager, registry, out = ctx.manager, ctx.registry, ctx.stdout
    if args.json:
        write_json(
            {
                "plugin_api": PLUGIN_API_VERSION,
                "plugins": [_plugin_data(p, registry) for p in manager.plugins],
                "problems": [_problem_data(p) for p in manager.problems],
                "disabled": [msgspec.to_builtins(s) for s in manager.skipped],
            },
            out,
        )
        return 0
    if manager.plugins:
        rows = []
        for loaded in manager.plugins:
            services = _services_of(loaded, registry)
            kinds = sorted({s.kind for s in services})
            rows.append(
                [
                    loaded.name,
                    loaded.distribution,
                    loaded.version,
                    loaded.manifest.plugin_api,
                    ",".join(kinds) or None,
                    " ".join(s.id for s in services) or None,
                    describe_status(read_conformance_status(loaded.distribution, loaded.version)),
                ]
            )
        headers = ["PLUGIN", "DISTRIBUTION", "VERSION", "API", "KINDS", "SERVICES", "CONFORMANCE"]
        out.write(format_table(headers, rows) + "\n")
    else:
        out.write("No voxpipe plugins are loaded.\n")
    _write_problems(manager.problems, out)
    if manager.skipped:
        out.write("\nDisabled:\n")
        for skipped in manager.skipped:
            out.write(f"  {skipped.distribution} ({skipped.name}): {skipped.reason}\n")
    if manager.problems:
        out.write(
            f"\n{len(manager.problems)} problem(s); run `voxpipe plugins check` for details.\n"
        )
    return 0


def _write_problems(problems: list[PluginProblem], out: TextIO, verbose: bool = False) -> None:
    if not problems:
        return
    out.write("\nProblems:\n")
    for problem in problems:
        out.write(f"  {problem}\n")
        if verbose and problem.traceback:
            out.write("".join(f"    {line}\n" for line in problem.traceback.splitlines()))


# -- show --------------------------------------------------------------------------


def run_show(args: argparse.Namespace, ctx: Context) -> int:
    """``voxpipe plugins show NAME``: raises PluginError for an unknown or broken NAME."""
    loaded = ctx.manager.get(args.name)
    registry, out = ctx.registry, ctx.stdout
    commands = [c.name for p, c in ctx.manager.cli_commands() if p.name == loaded.name]
    if args.json:
        write_json({**_plugin_data(loaded, registry), "commands": commands}, out)
        return 0
    manifest = loaded.manifest
    fields = [
        ("Plugin", loaded.name),
        ("Distribution", f"{loaded.distribution} {loaded.version}"),
        ("Plugin API", str(manifest.plugin_api)),
        ("Description", manifest.description),
        ("License", manifest.license),
        ("Docs", manifest.docs_url),
        ("Entry point", loaded.entry_point),
        ("Commands", ", ".join(f"voxpipe {c}" for c in commands) or None),
    ]
    out.write(format_table(["FIELD", "VALUE"], fields).split("\n", 1)[1] + "\n")
    services = _services_of(loaded, registry)
    if not services:
        out.write("\nNo services.\n")
        return 0
    rows = []
    for service in services:
        missing = set(service.missing_env())
        env = " ".join(f"{v}{' (unset)' if v in missing else ''}" for v in service.env_vars)
        rows.append(
            [
                service.id,
                service.kind,
                env or None,
                ",".join(service.capabilities) or None,
                service.import_path,
            ]
        )
    out.write("\n" + format_table(["SERVICE", "KIND", "ENV", "CAPABILITIES", "CLASS"], rows) + "\n")
    return 0


# -- check -------------------------------------------------------------------------


def run_check(args: argparse.Namespace, ctx: Context) -> int:
    """``voxpipe plugins check``: exit 0 when everything checks out, else 1."""
    from voxpipe.plugins.checks import check_plugins

    report = check_plugins(ctx.manager, ctx.registry)
    out = ctx.stdout
    if args.json:
        write_json(
            {
                "ok": report.ok,
                "plugins": [
                    {
                        "name": p.name,
                        "distribution": p.distribution,
                        "version": p.version,
                        "ok": p.ok,
                        "errors": p.errors,
                        "warnings": p.warnings,
                        "services": [
                            {
                                "id": s.id,
                                "kind": s.kind,
                                "import_path": s.import_path,
                                "ok": s.ok,
                                "error": s.error,
                                "missing_env": s.missing_env,
                            }
                            for s in p.services
                        ],
                    }
                    for p in report.plugins
                ],
                "problems": [_problem_data(p, args.verbose) for p in report.problems],
            },
            out,
        )
        return 0 if report.ok else 1
    for plugin in report.plugins:
        status = "ok" if plugin.ok else "FAILED"
        out.write(f"{plugin.distribution} {plugin.version} ({plugin.name}): {status}\n")
        for error in plugin.errors:
            out.write(f"  error: {error}\n")
        for warning in plugin.warnings:
            out.write(f"  warning: {warning}\n")
        for service in plugin.services:
            line = f"  {service.id} ({service.kind}): "
            line += "ok" if service.ok else f"FAILED: {service.error}"
            if service.missing_env:
                line += f" [unset: {', '.join(service.missing_env)}]"
            out.write(line + "\n")
    _write_problems(report.problems, out, args.verbose)
    failures = len(report.problems) + sum(not p.ok for p in report.plugins)
    if failures:
        out.write(f"\n{failures} plugin(s) with problems.\n")
        return 1
    out.write(f"\nAll {len(report.plugins)} plugin(s) check out.\n")
    return 0
