"""A live Python REPL (python3, `openroad -python`...) driven like the Tcl tools.

The prompt-driven machinery is TclSession's; only the runtime differs: adapters/python_runtime.py
runs a script one top-level statement at a time in the REPL's namespace between the same
markers, reports an exception at the script line it came from, and prints each warning as a
`Warning: line N: ...` line.
"""

from __future__ import annotations

from pathlib import Path

from copilot import resources
from copilot.shells.tcl_session import TclSession


class PythonSession(TclSession):
    """A Python REPL; scripts run through the Python runtime, in the REPL's own namespace."""

    suffix = ".py"

    def runtime_line(self) -> str:
        runtime = str(resources.data_file("adapters", "python_runtime.py"))
        return (f"exec(open({runtime!r}, encoding='utf-8').read(), "
                f"{{'__name__': '__copilot_rt__'}})")

    def run_line(self, path: Path, tag: str) -> str:
        return f"__import__('__copilot_rt__').run({str(path)!r}, {tag!r})"
