"""Things plugins contribute besides services: CLI subcommands and project templates.

Both are plain dataclasses so a plugin builds them without importing argparse
machinery or any template engine; the ``voxpipe`` command and the scaffolding
tools consume them.
"""

from __future__ import annotations

import argparse
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from voxpipe.errors import ConfigurationError

__all__ = ["CliCommand", "ProjectTemplate"]


@dataclass(frozen=True)
class CliCommand:
    """A ``voxpipe <name>`` subcommand contributed by a plugin.

    The command line tool adds a subparser called ``name``, lets ``configure``
    add arguments (and sub-subcommands) to it, and calls ``run`` with the parsed
    namespace when the user picks it.

    Attributes:
        name: The subcommand word (``conformance``). Must not clash with a
            built-in command (``plugins``) or another plugin's command.
        help: One line shown in ``voxpipe --help``.
        configure: Adds arguments to the subparser. Keep it cheap: it runs on
            every ``voxpipe`` invocation. Import heavy modules inside ``run``.
        run: Does the work and returns the process exit code. Raise a
            :class:`voxpipe.errors.VoxpipeError` for a failure the user can fix;
            ``voxpipe`` prints its message on one line and exits with status 2.
    """

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


Renderer = Callable[[Mapping[str, str]], Mapping[str, str]]


@dataclass(frozen=True)
class ProjectTemplate:
    """A project skeleton a plugin offers for scaffolding (a bot, a new plugin ...).

    Attributes:
        name: Template id, unique across plugins (``websocket-bot``).
        description: One line for listings.
        files: Either a mapping of relative POSIX path to file text, in which
            ``$variable`` placeholders (``string.Template`` syntax; ``$$`` is a
            literal dollar) are replaced in both paths and contents, or a callable
            that receives the variables and returns that mapping already rendered.
        variables: Default values for the variables; callers override them.
    """

    name: str
    description: str
    files: Mapping[str, str] | Renderer
    variables: Mapping[str, str] = field(default_factory=dict)

    def render(self, variables: Mapping[str, str] | None = None) -> dict[str, str]:
        """Return the files of the project, keyed by relative POSIX path.

        Args:
            variables: Values that override :attr:`variables`.

        Raises:
            ConfigurationError: A placeholder has no value, or a path would
                escape the project directory.
        """
        values = {**self.variables, **(variables or {})}
        if callable(self.files):
            rendered = dict(self.files(values))
        else:
            try:
                rendered = {
                    string.Template(path).substitute(values): string.Template(text).substitute(
                        values
                    )
                    for path, text in self.files.items()
                }
            except KeyError as exc:
                raise ConfigurationError(
                    f"template {self.name!r} needs a value for ${exc.args[0]}"
                ) from None
        for path in rendered:
            pure = PurePosixPath(path)
            if pure.is_absolute() or ".." in pure.parts or not pure.parts:
                raise ConfigurationError(
                    f"template {self.name!r} has path {path!r} outside the project directory"
                )
        return rendered

    def write(
        self,
        destination: str | Path,
        variables: Mapping[str, str] | None = None,
        *,
        overwrite: bool = False,
    ) -> list[Path]:
        """Render the template into ``destination`` and return the files written.

        Raises:
            ConfigurationError: A file exists and ``overwrite`` is false (nothing
                is written in that case), or :meth:`render` failed.
        """
        root = Path(destination)
        rendered = self.render(variables)
        targets = {root.joinpath(*PurePosixPath(p).parts): text for p, text in rendered.items()}
        if not overwrite:
            existing = sorted(str(t) for t in targets if t.exists())
            if existing:
                raise ConfigurationError(
                    f"{existing[0]} already exists; choose an empty directory or pass overwrite"
                )
        for target, text in targets.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        return sorted(targets)
