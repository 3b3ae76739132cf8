"""Diagnostics: what the checks and the tool found wrong, tied to script lines."""

from __future__ import annotations

from dataclasses import asdict, dataclass

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Diagnostic:
    """One finding about a script: 1-based line (0 when not tied to a line)."""

    line: int
    severity: str
    message: str
    source: str = "check"

    def to_json(self) -> dict:
        """The public shape: {"line", "severity", "message"} (+ "source")."""
        return asdict(self)

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "script"
        return f"{where}: {self.severity}: {self.message} [{self.source}]"


def has_errors(diagnostics: list[Diagnostic]) -> bool:
    return any(d.severity == "error" for d in diagnostics)
