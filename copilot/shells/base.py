"""The contract every tool adapter meets, and what all adapters share.

An adapter drives one tool process (or, in batch mode, one process per script): start it,
run a script and get a RunResult (output, errors and warnings tied to script lines), stop a
command that runs too long, restart it with the setup replayed, close it. Adapters differ by
how the tool is driven (a Tcl prompt, a batch Tcl run, a Python REPL); tools differ only by
their profile (adapters/<tool>/profile.toml).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable, Protocol, runtime_checkable

from copilot.errors import ToolError
from copilot.shells.profile import ToolProfile
from copilot.shells.result import RunResult

START_TIMEOUT = 30.0  # seconds a tool may take to show its first prompt
OnOutput = Callable[[str], None]


class SessionMixin:
    """What every adapter builds on its own start/run_script/close: `with Session(...) as s:`
    (starts the tool and closes it) and `evaluate`."""

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def evaluate(self, command: str) -> str:
        """Run one command and return its printed output (raises ToolError on failure)."""
        result = self.run_script(command)
        if result.status != "ok":
            raise ToolError(f"{self.profile.name} failed on {command!r}: {first_error(result)}")
        return result.output


@runtime_checkable
class ToolSession(Protocol):
    """A live tool the copilot can run scripts in."""

    profile: ToolProfile
    timeout: float
    restarts: int
    setups: list[Path]

    def start(self) -> "ToolSession":
        """Start the tool and load the copilot runtime; raises ToolError if it cannot."""
        ...

    def load_setup(self, path: Path) -> RunResult:
        """Run a setup script, remember it for restarts; raises SetupError if it fails."""
        ...

    def run_script(self, text: str) -> RunResult:
        """Run a script and tie its output, errors and warnings to its lines."""
        ...

    def evaluate(self, command: str) -> str:
        """Run one command and return its printed output; raises ToolError on failure."""
        ...

    def version(self) -> str:
        ...

    def interrupt(self) -> None:
        """Stop what the tool is doing; a tool that dies on SIGINT is restarted instead."""
        ...

    def restart(self) -> None:
        """Start the tool again and replay every setup loaded so far."""
        ...

    def close(self) -> None:
        ...

    @property
    def alive(self) -> bool:
        ...


def find_executable(profile: ToolProfile, executable: str) -> str:
    """The full path of the tool's executable, or a ToolError that says what to do."""
    path = shutil.which(executable)
    if path is None:
        from copilot.shells.profile import profile_names

        others = ", ".join(n for n in profile_names(enabled_only=True) if n != profile.name)
        raise ToolError(
            f"'{executable}' for tool '{profile.name}' is not installed or not on PATH; "
            f"install it ({profile.install_hint}), set its path in the config, or use another "
            f"tool ({others}; add one as <config dir>/adapters/<name>/profile.toml)."
        )
    return path


def first_error(result: RunResult) -> str:
    """The first error of a run as 'line N: message' (or its status when there is none)."""
    for d in result.diagnostics:
        if d.severity == "error":
            return f"line {d.line}: {d.message}"
    return result.status
