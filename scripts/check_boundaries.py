#!/usr/bin/env python3
"""Check the kernel/plugin boundaries (DESIGN §4). Run by CI.

Static (default, a second or two, offline):

* the kernel (``core/src/voxpipe``) imports no plugin module, not
  ``voxpipe_conformance``, and nothing outside the stdlib and its declared
  dependencies;
* each plugin imports only the stdlib, the kernel, its own modules and the
  distributions it declares (dependencies and optional dependencies).

Dynamic (``--wheels``): every plugin is built as a wheel with ``uv build``,
installed *alone* beside the kernel and ``voxpipe-conformance`` wheels into a
fresh ``uv venv``, imported, checked with ``voxpipe plugins check`` and run with
``voxpipe conformance run``. Third-party dependencies come from the package
index (or uv's cache with ``--offline``). Every subprocess has a timeout.

Plugins are the directories under ``plugins/``, ``transports/`` and
``serializers/`` with a ``pyproject.toml`` declaring a ``voxpipe.plugins``
entry point, plus ``examples/third_party_plugin``; ``--plugin DIR`` picks some.

Exit status: 0 clean, 1 violations, 2 usage or build errors.
"""

from __future__ import annotations

import argparse
import ast
import functools
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parent.parent
KERNEL = ROOT / "core"
CONFORMANCE = ROOT / "conformance-tests"
PLUGIN_PARENTS = ("plugins", "transports", "serializers")
EXTRA_PLUGINS = ("runner", "examples/third_party_plugin")
STDLIB = set(sys.stdlib_module_names) | {"__future__"}
# distribution name -> import names, where they differ
IMPORT_NAMES = {"pyyaml": ["yaml"], "pillow": ["PIL"], "opencv-python": ["cv2"],
                "python-dotenv": ["dotenv"], "importlib-metadata": ["importlib_metadata"],
                "faster-whisper": ["faster_whisper"], "llama-cpp-python": ["llama_cpp"],
                "protobuf": ["google"], "grpcio": ["grpc"], "scikit-learn": ["sklearn"],
                "piper-tts": ["piper"]}

# What a distribution brings along (so a plugin may import it), for when the
# checking interpreter does not have the distribution installed to ask.
KNOWN_REQUIRES = {"fastapi": ["starlette", "pydantic"]}


def rel(path: Path) -> str:
    """``path`` relative to the repository when inside it."""
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def norm(name: str) -> str:
    """PEP 503-normalize a distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def dist_of(requirement: str) -> str:
    """The distribution name of a requirement string."""
    return norm(re.split(r"[\s<>=!~;\[(@]", requirement.strip(), maxsplit=1)[0])


@functools.lru_cache(maxsize=1)
def _packages_distributions() -> dict[str, list[str]]:
    from importlib import metadata

    return metadata.packages_distributions()


def import_names(dist: str) -> set[str]:
    """Top-level import names a distribution provides (installed metadata, else a guess)."""
    names = set(IMPORT_NAMES.get(dist, [])) | {dist.replace("-", "_")}
    for module, dists in _packages_distributions().items():
        if any(norm(d) == dist for d in dists):
            names.add(module)
    return names


def pyproject(directory: Path) -> dict:
    """The parsed ``pyproject.toml`` of ``directory``."""
    return tomllib.loads((directory / "pyproject.toml").read_text(encoding="utf-8"))


def source_root(directory: Path) -> Path:
    """``src/`` when the project uses the src layout, else the project directory."""
    return directory / "src" if (directory / "src").is_dir() else directory


def modules_of(directory: Path) -> set[str]:
    """Dotted module names defined under a project's source root."""
    root = source_root(directory)
    found = set()
    for path in root.rglob("*.py"):
        if "tests" in path.relative_to(root).parts:
            continue
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        if parts:
            found.add(".".join(parts))
    return found


def imports_in(path: Path) -> list[tuple[int, str]]:
    """``(line, module)`` for every absolute import in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.append((node.lineno, node.module))
            out += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
    return out


def find_plugins(selected: list[str]) -> list[Path]:
    """Plugin project directories (with a ``voxpipe.plugins`` entry point)."""
    if selected:
        dirs = [(ROOT / s).resolve() if not Path(s).is_absolute() else Path(s) for s in selected]
    else:
        dirs = [d for parent in PLUGIN_PARENTS for d in sorted((ROOT / parent).glob("*"))]
        dirs += [ROOT / e for e in EXTRA_PLUGINS]
    plugins = []
    for d in dirs:
        if (d / "pyproject.toml").is_file():
            eps = pyproject(d).get("project", {}).get("entry-points", {})
            if "voxpipe.plugins" in eps:
                plugins.append(d)
    return plugins


def declared(directory: Path) -> set[str]:
    """Distributions a project declares (dependencies and optional dependencies)."""
    project = pyproject(directory).get("project", {})
    reqs = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        reqs += extra
    return {dist_of(r) for r in reqs}


def with_direct_requirements(dists: set[str]) -> set[str]:
    """``dists`` plus what each installed one requires unconditionally (one level).

    A plugin declaring ``fastapi`` may import ``starlette``, which FastAPI
    guarantees; anything further away must be declared.
    """
    from importlib import metadata

    out = set(dists)
    for dist in dists:
        out |= set(KNOWN_REQUIRES.get(dist, ()))
        try:
            requires = metadata.requires(dist) or []
        except metadata.PackageNotFoundError:
            continue
        out |= {dist_of(r) for r in requires if "extra ==" not in r}
    return out


def check_kernel(plugin_modules: set[str]) -> list[str]:
    """Violations of the kernel's import rules."""
    kernel_mods = modules_of(KERNEL)
    allowed_top = {"voxpipe"} | {n for d in declared(KERNEL) for n in import_names(d)}
    problems = []
    for path in sorted((KERNEL / "src" / "voxpipe").rglob("*.py")):
        for line, module in imports_in(path):
            top = module.split(".")[0]
            if module in plugin_modules and module not in kernel_mods:
                problems.append(f"{rel(path)}:{line}: the kernel imports plugin module {module}")
            elif top not in STDLIB and top not in allowed_top:
                problems.append(f"{rel(path)}:{line}: the kernel imports {top}, which is not a kernel dependency")
    return sorted(set(problems))


def check_plugin(directory: Path) -> list[str]:
    """Violations of one plugin's import rules."""
    own = {m.split(".")[0] for m in modules_of(directory)}
    deps = declared(directory)
    if "voxpipe" not in deps and directory != CONFORMANCE:
        return [f"{rel(directory)}: does not declare a dependency on voxpipe"]
    allowed = own | {"voxpipe"} | {n for d in with_direct_requirements(deps - {"voxpipe"})
                                   for n in import_names(d)}
    problems = []
    for path in sorted(source_root(directory).rglob("*.py")):
        for line, module in imports_in(path):
            top = module.split(".")[0]
            if top in STDLIB or top in allowed:
                continue
            problems.append(f"{rel(path)}:{line}: imports {top}, which "
                            f"{directory.name} does not declare")
    return sorted(set(problems))


def run(cmd: list[str], timeout: float, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``cmd`` with a timeout; never raises for a non-zero exit."""
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=cwd)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(cmd, 124, "", f"timed out after {timeout}s: {' '.join(cmd)}")


def check_wheels(plugins: list[Path], workdir: Path, offline: bool, conformance_args: list[str]) -> list[str]:
    """Build, install alone, import and run conformance for each plugin; return problems."""
    uv = shutil.which("uv")
    if uv is None:
        return ["uv is not on PATH (https://docs.astral.sh/uv/)"]
    flags = ["--offline"] if offline else []
    wheels = workdir / "wheels"
    problems = []
    for project in (KERNEL, CONFORMANCE):
        proc = run([uv, "build", "--wheel", "--out-dir", str(wheels), str(project), *flags], 300)
        if proc.returncode:
            return [f"building {project.name} failed:\n{proc.stderr[-2000:]}"]
    kernel_whl = sorted(wheels.glob("voxpipe-*.whl"))[-1]
    conf_whl = sorted(wheels.glob("voxpipe_conformance-*.whl"))[-1]
    for directory in plugins:
        began = time.perf_counter()
        meta = pyproject(directory)["project"]
        name = norm(meta["name"])
        ep_name, ep_module = next(iter(meta["entry-points"]["voxpipe.plugins"].items()))
        out = workdir / f"wheel-{name}"
        proc = run([uv, "build", "--wheel", "--out-dir", str(out), str(directory), *flags], 300)
        if proc.returncode:
            problems.append(f"{name}: wheel build failed:\n{proc.stderr[-1500:]}")
            continue
        plugin_whl = sorted(out.glob("*.whl"))[-1]
        venv = workdir / f"venv-{name}"
        python = venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
        steps = [
            ("venv", [uv, "venv", "-q", "--python", sys.executable, str(venv)], 120),
            ("install", [uv, "pip", "install", "-q", "--python", str(python), *flags,
                         str(kernel_whl), str(conf_whl), str(plugin_whl)], 300),
            ("import", [str(python), "-c", f"import {ep_module.split(':')[0]}"], 60),
            ("plugins check", [str(python), "-m", "voxpipe.cli", "plugins", "check"], 60),
            ("conformance run", [str(python), "-m", "voxpipe.cli", "conformance", "run", ep_name,
                                 "--json", str(workdir / f"{name}-conformance.json"), *conformance_args], 600),
        ]
        for label, cmd, limit in steps:
            proc = run(cmd, limit, cwd=workdir)
            if proc.returncode:
                problems.append(f"{name}: {label} failed (exit {proc.returncode}):\n"
                                f"{(proc.stdout + proc.stderr)[-3000:]}")
                break
        else:
            print(f"{name}: wheel installs alone, imports and passes conformance "
                  f"({time.perf_counter() - began:.1f}s)")
    return problems


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description="Check kernel/plugin boundaries.")
    parser.add_argument("--plugin", action="append", default=[], metavar="DIR",
                        help="check only this plugin directory (repeatable)")
    parser.add_argument("--wheels", action="store_true",
                        help="also build wheels and run each plugin alone in a fresh venv")
    parser.add_argument("--offline", action="store_true", help="pass --offline to uv")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--conformance-arg", action="append", default=[],
                        help="extra argument for `voxpipe conformance run` (e.g. -k=output)")
    args = parser.parse_args(argv)

    plugins = find_plugins(args.plugin)
    plugin_modules = set().union(*(modules_of(p) for p in plugins), modules_of(CONFORMANCE))
    problems = check_kernel(plugin_modules)
    for directory in plugins:
        problems += check_plugin(directory)
    print(f"static: kernel and {len(plugins)} plugin(s) checked: "
          f"{', '.join(p.name for p in plugins) or 'none'}")
    if args.wheels and not problems:
        workdir = Path(tempfile.mkdtemp(prefix="voxpipe-boundaries-"))
        try:
            problems += check_wheels(plugins, workdir, args.offline, args.conformance_arg)
        finally:
            if args.keep:
                print(f"kept {workdir}")
            else:
                shutil.rmtree(workdir, ignore_errors=True)
    for problem in problems:
        print(f"BOUNDARY: {problem}")
    print("boundaries ok" if not problems else f"{len(problems)} boundary problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
